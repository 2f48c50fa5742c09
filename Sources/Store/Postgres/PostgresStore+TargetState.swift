import PostgresNIO
package import SCIM

/// Per-target state, one row per target, written on transitions only: each record is a single-row
/// upsert that leaves the other columns alone (as `SQLiteStore`'s).
extension PostgresStore {
    static let targetStateColumns = """
        target, last_reconciled, initial_sync_started, initial_sync_finished, health, last_error, last_error_at,
        last_success, paused_reason, resumed_at
        """

    package func targetState(_ target: String) async throws -> TargetState? {
        try await readOne { c in
            try await rows(
                "SELECT \(Self.targetStateColumns) FROM target_state WHERE target = ?",
                [.text(target)],
                on: c
            ).first.map(Self.targetState(from:))
        }
    }

    package func targetStates() async throws -> [TargetState] {
        try await readOne { c in
            try await rows("SELECT \(Self.targetStateColumns) FROM target_state ORDER BY target", on: c)
                .map(Self.targetState(from:))
        }
    }

    static func targetState(from row: PostgresRow) throws -> TargetState {
        let (target, reconciled, started, finished, health, lastError, lastErrorAt, success, paused, resumed) =
            try row.decode(
                (String, Int64?, Int64?, Int64?, String, String?, Int64?, Int64?, String?, Int64?).self
            )
        return TargetState(
            target: target,
            lastReconciled: reconciled.map(instant),
            initialSyncStarted: started.map(instant),
            initialSyncFinished: finished.map(instant),
            // The column's CHECK admits only known values; a newer schema's unknown one reads as failing.
            health: TargetHealth(rawValue: health) ?? .failing,
            lastError: lastError,
            lastErrorAt: lastErrorAt.map(instant),
            lastSuccess: success.map(instant),
            pausedReason: paused,
            resumedAt: resumed.map(instant)
        )
    }

    package func recordReconciled(target: String, at: SCIMDateTime) async throws {
        try await upsertTargetState(
            target,
            set: "last_reconciled = excluded.last_reconciled",
            columns: ["last_reconciled"],
            [.int(Self.nanoseconds(at))]
        )
    }

    package func recordInitialSync(target: String, started: SCIMDateTime) async throws {
        try await upsertTargetState(
            target,
            set: "initial_sync_started = excluded.initial_sync_started, initial_sync_finished = NULL",
            columns: ["initial_sync_started"],
            [.int(Self.nanoseconds(started))]
        )
    }

    package func recordInitialSync(target: String, finished: SCIMDateTime) async throws {
        try await upsertTargetState(
            target,
            set: "initial_sync_finished = excluded.initial_sync_finished",
            columns: ["initial_sync_finished"],
            [.int(Self.nanoseconds(finished))]
        )
    }

    package func recordHealth(target: String, health: TargetHealth, error: String?, at: SCIMDateTime) async throws {
        try await upsertTargetState(
            target,
            // A paused target stays paused whatever a delivery still in flight reports: only a resume ends it.
            set: """
                health = CASE WHEN target_state.paused_reason IS NULL THEN excluded.health ELSE 'paused' END,
                last_error = COALESCE(excluded.last_error, target_state.last_error),
                last_error_at = COALESCE(excluded.last_error_at, target_state.last_error_at)
                """,
            columns: ["health", "last_error", "last_error_at"],
            [.text(health.rawValue), .text(error), .int(error == nil ? nil : Self.nanoseconds(at))]
        )
    }

    package func recordPause(target: String, reason: String, at: SCIMDateTime) async throws {
        try await upsertTargetState(
            target,
            set: """
                health = 'paused', paused_reason = excluded.paused_reason, last_error = excluded.last_error,
                last_error_at = excluded.last_error_at
                """,
            columns: ["health", "paused_reason", "last_error", "last_error_at"],
            [.text("paused"), .text(reason), .text(reason), .int(Self.nanoseconds(at))]
        )
    }

    package func recordResume(target: String, at: SCIMDateTime) async throws {
        try await upsertTargetState(
            target,
            set: "health = 'healthy', paused_reason = NULL, resumed_at = excluded.resumed_at",
            columns: ["health", "resumed_at"],
            [.text("healthy"), .int(Self.nanoseconds(at))]
        )
    }

    package func recordSuccess(target: String, at: SCIMDateTime) async throws {
        try await upsertTargetState(
            target,
            set: "last_success = excluded.last_success",
            columns: ["last_success"],
            [.int(Self.nanoseconds(at))]
        )
    }

    package func appliedScope(target: String) async throws -> String? {
        try await readOne { c in
            try await rows("SELECT scope FROM target_state WHERE target = ?", [.text(target)], on: c)
                .first?.decode(String?.self)
        }
    }

    package func recordAppliedScope(target: String, _ fingerprint: String) async throws {
        try await upsertTargetState(target, set: "scope = excluded.scope", columns: ["scope"], [.text(fingerprint)])
    }

    /// Inserts the target's row with `columns` set to `values`, or, when it exists, runs `set` on it.
    private func upsertTargetState(_ target: String, set: String, columns: [String], _ values: [PostgresValue])
        async throws
    {
        let sql = """
            INSERT INTO target_state (target, \(columns.joined(separator: ", ")))
            VALUES (?, \(Array(repeating: "?", count: columns.count).joined(separator: ", ")))
            ON CONFLICT (target) DO UPDATE SET \(set)
            """
        try await write { c in try await rows(sql, [.text(target)] + values, on: c) }
    }
}
