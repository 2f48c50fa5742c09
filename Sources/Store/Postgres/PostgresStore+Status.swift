package import Membership
import PostgresNIO

extension PostgresStore {
    /// As `SQLiteStore.resourceStatuses`: the outbox and the mappings, read on one snapshot.
    package func resourceStatuses(target: String, state: ResourceSyncStatus.State?, limit: Int) async throws
        -> [ResourceSyncStatus]
    {
        try await read { c in
            var byKey: [String: ResourceSyncStatus] = [:]
            for row in try await rows(
                """
                SELECT c.name, o.resource_key, COUNT(*)::bigint, MAX(o.attempts)::bigint, bool_or(o.state = 'dead'),
                       (SELECT l.last_error FROM outbox l WHERE l.target = o.target AND l.resource_key = o.resource_key
                          AND l.channel_key = o.channel_key AND l.state IN ('pending', 'dead') AND l.last_error IS NOT NULL
                        ORDER BY l.updated DESC LIMIT 1)
                FROM outbox o JOIN channel c ON c.key = o.channel_key
                WHERE o.target = ? AND o.state IN ('pending', 'dead')
                GROUP BY o.target, o.channel_key, c.name, o.resource_key
                """,
                [.text(target)],
                on: c
            ) {
                let (channel, key, n, attempts, dead, lastError) = try row.decode(
                    (String, String, Int64, Int64, Bool, String?).self
                )
                byKey[channel + "\u{0}" + key] = ResourceSyncStatus(
                    channel: channel,
                    resourceKey: key,
                    state: dead ? .failed : .pending,
                    undelivered: Int(n),
                    attempts: Int(attempts),
                    lastError: lastError
                )
            }
            for row in try await rows(
                """
                SELECT c.name, m.kind, m.canonical_id, m.target_id, m.origin, m.detail
                FROM target_mapping m JOIN channel c ON c.key = m.channel_key WHERE m.target = ?
                """,
                [.text(target)],
                on: c
            ) {
                let (channel, kind, id, targetID, rawOrigin, detail) = try row.decode(
                    (String, String, String, String?, String, String?).self
                )
                let key = "\(kind.lowercased()):\(id)"
                let origin = try Self.origin(rawOrigin)
                let mapped: ResourceSyncStatus.State =
                    switch origin {
                    case .blocked: .blocked
                    case .deprovisioned: .deprovisioned
                    case .creating: .pending  // being created on the target
                    case .created, .adoptedMerge, .adoptedOverwrite: .synced
                    }
                if var s = byKey[channel + "\u{0}" + key] {
                    s.targetID = targetID
                    s.origin = origin
                    if mapped == .blocked { s.detail = detail }
                    byKey[channel + "\u{0}" + key] = s
                } else {
                    byKey[channel + "\u{0}" + key] = ResourceSyncStatus(
                        channel: channel,
                        resourceKey: key,
                        state: mapped,
                        targetID: targetID,
                        origin: origin,
                        detail: mapped == .blocked ? detail : nil
                    )
                }
            }
            let all = byKey.values.filter { state == nil || $0.state == state }
            return Array(all.sorted { ($0.channel, $0.resourceKey) < ($1.channel, $1.resourceKey) }.prefix(limit))
        }
    }
}
