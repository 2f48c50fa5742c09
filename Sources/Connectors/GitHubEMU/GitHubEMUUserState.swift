package import SCIM

/// What reconciliation reads and compares of a GitHub EMU user. Pure. Compared: `active` (GitHub's
/// suspension), `displayName` (as `GitHubEMUUserMapping` derives it) and `name.givenName` /
/// `name.familyName` (written only as a pair). Not compared: `userName` (the match key), `emails`
/// (GitHub obfuscates the primary email of a suspended user), `externalId` (fixed at creation) and
/// `roles` (normalised to GitHub's enum).
package enum GitHubEMUUserState {
    static let compared = ["displayName", "name.givenName", "name.familyName"]

    /// A listed user; nil without `id` or `userName`.
    package static func listed(_ resource: JSONValue) -> TargetUser? {
        SCIMUserState.listed(resource, comparing: compared)
    }

    package static func differences(of user: JSONObject, from actual: TargetUser) -> [AttributeDifference] {
        let body = GitHubEMUUserMapping.body(for: user)
        return UserComparison.differences(
            active: body["active"]?.boolValue ?? true,
            wanted: UserComparison.strings(body, compared),
            actual: actual
        )
    }
}
