package import Membership
import PostgresNIO
package import SCIM

extension PostgresStore: SyncStore {
    /// Enqueues `events` for every target of the channel, inside the caller's transaction.
    func emit(_ events: [ChangeEvent], in channel: Membership.Channel, _ c: PostgresConnection) async throws {
        guard !events.isEmpty else { return }
        let now = PostgresValue.int(Self.nanoseconds(Self.now()))
        // One statement for all events, in their order (`WITH ORDINALITY`), times every target.
        try await rows(
            """
            INSERT INTO outbox (channel_key, target, resource_key, event, state, attempts, next_attempt, created, updated,
                                trace_parent)
            SELECT ?, ct.target, e.key, e.event, 'pending', 0, 0, ?, ?, ?
            FROM unnest(?::text[], ?::text[]) WITH ORDINALITY AS e(key, event, n)
            CROSS JOIN channel_target ct WHERE ct.channel_key = ?
            ORDER BY e.n, ct.target
            """,
            [
                .int(channel.key), now, now, .text(TraceParent.current()), .texts(events.map(\.resourceKey)),
                .texts(events.map { $0.json.serialized() }), .int(channel.key),
            ],
            on: c
        )
    }

    package func setTargets(_ targets: [String], for channel: Membership.Channel) async throws {
        // Replicas starting together each apply the configuration: what another already wrote is kept.
        let wanted = PostgresValue.texts(Set(targets).sorted())
        try await write { c in
            try await rows(
                "DELETE FROM channel_target WHERE channel_key = ? AND NOT (target = ANY(?::text[]))",
                [.int(channel.key), wanted],
                on: c
            )
            try await rows(
                "INSERT INTO channel_target (channel_key, target) SELECT ?, unnest(?::text[]) ON CONFLICT DO NOTHING",
                [.int(channel.key), wanted],
                on: c
            )
        }
    }

    package func enqueue(_ events: [ChangeEvent], target: String, channel: Membership.Channel) async throws {
        guard !events.isEmpty else { return }
        let now = PostgresValue.int(Self.nanoseconds(Self.now()))
        let traceParent = TraceParent.current()
        try await write { c in
            try await rows(
                """
                INSERT INTO outbox (channel_key, target, resource_key, event, state, attempts, next_attempt, created, updated,
                                    trace_parent)
                SELECT ?, ?, e.key, e.event, 'pending', 0, 0, ?, ?, ?
                FROM unnest(?::text[], ?::text[]) WITH ORDINALITY AS e(key, event, n) ORDER BY e.n
                """,
                [
                    .int(channel.key), .text(target), now, now, .text(traceParent), .texts(events.map(\.resourceKey)),
                    .texts(events.map { $0.json.serialized() }),
                ],
                on: c
            )
        }
    }

