package import SCIM

/// What reconciliation reads and compares of a generic SCIM target's user. Pure. Compared: `active`
/// and the attributes a SCIM service keeps as sent, `displayName`, `name.givenName` and
/// `name.familyName`. Not compared: `userName` (the match key), and `emails`, `phoneNumbers` and
/// the like, whose `type`, `primary` and case services normalise.
package enum SCIMUserState {
    package static let compared = ["displayName", "name.givenName", "name.familyName"]

    /// A listed user, in canonical terms (its own already); nil without `id` or `userName`.
    package static func listed(_ resource: JSONValue) -> TargetUser? { listed(resource, comparing: compared) }

    /// A listed SCIM user with `attributes` read at the paths `comparing` and the match key `matchKey`
    /// reads (`userName`; Slack's primary email); nil without `id` or a match key.
    static func listed(
        _ resource: JSONValue,
        comparing compared: [String],
        matchKey: (JSONObject) -> String? = { $0["userName"]?.stringValue }
    ) -> TargetUser? {
        guard let o = resource.objectValue, let id = o["id"]?.stringValue, let key = matchKey(o) else { return nil }
        return TargetUser(
            id: id,
            matchKey: key,
            active: o["active"]?.boolValue ?? true,
            attributes: UserComparison.strings(o, compared)
        )
    }

    package static func differences(of user: JSONObject, from actual: TargetUser) -> [AttributeDifference] {
        UserComparison.differences(
            active: user["active"]?.boolValue ?? true,
            wanted: UserComparison.strings(user, compared),
            actual: actual
        )
    }
}
