package import Membership
internal import Membership
internal import SCIM
package import Store

/// Dead letters a reconciliation made moot. After a reconciliation has executed its whole plan, the
/// target matches the canonical model for every resource the plan looked at, so a dead-lettered
/// change of such a resource no longer needs anyone: it is settled (kept for the audit, no longer
/// reported as failed), with an audit entry. Users are always looked at (present ones by their match
/// key, deleted ones through their mappings); groups only while the source has them and they are not
/// blocked: the dead letters of a deleted group, which the plan cannot check, stay.
extension TargetReconciler {
    /// Settles what can be settled in `channels`; returns how many dead letters were settled.
    @discardableResult
    package func settleDeadLetters(channels: [Channel]) async throws -> Int {
        var settled = 0
        for channel in channels {
            var keys: [String] = []
            for key in try await store.deadResourceKeys(target: target, channel: channel).sorted() {
                if try await Self.planLooksAt(key, store: store, target: target, channel: channel) { keys.append(key) }
            }
            guard !keys.isEmpty else { continue }
            for entry in try await store.settleDeadOutboxEntries(target: target, channel: channel, resourceKeys: keys) {
                try await store.appendAudit(
                    target: target,
                    channel: channel,
                    action: "dead letter settled by reconciliation",
                    resourceKey: entry.resourceKey,
                    detail: [
                        "event": entry.event.json, "attempts": .integer(Int64(entry.attempts)),
                        "lastError": entry.lastError.map(JSONValue.string) ?? .null,
                    ]
                )
                settled += 1
            }
        }
        return settled
    }

    /// Whether a reconciliation plan checks the resource behind `key` on the target.
    static func planLooksAt(_ key: String, store: any SyncStore, target: String, channel: Channel) async throws -> Bool
    {
        if key.hasPrefix("user:") { return true }
        guard key.hasPrefix("group:") else { return false }
        let id = String(key.dropFirst("group:".count))
        guard try await store.get(.group, id: id, in: channel) != nil else { return false }
        return try await store.mapping(target: target, channel: channel, kind: .group, canonicalID: id)?.origin
            != .blocked
    }
}
