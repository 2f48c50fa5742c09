import GRDB
package import Membership
import SCIM

extension SQLiteStore {
    package func collisionDecision(target: String, channel: Channel, group: String) async throws
        -> CollisionDecision?
    {
        try await read { db in
            try Row.fetchOne(
                db,
                cached: """
                    SELECT policy, decided_by, decided_at FROM collision_decision
                    WHERE target = ? AND channel_key = ? AND canonical_id = ?
                    """,
                arguments: [target, channel.key, group]
            ).flatMap { row in
                CollisionPolicy(rawValue: row["policy"]).map {
                    CollisionDecision(
                        target: target,
                        channel: channel,
                        group: group,
                        policy: $0,
                        decidedBy: row["decided_by"],
                        decidedAt: Self.instant(row["decided_at"])
                    )
                }
            }
        }
    }

    /// The decision, its audit entry and the group's upsert for the target's worker, in one
    /// transaction: a decision is never recorded without being applied, nor applied unrecorded.
    package func recordCollisionDecision(_ d: CollisionDecision) async throws {
        let at = Self.nanoseconds(d.decidedAt)
        let event = ChangeEvent.groupUpserted(id: d.group)
        let detail: JSONValue = ["policy": .string(d.policy.rawValue), "by": .string(d.decidedBy)]
        let traceParent = TraceParent.current()
        try await write { db in
            try db.executeCached(
                sql: """
                    INSERT INTO collision_decision (target, channel_key, canonical_id, policy, decided_by, decided_at)
                    VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT (target, channel_key, canonical_id)
                    DO UPDATE SET policy = excluded.policy, decided_by = excluded.decided_by,
                                  decided_at = excluded.decided_at
                    """,
                arguments: [d.target, d.channel.key, d.group, d.policy.rawValue, d.decidedBy, at]
            )
            try db.executeCached(
                sql:
                    "INSERT INTO audit (time, target, channel_key, action, resource_key, detail) VALUES (?, ?, ?, ?, ?, ?)",
                arguments: [at, d.target, d.channel.key, "collision resolved", event.resourceKey, detail.serialized()]
            )
            try db.executeCached(
                sql: """
                    INSERT INTO outbox (channel_key, target, resource_key, event, state, attempts, next_attempt, created, updated,
                                        trace_parent)
                    VALUES (?, ?, ?, ?, 'pending', 0, 0, ?, ?, ?)
                    """,
                arguments: [d.channel.key, d.target, event.resourceKey, event.json.serialized(), at, at, traceParent]
            )
        }
    }
}