    /// Claims the next deliverable entries of a target for `outboxLease`: due, pending, unclaimed (or
    /// claimed by a lease that has run out), and the oldest pending entry of their resource key, whoever
    /// holds that one. Later entries of a key wait until it is done, so per-resource order holds across
    /// replicas.
    ///
    /// Claiming is `SELECT … FOR UPDATE SKIP LOCKED` and an update of `claimed_until`, in one transaction:
    /// two replicas claiming at once lock disjoint rows, and a row one of them claimed and committed no
    /// longer qualifies for the other (its `claimed_until` is in the future). `completeOutboxEntry` and
    /// `failOutboxEntry` clear the lease. A replica that dies holding claims clears nothing: once
    /// `claimed_until` has passed, the entry qualifies again and the next claim of any replica takes it
    /// (delivery is at-least-once; target operations are idempotent). An entry claimed but not delivered
    /// (the worker stopped first) also waits for its lease to run out.
    package func dueOutboxEntries(target: String, limit: Int, now: SCIMDateTime) async throws -> [OutboxEntry] {
        let ns = Self.nanoseconds(now)
        let until = ns &+ Int64(outboxLease.components.seconds) &* 1_000_000_000
        let claimed = try await write { c in
            try await rows(
                """
                WITH due AS (
                    SELECT o.seq FROM outbox o
                    WHERE o.target = ? AND o.state = 'pending' AND o.next_attempt <= ?
                      AND (o.claimed_until IS NULL OR o.claimed_until <= ?)
                      AND NOT EXISTS (SELECT 1 FROM outbox p WHERE p.target = o.target AND p.resource_key = o.resource_key
                                      AND p.state = 'pending' AND p.seq < o.seq)
                    ORDER BY o.seq LIMIT ?
                    FOR UPDATE OF o SKIP LOCKED
                )
                UPDATE outbox o SET claimed_until = ? FROM due, channel c
                WHERE o.seq = due.seq AND c.key = o.channel_key
                RETURNING c.key, c.name, c.created, o.seq, o.target, o.resource_key, o.event, o.attempts, o.state,
                          o.last_error, o.trace_parent
                """,
                [.text(target), .int(ns), .int(ns), .int(Int64(limit)), .int(until)],
                on: c
            ).compactMap { row -> OutboxEntry? in
                try Self.outboxEntry(from: row, channel: Self.channel(from: row))
            }
        }
        return claimed.sorted { $0.seq < $1.seq }
    }

    /// An entry from a row whose columns (after the channel's three, if any) are `seq, target,
    /// resource_key, event, attempts, state, last_error, trace_parent`.
    static func outboxEntry(from row: PostgresRow, channel: Membership.Channel, skipping: Int = 3) throws
        -> OutboxEntry?
    {
        let cells = row.makeRandomAccess()
        let event = try cells[skipping + 3].decode(String.self)
        guard let json = try? JSONParser.parse(event), let change = ChangeEvent(json: json) else { return nil }
        let state = try cells[skipping + 5].decode(String.self)
        guard let outboxState = OutboxState(rawValue: state) else {
            throw SCIMError(status: 500, detail: "outbox.state holds '\(state)', which this version does not know.")
        }
        return OutboxEntry(
            seq: try cells[skipping].decode(Int64.self),
            channel: channel,
            target: try cells[skipping + 1].decode(String.self),
            resourceKey: try cells[skipping + 2].decode(String.self),
            event: change,
            attempts: try cells[skipping + 4].decode(Int.self),
            state: outboxState,
            lastError: try cells[skipping + 6].decode(String?.self),
            traceParent: try cells[skipping + 7].decode(String?.self)
        )
    }

    package func completeOutboxEntry(_ seq: Int64) async throws {
        let now = Self.nanoseconds(Self.now())
        try await write { c in
            try await rows(
                "UPDATE outbox SET state = 'done', claimed_until = NULL, updated = ? WHERE seq = ?",
                [.int(now), .int(seq)],
                on: c
            )
        }
    }

    package func pruneOutbox(finishedBefore before: SCIMDateTime, limit: Int) async throws -> Int {
        let ns = Self.nanoseconds(before)
        return try await write { c in
            // On `outbox_finished`; rows another replica is pruning are skipped, not waited for.
            try await rows(
                """
                WITH pruned AS (
                    DELETE FROM outbox WHERE seq IN (
                        SELECT seq FROM outbox WHERE state IN ('done', 'settled') AND updated < ?
                        ORDER BY updated LIMIT ? FOR UPDATE SKIP LOCKED
                    ) RETURNING 1
                )
                SELECT count(*) FROM pruned
                """,
                [.int(ns), .int(Int64(limit))],
                on: c
            ).first?.decode(Int.self) ?? 0
        }
    }

    package func failOutboxEntry(_ seq: Int64, attempts: Int, nextAttempt: SCIMDateTime, error: String, dead: Bool)
        async throws
    {
        let now = Self.nanoseconds(Self.now())
        try await write { c in
            try await rows(
                """
                UPDATE outbox SET state = ?, attempts = ?, next_attempt = ?, last_error = ?, claimed_until = NULL, updated = ?
                WHERE seq = ?
                """,
                [
                    .text(dead ? "dead" : "pending"), .int(Int64(attempts)), .int(Self.nanoseconds(nextAttempt)),
                    .text(error), .int(now), .int(seq),
                ],
                on: c
            )
        }
    }

