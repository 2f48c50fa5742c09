import GRDB
package import Membership
package import SCIM

extension SQLiteStore: SyncStore {
    /// Enqueues `events` for every target of the channel, inside the caller's transaction.
    static func emit(_ events: [ChangeEvent], in channel: Channel, _ db: Database) throws {
        guard !events.isEmpty else { return }
        let now = nanoseconds(now())
        let traceParent = TraceParent.current()
        let insert = try db.cachedStatement(
            sql: """
                INSERT INTO outbox (channel_key, target, resource_key, event, state, attempts, next_attempt, created, updated,
                                    trace_parent)
                SELECT ?, target, ?, ?, 'pending', 0, 0, ?, ?, ? FROM channel_target WHERE channel_key = ?
                """
        )
        for e in events {
            try insert.execute(
                arguments: [channel.key, e.resourceKey, e.json.serialized(), now, now, traceParent, channel.key]
            )
        }
    }

    package func setTargets(_ targets: [String], for channel: Channel) async throws {
        try await write { db in
            try db.executeCached(sql: "DELETE FROM channel_target WHERE channel_key = ?", arguments: [channel.key])
            for t in Set(targets) {
                try db.executeCached(
                    sql: "INSERT INTO channel_target (channel_key, target) VALUES (?, ?)",
                    arguments: [channel.key, t]
                )
            }
        }
    }

    package func enqueue(_ events: [ChangeEvent], target: String, channel: Channel) async throws {
        let now = Self.nanoseconds(Self.now())
        try await write { db in
            for e in events {
                try db.executeCached(
                    sql: """
                        INSERT INTO outbox (channel_key, target, resource_key, event, state, attempts, next_attempt, created, updated)
                        VALUES (?, ?, ?, ?, 'pending', 0, 0, ?, ?)
                        """,
                    arguments: [channel.key, target, e.resourceKey, e.json.serialized(), now, now]
                )
            }
        }
    }

    package func dueOutboxEntries(target: String, limit: Int, now: SCIMDateTime) async throws -> [OutboxEntry] {
        let ns = Self.nanoseconds(now)
        let due = try await read { db in
            // The oldest pending entry of each key; it is deliverable once due. Later entries of the key wait.
            let rows = try Row.fetchAll(
                db,
                cached: """
                    SELECT o.seq, o.target, o.resource_key, o.event, o.attempts, o.state, o.last_error,
                           o.trace_parent, c.key, c.name, c.created
                    FROM outbox o JOIN channel c ON c.key = o.channel_key
                    WHERE o.target = ? AND o.state = 'pending' AND o.next_attempt <= ?
                      AND NOT EXISTS (SELECT 1 FROM outbox p WHERE p.target = o.target AND p.resource_key = o.resource_key
                                      AND p.state = 'pending' AND p.seq < o.seq)
                    ORDER BY o.seq LIMIT ?
                    """,
                arguments: [target, ns, limit]
            )
            return try rows.compactMap(Self.outboxEntry(from:))
        }
        // A commit is visible before `walSync` has synced it: nothing leaves the bridge before it is
        // on disk (a change the targets saw must not be lost by a power cut).
        if !due.isEmpty, let walSync { try await walSync.barrier() }
        return due
    }

    static func outboxEntry(from row: Row) throws -> OutboxEntry? {
        try outboxEntry(
            from: row,
            channel: Channel(key: row["key"], name: row["name"], created: instant(row["created"]))
        )
    }

    /// An entry from a row without the channel's columns, of a channel already known.
    static func outboxEntry(from row: Row, channel: Channel) throws -> OutboxEntry? {
        let text: String = row["event"]
        guard let json = try? JSONParser.parse(text), let event = ChangeEvent(json: json) else { return nil }
        return OutboxEntry(
            seq: row["seq"],
            channel: channel,
            target: row["target"],
            resourceKey: row["resource_key"],
            event: event,
            attempts: row["attempts"],
            state: try row.value("state"),
            lastError: row["last_error"],
            traceParent: row.hasColumn("trace_parent") ? row["trace_parent"] : nil
        )
    }

