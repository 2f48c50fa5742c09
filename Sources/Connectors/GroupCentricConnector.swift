package import Membership
package import SCIM

/// What the bridge asks of a target that keeps memberships on the group (GitHub EMU, Slack, generic
/// SCIM). Ids are the target's. Calls are idempotent where the protocol allows: creating what exists
/// finds it, removing what is gone succeeds.
package protocol GroupCentricConnector: TargetUserDirectory {
    /// Every group of this name on the target. Where names are not unique (Microsoft Entra), there may
    /// be several, and the bridge never picks one.
    func findGroups(displayName: String) async throws -> [GroupCentricPlanner.TargetGroup]
    func group(id: String) async throws -> GroupCentricPlanner.TargetGroup?
    /// Creates the group with its first members (or finds it when the target says it exists).
    /// `externalId` is the canonical group's `externalId`, or its bridge id (GitHub EMU requires one).
    func createGroup(displayName: String, externalId: String, members: [String]) async throws -> String
    func renameGroup(id: String, displayName: String) async throws
    func addMembers(groupID: String, members: [String]) async throws
    func removeMembers(groupID: String, members: [String]) async throws
    func deleteGroup(id: String) async throws
    /// Every group, with members (reconciliation).
    func listGroups() async throws -> [GroupCentricPlanner.TargetGroup]
    /// Whether the target keeps deactivated users as group members (Slack refuses them).
    var holdsInactiveMembers: Bool { get }
    /// Whether `error`, answered to adding members, refuses a member rather than the request (Slack's
    /// `unable_to_add_deleted_or_guest_to_group`): the other members can still be added.
    func refusesMember(_ error: TargetError) -> Bool
}

extension GroupCentricConnector {
    package var holdsInactiveMembers: Bool { true }
    package func refusesMember(_ error: TargetError) -> Bool { false }
}
