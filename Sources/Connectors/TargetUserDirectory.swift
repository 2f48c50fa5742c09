package import Membership
package import SCIM

/// The user half of every connector, whichever side memberships live on: find, create, replace and
/// remove users. Ids are the target's.
package protocol TargetUserDirectory: Sendable {
    /// The value this target matches a canonical user by (generic SCIM and GitHub: `userName`; Slack,
    /// which rewrites user names, and Google: the primary email). nil if the user lacks it.
    func matchKey(of user: JSONObject) -> String?
    /// The target id of the user whose match key is `matchKey`, if the target has one.
    func findUser(matchKey: String) async throws -> String?
    /// Creates the user (or finds it when the target says it exists) and returns its target id.
    func createUser(_ user: JSONObject) async throws -> String
    /// Replaces the user's attributes; false if the target no longer has it.
    func replaceUser(id: String, _ user: JSONObject) async throws -> Bool
    func removeUser(id: String, action: UserRemoval) async throws
    /// The attributes on which the target's user differs from what `createUser`/`replaceUser` would
    /// write for the canonical `user` (reconciliation). Pure; compares only what the target keeps as
    /// written, so that a value it normalises or does not return is never taken for drift.
    func differences(of user: JSONObject, from actual: TargetUser) -> [AttributeDifference]
    /// The body `createUser` would send for the canonical `user` (`scim-bridge mapping preview`), with
    /// any generated password shown as `(generated)`; throws the refusal `createUser` would throw. Pure.
    func preview(of user: JSONObject) throws -> JSONValue
    /// Every user: target id, match key, whether it is active, and the written attributes (reconciliation).
    func listUsers() async throws -> [TargetUser]
    /// One cheap authenticated read, the way PingOne's "Test connection" checks a target (`doctor`).
    func testConnection() async throws
}