    package func completeOutboxEntry(_ seq: Int64) async throws {
        let now = Self.nanoseconds(Self.now())
        try await write { db in
            try db.executeCached(
                sql: "UPDATE outbox SET state = 'done', updated = ? WHERE seq = ?",
                arguments: [now, seq]
            )
        }
    }

    package func pruneOutbox(finishedBefore before: SCIMDateTime, limit: Int) async throws -> Int {
        let ns = Self.nanoseconds(before)
        return try await write { db in
            // On `outbox_finished`, which holds the delivered and settled entries alone.
            try db.execute(
                sql: """
                    DELETE FROM outbox WHERE seq IN (
                        SELECT seq FROM outbox WHERE state IN ('done', 'settled') AND updated < ?
                        ORDER BY updated LIMIT ?
                    )
                    """,
                arguments: [ns, limit]
            )
            return db.changesCount
        }
    }

    package func failOutboxEntry(_ seq: Int64, attempts: Int, nextAttempt: SCIMDateTime, error: String, dead: Bool)
        async throws
    {
        let now = Self.nanoseconds(Self.now())
        try await write { db in
            try db.executeCached(
                sql:
                    "UPDATE outbox SET state = ?, attempts = ?, next_attempt = ?, last_error = ?, updated = ? WHERE seq = ?",
                arguments: [dead ? "dead" : "pending", attempts, Self.nanoseconds(nextAttempt), error, now, seq]
            )
        }
    }

    package func outboxCounts(target: String) async throws -> [String: Int] {
        try await read { db in
            var counts: [String: Int] = [:]
            for row in try Row.fetchAll(
                db,
                cached: "SELECT state, COUNT(*) AS n FROM outbox WHERE target = ? GROUP BY state",
                arguments: [target]
            ) {
                counts[row["state"]] = row["n"]
            }
            return counts
        }
    }

    package func deadOutboxEntries(target: String, limit: Int) async throws -> [OutboxEntry] {
        try await read { db in
            try Row.fetchAll(
                db,
                cached: """
                    SELECT o.seq, o.target, o.resource_key, o.event, o.attempts, o.state, o.last_error, o.trace_parent,
                           c.key, c.name, c.created
                    FROM outbox o JOIN channel c ON c.key = o.channel_key
                    WHERE o.target = ? AND o.state = 'dead' ORDER BY o.seq DESC LIMIT ?
                    """,
                arguments: [target, limit]
            ).compactMap(Self.outboxEntry(from:))
        }
    }

    // MARK: - Mapping

    package func mapping(target: String, channel: Channel, kind: ResourceKind, canonicalID: String) async throws
        -> TargetMapping?
    {
        try await read { db in
            try Row.fetchOne(
                db,
                cached: """
                    SELECT target_id, origin, detail FROM target_mapping
                    WHERE target = ? AND channel_key = ? AND kind = ? AND canonical_id = ?
                    """,
                arguments: [target, channel.key, kind.rawValue, canonicalID]
            ).map { row in
                TargetMapping(
                    target: target,
                    channel: channel,
                    kind: kind,
                    canonicalID: canonicalID,
                    targetID: row["target_id"],
                    origin: try row.value("origin"),
                    detail: row["detail"]
                )
            }
        }
    }

    package func setMapping(_ m: TargetMapping) async throws {
        let now = Self.nanoseconds(Self.now())
        try await write { db in
            try db.executeCached(
                sql: """
                    INSERT INTO target_mapping (target, channel_key, kind, canonical_id, target_id, origin, detail, updated)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (target, channel_key, kind, canonical_id)
                    DO UPDATE SET target_id = excluded.target_id, origin = excluded.origin, detail = excluded.detail,
                                  updated = excluded.updated
                    """,
                arguments: [
                    m.target, m.channel.key, m.kind.rawValue, m.canonicalID, m.targetID, m.origin.rawValue, m.detail,
                    now,
                ]
            )
        }
    }

    package func removeMapping(target: String, channel: Channel, kind: ResourceKind, canonicalID: String) async throws {
        try await write { db in
            try db.executeCached(
                sql:
                    "DELETE FROM target_mapping WHERE target = ? AND channel_key = ? AND kind = ? AND canonical_id = ?",
                arguments: [target, channel.key, kind.rawValue, canonicalID]
            )
        }
    }

