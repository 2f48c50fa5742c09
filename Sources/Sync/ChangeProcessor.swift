package import Membership
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
    func upsertUser(_ id: String, _ channel: Channel) async throws
    func deleteUser(_ id: String, _ channel: Channel) async throws
    func upsertGroup(_ id: String, _ channel: Channel) async throws
    func deleteGroup(_ id: String, _ channel: Channel) async throws
    func changeMembers(_ id: String, _ added: [String], _ removed: [String], _ channel: Channel) async throws
}

extension ProjectionSync {
    package func process(_ event: ChangeEvent, channel: Channel) async throws {
        switch event {
        case .userUpserted(let id): try await upsertUser(id, channel)
        case .userDeleted(let id): try await deleteUser(id, channel)
        case .groupUpserted(let id): try await upsertGroup(id, channel)
        case .groupDeleted(let id): try await deleteGroup(id, channel)
        case .membersChanged(let id, let added, let removed): try await changeMembers(id, added, removed, channel)
        }
    }
}

extension GroupCentricSync: ProjectionSync {}
extension UserCentricSync: ProjectionSync {}
