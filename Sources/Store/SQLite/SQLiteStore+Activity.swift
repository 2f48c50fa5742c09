import GRDB
package import Membership
package import SCIM

// The audit log and the outbox read for people: the console's audit page and a resource's trail.
extension SQLiteStore {
    package func auditLog(_ query: AuditQuery) async throws -> [AuditEntry] {
        let (conditions, values) = query.conditions
        let arguments = StatementArguments(
            values.map { v -> DatabaseValue in
                switch v {
                case .text(let s): s.databaseValue
                case .time(let t): Self.nanoseconds(t).databaseValue
                case .seq(let n): n.databaseValue
                }
            } + [max(query.limit, 0).databaseValue]
        )
        return try await read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT seq, time, target, action, resource_key, detail FROM audit
                    WHERE \(conditions) ORDER BY seq DESC LIMIT ?
                    """,
                arguments: arguments
            )
            .map { row in
                let text: String = row["detail"]
                return AuditEntry(
                    seq: row["seq"],
                    time: Self.instant(row["time"]),
                    target: row["target"],
                    action: row["action"],
                    resourceKey: row["resource_key"],
                    detail: (try? JSONParser.parse(text)) ?? .null
                )
            }
        }
    }

    package func outboxHistory(target: String, channel: Channel, resourceKey: String, limit: Int) async throws
        -> [OutboxEntry]
    {
        try await read { db in
            try Row.fetchAll(
                db,
                cached: """
                    SELECT seq, target, resource_key, event, attempts, state, last_error, trace_parent, created
                    FROM outbox WHERE target = ? AND resource_key = ? AND channel_key = ?
                    ORDER BY seq DESC LIMIT ?
                    """,
                arguments: [target, resourceKey, channel.key, limit]
            ).compactMap { row in
                var entry = try Self.outboxEntry(from: row, channel: channel)
                entry?.created = Self.instant(row["created"])
                return entry
            }
        }
    }

    /// One process serves a database file: nothing is claimed, so nothing is given back.
    package func releaseOutboxClaims(_ seqs: [Int64]) async throws {}

    /// One process serves a database file (`ServeLock`), so a lock in memory is enough.
    package func withReconciliationLock(target: String, _ body: @Sendable () async throws -> Void) async throws
        -> Bool
    {
        try await reconciling.with(target, body)
    }
}
