package import SCIM

/// What reconciliation reads and compares of a Slack user. Pure. Compared: `active` (deactivation),
/// `displayName` and `nickName` (as written, at most 80 characters), `name.givenName`,
/// `name.familyName` and `title`. Not compared: `userName` (Slack rewrites it), `emails` (the match
/// key is the primary one), `externalId` (set at creation only), `timezone` and the enterprise
/// extension (Slack normalises them).
package enum SlackUserState {
    static let compared = ["displayName", "nickName", "name.givenName", "name.familyName", "title"]

    /// A listed user, matched by its primary email; nil without `id` or an email.
    package static func listed(_ resource: JSONValue) -> TargetUser? {
        SCIMUserState.listed(resource, comparing: compared, matchKey: SlackUserMapping.email(of:))
    }

    package static func differences(of user: JSONObject, from actual: TargetUser) -> [AttributeDifference] {
        // The user name is not compared, so any will do for the body.
        let body = SlackUserMapping.body(user, userName: "-", includeExternalId: false)
        return UserComparison.differences(
            active: body["active"]?.boolValue ?? true,
            wanted: UserComparison.strings(body, compared),
            actual: actual
        )
    }
}
