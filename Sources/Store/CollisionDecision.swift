package import Membership
package import SCIM

/// An administrator's choice for one group that a same-named group on one target blocked: adopt
/// that group (`merge` or `overwrite`) although the target's `onNameCollision` is `fail`. The
/// target's policy stays the default for every other group.
package struct CollisionDecision: Sendable, Hashable {
    package var target: String
    package var channel: Channel
    /// The canonical group's id.
    package var group: String
    /// `merge` or `overwrite`.
    package var policy: CollisionPolicy
    /// Who decided (`admin API`, `targets resolve (user alice)`), as the audit log shows it.
    package var decidedBy: String
    package var decidedAt: SCIMDateTime

    package init(
        target: String,
        channel: Channel,
        group: String,
        policy: CollisionPolicy,
        decidedBy: String,
        decidedAt: SCIMDateTime
    ) {
        self.target = target
        self.channel = channel
        self.group = group
        self.policy = policy
        self.decidedBy = decidedBy
        self.decidedAt = decidedAt
    }
}
