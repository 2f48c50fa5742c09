package import Membership
package import SCIM
package import Store

/// Applies one outbox event to one target: what `TargetWorker` drives, whichever projection
/// (group-centric or user-centric) the target needs.
package protocol ChangeProcessor: Sendable {
    /// The target's name, as outbox entries and mappings carry it.
    var target: String { get }
    /// Makes the target reflect `event`; idempotent, so that a redelivered event has the effect of one.
    func process(_ event: ChangeEvent, channel: Channel) async throws
}

/// A projection of the canonical model onto one target: one idempotent step per kind of change,
/// dispatched from `process` the same way for both projections.
protocol ProjectionSync: ChangeProcessor {
    var store: any SyncStore { get }
    /// The user half, with the target's user scope.
    var users: UserProvisioning { get }
    /// How the target names a group (`mapping.group.displayName`).
    var groupMapping: AttributeMapping { get }
    func upsertUser(_ id: String, _ channel: Channel) async throws
    func deleteUser(_ id: String, _ channel: Channel) async throws
    func upsertGroup(_ id: String, _ channel: Channel) async throws
    func deleteGroup(_ id: String, _ channel: Channel) async throws
    func changeMembers(_ id: String, _ added: [String], _ removed: [String], _ channel: Channel) async throws
}

extension ProjectionSync {
    /// The name the target gives a canonical group: its `displayName`, through `mapping.group`.
    package func targetName(of group: JSONObject) -> String? {
        groupMapping.view(of: group)["displayName"]?.stringValue
    }

    package func process(_ event: ChangeEvent, channel: Channel) async throws {
        switch event {
        case .userUpserted(let id): try await upsertUser(id, channel)
        case .userDeleted(let id): try await deleteUser(id, channel)
        case .groupUpserted(let id): try await upsertGroup(id, channel)
        case .groupDeleted(let id): try await deleteGroupAndLeavers(id, channel)
        case .membersChanged(let id, let added, let removed):
            try await changeMembers(id, added, removed, channel)
            // Under a user scope, a removed member in no other in-scope group leaves the target.
            try await users.leaveScopeIfOut(removed, channel)
        }
    }
}

extension ProjectionSync {
    /// A group deleted at the source; under a user scope, the members the bridge added to it who are
    /// now in no in-scope group leave the target too.
    func deleteGroupAndLeavers(_ id: String, _ channel: Channel) async throws {
        let leavers =
            users.scope.restrictsUsers
            ? Array(try await store.bridgeAddedMembers(target: target, channel: channel, group: id)) : []
        try await deleteGroup(id, channel)
        try await users.leaveScopeIfOut(leavers, channel)
    }
}

extension GroupCentricSync: ProjectionSync {}
extension UserCentricSync: ProjectionSync {}
