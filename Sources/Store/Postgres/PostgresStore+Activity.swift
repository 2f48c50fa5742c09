import Logging
package import Membership
import PostgresNIO
package import SCIM

// The audit log and the outbox read for people (as `SQLiteStore+Activity`), and what replicas share:
// one reconciler per target, and each target's rate limit.
extension PostgresStore {
    package func auditLog(_ query: AuditQuery) async throws -> [AuditEntry] {
        let (conditions, values) = query.conditions
        let bound: [PostgresValue] =
            values.map { v -> PostgresValue in
                switch v {
                case .text(let s): .text(s)
                case .time(let t): .int(Self.nanoseconds(t))
                case .seq(let n): .int(n)
                }
            } + [.int(Int64(max(query.limit, 0)))]
        return try await readOne { c in
            try await rows(
                "SELECT seq, time, target, action, resource_key, detail FROM audit WHERE \(conditions) ORDER BY seq DESC LIMIT ?",
                bound,
                on: c
            ).map { row in
                let (seq, time, target, action, key, detail) = try row.decode(
                    (Int64, Int64, String, String, String, String).self
                )
                return AuditEntry(
                    seq: seq,
                    time: Self.instant(time),
                    target: target,
                    action: action,
                    resourceKey: key,
                    detail: (try? JSONParser.parse(detail)) ?? .null
                )
            }
        }
    }

    package func outboxHistory(target: String, channel: Membership.Channel, resourceKey: String, limit: Int)
        async throws -> [OutboxEntry]
    {
        try await readOne { c in
            try await rows(
                """
                SELECT seq, target, resource_key, event, attempts, state, last_error, trace_parent, created
                FROM outbox WHERE target = ? AND resource_key = ? AND channel_key = ? ORDER BY seq DESC LIMIT ?
                """,
                [.text(target), .text(resourceKey), .int(channel.key), .int(Int64(limit))],
                on: c
            ).compactMap { row in
                var entry = try Self.outboxEntry(from: row, channel: channel, skipping: 0)
                entry?.created = Self.instant(try row.makeRandomAccess()[8].decode(Int64.self))
                return entry
            }
        }
    }

    package func releaseOutboxClaims(_ seqs: [Int64]) async throws {
        guard !seqs.isEmpty else { return }
        try await write { c in
            try await rows(
                "UPDATE outbox SET claimed_until = NULL WHERE seq = ANY(?::bigint[]) AND state = 'pending'",
                [.texts(seqs.map(String.init))],
                on: c
            )
        }
    }

    /// A session-level advisory lock, keyed by the target's name, held on a connection of its own for
    /// as long as `body` runs: a replica that dies mid-pass drops its connection and with it the lock.
    package func withReconciliationLock(target: String, _ body: @Sendable () async throws -> Void) async throws
        -> Bool
    {
        let connection: PostgresConnection
        do {
            connection = try await PostgresConnection.connect(
                configuration: try settings.connectionConfiguration(),
                id: 0,
                logger: logger
            )
        } catch {
            throw Self.mapped(error)
        }
        do {
            // Advisory locks are the database's, not the schema's: the schema is part of the key.
            let got =
                try await rows(
                    "SELECT pg_try_advisory_lock(hashtextextended('scim-bridge reconcile ' || current_schema() || ' ' || ?, 0))",
                    [.text(target)],
                    on: connection
                ).first?.decode(Bool.self) ?? false
            if got { try await body() }
            try? await connection.close()
            return got
        } catch {
            try? await connection.close()
            throw error
        }
    }

    /// Takes one call from `target`'s rate-limit budget, shared by every replica on this database: a
    /// generic cell rate algorithm on the database's clock (one call per `interval`, `burst` at once).
    /// Returns nil when the call may go now, or how long to wait before asking again.
    package func takeFromRateBudget(target: String, interval: Duration, burst: Int) async throws -> Duration? {
        let t = Self.ns(interval)
        let tolerance = t * Int64(max(burst, 1) - 1)
        return try await readOne { c in
            // One statement, so no transaction: a row lock for the update's instant is all it takes.
            let taken = try await rows(
                """
                INSERT INTO rate_budget AS b (target, tat)
                VALUES (?, (extract(epoch FROM clock_timestamp()) * 1000000000)::bigint + ?)
                ON CONFLICT (target) DO UPDATE SET tat = greatest(b.tat, EXCLUDED.tat - ?) + ?
                  WHERE greatest(b.tat, EXCLUDED.tat - ?) - (EXCLUDED.tat - ?) <= ?
                RETURNING tat
                """,
                [.text(target), .int(t), .int(t), .int(t), .int(t), .int(t), .int(tolerance)],
                on: c
            )
            if !taken.isEmpty { return nil }
            let wait =
                try await rows(
                    """
                    SELECT greatest(tat - ? - (extract(epoch FROM clock_timestamp()) * 1000000000)::bigint, 1000000)
                    FROM rate_budget WHERE target = ?
                    """,
                    [.int(tolerance), .text(target)],
                    on: c
                ).first?.decode(Int64.self) ?? 1_000_000
            return .nanoseconds(wait)
        }
    }

    static func ns(_ d: Duration) -> Int64 {
        d.components.seconds * 1_000_000_000 + d.components.attoseconds / 1_000_000_000
    }
}
