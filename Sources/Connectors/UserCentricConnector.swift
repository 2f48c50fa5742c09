package import Membership
package import SCIM

/// What the bridge asks of a target that keeps memberships on the user, one (user, group) pair per
/// call (Google Workspace, Salesforce). Ids are the target's. Calls are idempotent where the vendor
/// allows: creating what exists finds it, inserting a membership that exists and removing one that
/// does not both succeed.
package protocol UserCentricConnector: TargetUserDirectory {
    /// The group of this name on the target, if any (a name collision when the bridge does not know it).
    func findGroup(displayName: String) async throws -> (id: String, name: String)?
    /// Creates an empty group (or finds the one this call created before) and returns its target id.
    /// `externalId` is the canonical group's `externalId`, or its bridge id.
    func createGroup(displayName: String, externalId: String) async throws -> String
    func renameGroup(id: String, displayName: String) async throws
    /// Deletes the group; a group already gone counts as deleted.
    func deleteGroup(id: String) async throws
    /// The target ids of the users who are direct members of the group (to read a colliding group).
    func members(ofGroup id: String) async throws -> Set<String>
    /// Makes the user a member of the group; "already a member" counts as done. Returns whether this
    /// call inserted the membership (false: the user already was a member).
    @discardableResult
    func addMembership(user: String, group: String) async throws -> Bool
    /// Ends the user's membership of the group; "not a member" counts as done.
    func removeMembership(user: String, group: String) async throws
    /// Every group: target id and name (reconciliation).
    func listGroups() async throws -> [(id: String, name: String)]
}