    package func outboxCounts(target: String) async throws -> [String: Int] {
        try await readOne { c in
            var counts: [String: Int] = [:]
            for row in try await rows(
                "SELECT state, COUNT(*) FROM outbox WHERE target = ? GROUP BY state",
                [.text(target)],
                on: c
            ) {
                let (state, n) = try row.decode((String, Int).self)
                counts[state] = n
            }
            return counts
        }
    }

    package func deadOutboxEntries(target: String, limit: Int) async throws -> [OutboxEntry] {
        try await readOne { c in
            try await rows(
                """
                SELECT c.key, c.name, c.created, o.seq, o.target, o.resource_key, o.event, o.attempts, o.state, o.last_error,
                       o.trace_parent
                FROM outbox o JOIN channel c ON c.key = o.channel_key
                WHERE o.target = ? AND o.state = 'dead' ORDER BY o.seq DESC LIMIT ?
                """,
                [.text(target), .int(Int64(limit))],
                on: c
            ).compactMap { try Self.outboxEntry(from: $0, channel: Self.channel(from: $0)) }
        }
    }

    package func retryDeadOutboxEntries(target: String) async throws -> Int {
        let now = Self.nanoseconds(Self.now())
        return try await write { c in
            try await rows(
                """
                UPDATE outbox SET state = 'pending', attempts = 0, next_attempt = 0, claimed_until = NULL, updated = ?
                WHERE target = ? AND state = 'dead' RETURNING seq
                """,
                [.int(now), .text(target)],
                on: c
            ).count
        }
    }

    package func deadResourceKeys(target: String, channel: Membership.Channel) async throws -> Set<String> {
        try await readOne { c in
            Set(
                try await rows(
                    "SELECT DISTINCT resource_key FROM outbox WHERE target = ? AND state = 'dead' AND channel_key = ?",
                    [.text(target), .int(channel.key)],
                    on: c
                ).map { try $0.decode(String.self) }
            )
        }
    }

    package func settleDeadOutboxEntries(target: String, channel: Membership.Channel, resourceKeys: [String])
        async throws
        -> [OutboxEntry]
    {
        guard !resourceKeys.isEmpty else { return [] }
        let now = Self.nanoseconds(Self.now())
        return try await write { c in
            try await rows(
                """
                UPDATE outbox SET state = 'settled', updated = ?
                WHERE target = ? AND channel_key = ? AND state = 'dead' AND resource_key = ANY(?)
                RETURNING seq, target, resource_key, event, attempts, state, last_error, trace_parent
                """,
                [.int(now), .text(target), .int(channel.key), .texts(resourceKeys)],
                on: c
            ).compactMap { try Self.outboxEntry(from: $0, channel: channel, skipping: 0) }
                .sorted { $0.seq < $1.seq }
        }
    }

    /// As `SQLiteStore.backfill`: an upsert of every user, then of every group, of the channel, for one
    /// target, in one transaction. Returns the entries added.
    package func backfill(target: String, channel: Membership.Channel, groupsOnly: Bool = false) async throws -> Int {
        let now = Self.nanoseconds(Self.now())
        return try await write { c in
            try await insertBackfill(target: target, channel: channel, groupsOnly: groupsOnly, now: now, c)
        }
    }