    package func mappings(target: String) async throws -> [TargetMapping] {
        try await read { db in
            try Row.fetchAll(
                db,
                cached: """
                    SELECT m.kind, m.canonical_id, m.target_id, m.origin, m.detail, c.key, c.name, c.created
                    FROM target_mapping m JOIN channel c ON c.key = m.channel_key WHERE m.target = ?
                    ORDER BY m.kind, m.canonical_id
                    """,
                arguments: [target]
            ).map { row in
                TargetMapping(
                    target: target,
                    channel: Channel(key: row["key"], name: row["name"], created: Self.instant(row["created"])),
                    kind: ResourceKind(rawValue: row["kind"]) ?? .user,
                    canonicalID: row["canonical_id"],
                    targetID: row["target_id"],
                    origin: try row.value("origin"),
                    detail: row["detail"]
                )
            }
        }
    }

    // MARK: - Bridge-added memberships

    package func bridgeAddedMembers(target: String, channel: Channel, group: String) async throws -> Set<String> {
        try await read { db in
            Set(
                try String.fetchAll(
                    db,
                    cached:
                        "SELECT member_id FROM target_membership WHERE target = ? AND channel_key = ? AND group_id = ?",
                    arguments: [target, channel.key, group]
                )
            )
        }
    }

    package func recordBridgeAdded(target: String, channel: Channel, group: String, members: [String]) async throws {
        try await write { db in
            for m in members {
                try db.executeCached(
                    sql:
                        "INSERT OR IGNORE INTO target_membership (target, channel_key, group_id, member_id) VALUES (?, ?, ?, ?)",
                    arguments: [target, channel.key, group, m]
                )
            }
        }
    }

    package func forgetBridgeAdded(target: String, channel: Channel, group: String, members: [String]?) async throws {
        try await write { db in
            if let members {
                for m in members {
                    try db.executeCached(
                        sql:
                            "DELETE FROM target_membership WHERE target = ? AND channel_key = ? AND group_id = ? AND member_id = ?",
                        arguments: [target, channel.key, group, m]
                    )
                }
            } else {
                try db.executeCached(
                    sql: "DELETE FROM target_membership WHERE target = ? AND channel_key = ? AND group_id = ?",
                    arguments: [target, channel.key, group]
                )
            }
        }
    }

    // MARK: - Audit

    package func appendAudit(target: String, channel: Channel, action: String, resourceKey: String, detail: JSONValue)
        async throws
    {
        let now = Self.nanoseconds(Self.now())
        try await write { db in
            try db.executeCached(
                sql:
                    "INSERT INTO audit (time, target, channel_key, action, resource_key, detail) VALUES (?, ?, ?, ?, ?, ?)",
                arguments: [now, target, channel.key, action, resourceKey, detail.serialized()]
            )
        }
    }

    package func auditEntries(target: String) async throws -> [AuditEntry] {
        try await read { db in
            try Row.fetchAll(
                db,
                cached: "SELECT time, target, action, resource_key, detail FROM audit WHERE target = ? ORDER BY seq",
                arguments: [target]
            )
            .map { row in
                let text: String = row["detail"]
                return AuditEntry(
                    time: Self.instant(row["time"]),
                    target: row["target"],
                    action: row["action"],
                    resourceKey: row["resource_key"],
                    detail: (try? JSONParser.parse(text)) ?? .null
                )
            }
        }
    }
}

// MARK: - Per-resource status

