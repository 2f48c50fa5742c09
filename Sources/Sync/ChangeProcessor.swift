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

extension GroupCentricSync: ChangeProcessor {}