    package func initialBackfill(target: String, channel: Membership.Channel) async throws -> Int? {
        let now = Self.nanoseconds(Self.now())
        return try await write { c in
            // Replicas deciding for one target and channel take turns (the lock lasts to the commit), so
            // the second sees the first's entries and queues nothing.
            try await rows(
                "SELECT pg_advisory_xact_lock(hashtextextended('scim-bridge backfill ' || current_schema() || ' ' || ? || ' ' || ?, 0))",
                [.text(target), .text(String(channel.key))],
                on: c
            )
            let held =
                try await rows(
                    """
                    SELECT EXISTS (SELECT 1 FROM target_mapping WHERE target = ? AND channel_key = ?)
                        OR EXISTS (SELECT 1 FROM outbox WHERE target = ? AND state = 'pending' AND channel_key = ?)
                    """,
                    [.text(target), .int(channel.key), .text(target), .int(channel.key)],
                    on: c
                ).first?.decode(Bool.self) ?? false
            if held { return nil }
            return try await insertBackfill(target: target, channel: channel, groupsOnly: false, now: now, c)
        }
    }

    /// One pending `upserted` entry per resource of the channel (groups only when `groupsOnly`).
    func insertBackfill(
        target: String,
        channel: Membership.Channel,
        groupsOnly: Bool,
        now: Int64,
        _ c: PostgresConnection
    ) async throws -> Int {
        let kinds = [("scim_user", "user.upserted", "user:"), ("scim_group", "group.upserted", "group:")]
        var added = 0
        // Users first: a group's link then finds its members provisioned.
        for (table, type, prefix) in groupsOnly ? Array(kinds.dropFirst()) : kinds {
            added +=
                try await rows(
                    """
                    WITH queued AS (
                        INSERT INTO outbox (channel_key, target, resource_key, event, state, attempts, next_attempt, created, updated)
                        SELECT channel_key, ?, ? || id, json_build_object('type', ?::text, 'id', id)::text, 'pending', 0, 0, ?, ?
                        FROM \(table) WHERE channel_key = ? ORDER BY id RETURNING 1
                    )
                    SELECT count(*) FROM queued
                    """,
                    [.text(target), .text(prefix), .text(type), .int(now), .int(now), .int(channel.key)],
                    on: c
                ).first?.decode(Int.self) ?? 0
        }
        return added
    }

    // MARK: - Mapping

    package func mapping(target: String, channel: Membership.Channel, kind: ResourceKind, canonicalID: String)
        async throws
        -> TargetMapping?
    {
        try await readOne { c in
            guard
                let row = try await rows(
                    """
                    SELECT target_id, origin, detail FROM target_mapping
                    WHERE target = ? AND channel_key = ? AND kind = ? AND canonical_id = ?
                    """,
                    [.text(target), .int(channel.key), .text(kind.rawValue), .text(canonicalID)],
                    on: c
                ).first
            else { return nil }
            let (targetID, origin, detail) = try row.decode((String?, String, String?).self)
            return TargetMapping(
                target: target,
                channel: channel,
                kind: kind,
                canonicalID: canonicalID,
                targetID: targetID,
                origin: try Self.origin(origin),
                detail: detail
            )
        }
    }

    /// A mapping's origin, refused by name when the column holds a value this version does not know.
    static func origin(_ raw: String) throws -> MappingOrigin {
        guard let origin = MappingOrigin(rawValue: raw) else {
            throw SCIMError(
                status: 500,
                detail: "target_mapping.origin holds '\(raw)', which this version does not know."
            )
        }
        return origin
    }

    package func setMapping(_ m: TargetMapping) async throws {
        let now = Self.nanoseconds(Self.now())
        try await write { c in
            try await rows(
                """
                INSERT INTO target_mapping (target, channel_key, kind, canonical_id, target_id, origin, detail, updated)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (target, channel_key, kind, canonical_id)
                DO UPDATE SET target_id = excluded.target_id, origin = excluded.origin, detail = excluded.detail,
                              updated = excluded.updated
                """,
                [
                    .text(m.target), .int(m.channel.key), .text(m.kind.rawValue), .text(m.canonicalID),
                    .text(m.targetID),
                    .text(m.origin.rawValue), .text(m.detail), .int(now),
                ],
                on: c
            )
        }
    }

