package import SCIM

/// What reconciliation reads and compares of a Google Workspace user. Pure. Compared: `active` (the
/// inverse of `suspended`) and `name.givenName` / `name.familyName` as `GoogleMapping.userBody`
/// derives them (from `displayName` or the email when the canonical user lacks them). Not compared:
/// `primaryEmail` (the match key) and `externalIds` (Google keeps others' entries beside the bridge's).
package enum GoogleUserState {
    static let compared = ["name.givenName", "name.familyName"]

    /// A listed user, matched by its primary email (lower-cased); nil without `id` or `primaryEmail`.
    package static func listed(_ resource: JSONValue) -> TargetUser? {
        guard let o = resource.objectValue, let id = o["id"]?.stringValue, let email = o["primaryEmail"]?.stringValue
        else { return nil }
        return TargetUser(
            id: id,
            matchKey: email.lowercased(),
            active: !(o["suspended"]?.boolValue ?? false),
            attributes: UserComparison.strings(o, compared)
        )
    }

    package static func differences(of user: JSONObject, from actual: TargetUser) -> [AttributeDifference] {
        let email = GoogleMapping.primaryEmail(of: user) ?? actual.matchKey
        let body = GoogleMapping.userBody(user, primaryEmail: email, password: nil).objectValue ?? [:]
        return UserComparison.differences(
            active: !(body["suspended"]?.boolValue ?? false),
            wanted: UserComparison.strings(body, compared),
            actual: actual
        )
    }
}