extension SQLiteStore {
    package func resourceStatuses(target: String, state: ResourceSyncStatus.State?, limit: Int) async throws
        -> [ResourceSyncStatus]
    {
        try await read { db in
            var byKey: [String: ResourceSyncStatus] = [:]
            // Undelivered changes, one row per resource (served by outbox_by_state).
            for row in try Row.fetchAll(
                db,
                cached: """
                    SELECT c.name AS channel, o.resource_key, COUNT(*) AS n, MAX(o.attempts) AS attempts,
                           MAX(o.state = 'dead') AS dead,
                           (SELECT l.last_error FROM outbox l WHERE l.target = o.target AND l.resource_key = o.resource_key
                              AND l.channel_key = o.channel_key AND l.state IN ('pending', 'dead') AND l.last_error IS NOT NULL
                            ORDER BY l.updated DESC LIMIT 1) AS last_error
                    FROM outbox o JOIN channel c ON c.key = o.channel_key
                    WHERE o.target = ? AND o.state IN ('pending', 'dead')
                    GROUP BY o.channel_key, o.resource_key
                    """,
                arguments: [target]
            ) {
                let channel: String = row["channel"]
                let key: String = row["resource_key"]
                let dead: Bool = row["dead"]
                byKey[channel + "\u{0}" + key] = ResourceSyncStatus(
                    channel: channel,
                    resourceKey: key,
                    state: dead ? .failed : .pending,
                    undelivered: row["n"],
                    attempts: row["attempts"],
                    lastError: row["last_error"]
                )
            }
            for row in try Row.fetchAll(
                db,
                cached: """
                    SELECT c.name AS channel, m.kind, m.canonical_id, m.target_id, m.origin, m.detail
                    FROM target_mapping m JOIN channel c ON c.key = m.channel_key WHERE m.target = ?
                    """,
                arguments: [target]
            ) {
                let channel: String = row["channel"]
                let kind: String = row["kind"]
                let id: String = row["canonical_id"]
                let key = "\(kind.lowercased()):\(id)"
                let origin: MappingOrigin = try row.value("origin")
                let mapped: ResourceSyncStatus.State =
                    switch origin {
                    case .blocked: .blocked
                    case .deprovisioned: .deprovisioned
                    case .creating: .pending  // being created on the target
                    case .created, .adoptedMerge, .adoptedOverwrite: .synced
                    }
                if var s = byKey[channel + "\u{0}" + key] {
                    s.targetID = row["target_id"]
                    s.origin = origin
                    if mapped == .blocked { s.detail = row["detail"] }
                    byKey[channel + "\u{0}" + key] = s
                } else {
                    byKey[channel + "\u{0}" + key] = ResourceSyncStatus(
                        channel: channel,
                        resourceKey: key,
                        state: mapped,
                        targetID: row["target_id"],
                        origin: origin,
                        detail: mapped == .blocked ? row["detail"] : nil
                    )
                }
            }
            let all = byKey.values.filter { state == nil || $0.state == state }
            return Array(all.sorted { ($0.channel, $0.resourceKey) < ($1.channel, $1.resourceKey) }.prefix(limit))
        }
    }

    package func retryDeadOutboxEntries(target: String) async throws -> Int {
        let now = Self.nanoseconds(Self.now())
        return try await write { db in
            try db.executeCached(
                sql:
                    "UPDATE outbox SET state = 'pending', attempts = 0, next_attempt = 0, updated = ? WHERE target = ? AND state = 'dead'",
                arguments: [now, target]
            )
            return db.changesCount
        }
    }

    package func deadResourceKeys(target: String, channel: Channel) async throws -> Set<String> {
        try await read { db in
            Set(
                try String.fetchAll(
                    db,
                    cached:
                        "SELECT DISTINCT resource_key FROM outbox WHERE target = ? AND state = 'dead' AND channel_key = ?",
                    arguments: [target, channel.key]
                )
            )
        }
    }

    package func settleDeadOutboxEntries(target: String, channel: Channel, resourceKeys: [String]) async throws
        -> [OutboxEntry]
    {
        guard !resourceKeys.isEmpty else { return [] }
        let now = Self.nanoseconds(Self.now())
        return try await write { db in
            var settled: [OutboxEntry] = []
            for batch in Self.batches(resourceKeys) {
                let rows = try Row.fetchAll(
                    Self.statement(
                        """
                        UPDATE outbox SET state = 'settled', updated = ?
                        WHERE target = ? AND channel_key = ? AND state = 'dead' AND resource_key IN (\(Self.placeholders(batch.count)))
                        RETURNING seq, target, resource_key, event, attempts, state, last_error
                        """,
                        count: batch.count,
                        db
                    ),
                    arguments: StatementArguments([now, target, channel.key] as [any DatabaseValueConvertible] + batch)
                )
                settled += try rows.compactMap { try Self.outboxEntry(from: $0, channel: channel) }
            }
            return settled.sorted { $0.seq < $1.seq }
        }
    }
}
