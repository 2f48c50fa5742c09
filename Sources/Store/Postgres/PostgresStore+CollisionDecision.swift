package import Membership
import PostgresNIO
import SCIM

extension PostgresStore {
    package func collisionDecision(target: String, channel: Membership.Channel, group: String) async throws
        -> CollisionDecision?
    {
        try await readOne { c in
            guard
                let row = try await rows(
                    """
                    SELECT policy, decided_by, decided_at FROM collision_decision
                    WHERE target = ? AND channel_key = ? AND canonical_id = ?
                    """,
                    [.text(target), .int(channel.key), .text(group)],
                    on: c
                ).first
            else { return nil }
            let (policy, decidedBy, decidedAt) = try row.decode((String, String, Int64).self)
            return CollisionPolicy(rawValue: policy).map {
                CollisionDecision(
                    target: target,
                    channel: channel,
                    group: group,
                    policy: $0,
                    decidedBy: decidedBy,
                    decidedAt: Self.instant(decidedAt)
                )
            }
        }
    }

    /// The decision, its audit entry and the group's upsert for the target's worker, in one
    /// transaction (as `SQLiteStore`'s).
    package func recordCollisionDecision(_ d: CollisionDecision) async throws {
        let at = PostgresValue.int(Self.nanoseconds(d.decidedAt))
        let event = ChangeEvent.groupUpserted(id: d.group)
        let detail: JSONValue = ["policy": .string(d.policy.rawValue), "by": .string(d.decidedBy)]
        let traceParent = TraceParent.current()
        try await write { c in
            try await rows(
                """
                INSERT INTO collision_decision (target, channel_key, canonical_id, policy, decided_by, decided_at)
                VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT (target, channel_key, canonical_id)
                DO UPDATE SET policy = excluded.policy, decided_by = excluded.decided_by, decided_at = excluded.decided_at
                """,
                [
                    .text(d.target), .int(d.channel.key), .text(d.group), .text(d.policy.rawValue), .text(d.decidedBy),
                    at,
                ],
                on: c
            )
            try await rows(
                "INSERT INTO audit (time, target, channel_key, action, resource_key, detail) VALUES (?, ?, ?, ?, ?, ?)",
                [
                    at, .text(d.target), .int(d.channel.key), .text("collision resolved"), .text(event.resourceKey),
                    .text(detail.serialized()),
                ],
                on: c
            )
            try await rows(
                """
                INSERT INTO outbox (channel_key, target, resource_key, event, state, attempts, next_attempt, created, updated,
                                    trace_parent)
                VALUES (?, ?, ?, ?, 'pending', 0, 0, ?, ?, ?)
                """,
                [
                    .int(d.channel.key), .text(d.target), .text(event.resourceKey), .text(event.json.serialized()), at,
                    at, .text(traceParent),
                ],
                on: c
            )
        }
    }
}
