import Logging
import Membership
import SCIM
import Store

/// A group left alone on a target because a same-named group is there and the policy is `fail`: both
/// projections record it the same way.
protocol RecordsBlockedGroups {
    var target: String { get }
    var store: any SyncStore { get }
    var logger: Logger { get }
    /// The target's `onNameCollision`.
    var policy: CollisionPolicy { get }
}

extension RecordsBlockedGroups {
    /// The group's mapping says blocked, with `reason` (no target id); an audit entry and a warning
    /// record it, so that `status` and the admin API show why.
    func recordBlocked(group id: String, named name: String, reason: String, channel: Channel) async throws {
        try await store.setMapping(
            TargetMapping(
                target: target,
                channel: channel,
                kind: .group,
                canonicalID: id,
                targetID: nil,
                origin: .blocked,
                detail: reason
            )
        )
        try await store.appendAudit(
            target: target,
            channel: channel,
            action: "blocked",
            resourceKey: "group:\(id)",
            detail: ["reason": .string(reason)]
        )
        logger.warning("group blocked on target", metadata: ["target": "\(target)", "group": "\(name)"])
    }
}

extension RecordsBlockedGroups {
    /// The policy for one group: an administrator's decision for it (`targets resolve`), else the target's.
    func policy(forGroup id: String, _ channel: Channel) async throws -> CollisionPolicy {
        try await store.collisionDecision(target: target, channel: channel, group: id)?.policy ?? policy
    }
}

extension GroupCentricSync: RecordsBlockedGroups {}
extension UserCentricSync: RecordsBlockedGroups {}