    package func removeMapping(target: String, channel: Membership.Channel, kind: ResourceKind, canonicalID: String)
        async throws
    {
        try await write { c in
            try await rows(
                "DELETE FROM target_mapping WHERE target = ? AND channel_key = ? AND kind = ? AND canonical_id = ?",
                [.text(target), .int(channel.key), .text(kind.rawValue), .text(canonicalID)],
                on: c
            )
        }
    }

    package func mappings(target: String) async throws -> [TargetMapping] {
        try await readOne { c in
            try await rows(
                """
                SELECT c.key, c.name, c.created, m.kind, m.canonical_id, m.target_id, m.origin, m.detail
                FROM target_mapping m JOIN channel c ON c.key = m.channel_key WHERE m.target = ?
                ORDER BY m.kind, m.canonical_id
                """,
                [.text(target)],
                on: c
            ).map { row in
                let cells = row.makeRandomAccess()
                return TargetMapping(
                    target: target,
                    channel: try Self.channel(from: row),
                    kind: ResourceKind(rawValue: try cells[3].decode(String.self)) ?? .user,
                    canonicalID: try cells[4].decode(String.self),
                    targetID: try cells[5].decode(String?.self),
                    origin: try Self.origin(try cells[6].decode(String.self)),
                    detail: try cells[7].decode(String?.self)
                )
            }
        }
    }

    // MARK: - Bridge-added memberships

    package func bridgeAddedMembers(target: String, channel: Membership.Channel, group: String) async throws -> Set<
        String
    > {
        try await readOne { c in
            Set(
                try await rows(
                    "SELECT member_id FROM target_membership WHERE target = ? AND channel_key = ? AND group_id = ?",
                    [.text(target), .int(channel.key), .text(group)],
                    on: c
                ).map { try $0.decode(String.self) }
            )
        }
    }

    package func recordBridgeAdded(target: String, channel: Membership.Channel, group: String, members: [String])
        async throws
    {
        guard !members.isEmpty else { return }
        try await write { c in
            try await rows(
                """
                INSERT INTO target_membership (target, channel_key, group_id, member_id)
                SELECT ?, ?, ?, unnest(?::text[]) ON CONFLICT DO NOTHING
                """,
                [.text(target), .int(channel.key), .text(group), .texts(members)],
                on: c
            )
        }
    }

    package func forgetBridgeAdded(target: String, channel: Membership.Channel, group: String, members: [String]?)
        async throws
    {
        try await write { c in
            if let members {
                try await rows(
                    """
                    DELETE FROM target_membership
                    WHERE target = ? AND channel_key = ? AND group_id = ? AND member_id = ANY(?)
                    """,
                    [.text(target), .int(channel.key), .text(group), .texts(members)],
                    on: c
                )
            } else {
                try await rows(
                    "DELETE FROM target_membership WHERE target = ? AND channel_key = ? AND group_id = ?",
                    [.text(target), .int(channel.key), .text(group)],
                    on: c
                )
            }
        }
    }

    // MARK: - Audit

    package func appendAudit(
        target: String,
        channel: Membership.Channel,
        action: String,
        resourceKey: String,
        detail: JSONValue
    )
        async throws
    {
        let now = Self.nanoseconds(Self.now())
        try await write { c in
            try await rows(
                "INSERT INTO audit (time, target, channel_key, action, resource_key, detail) VALUES (?, ?, ?, ?, ?, ?)",
                [
                    .int(now), .text(target), .int(channel.key), .text(action), .text(resourceKey),
                    .text(detail.serialized()),
                ],
                on: c
            )
        }
    }

    package func auditEntries(target: String) async throws -> [AuditEntry] {
        try await readOne { c in
            try await rows(
                "SELECT time, target, action, resource_key, detail FROM audit WHERE target = ? ORDER BY seq",
                [.text(target)],
                on: c
            ).map { row in
                let (time, target, action, key, detail) = try row.decode((Int64, String, String, String, String).self)
                return AuditEntry(
                    time: Self.instant(time),
                    target: target,
                    action: action,
                    resourceKey: key,
                    detail: (try? JSONParser.parse(detail)) ?? .null
                )
            }
        }
    }
}
