import GRDB
package import SCIM

/// Per-target state, one row per target. Callers write on transitions only, so each record is a
/// single-row upsert that leaves the other columns alone.
extension SQLiteStore {
    package func targetState(_ target: String) async throws -> TargetState? {
        try readNow { db in
            try Row.fetchOne(
                db.cachedStatement(sql: "SELECT \(Self.targetStateColumns) FROM target_state WHERE target = ?"),
                arguments: [target]
            ).map(Self.targetState(from:))
        }
    }

    package func targetStates() async throws -> [TargetState] {
        try await read { db in
            try Row.fetchAll(db, cached: "SELECT \(Self.targetStateColumns) FROM target_state ORDER BY target")
                .map(Self.targetState(from:))
        }
    }

    package func recordReconciled(target: String, at: SCIMDateTime) async throws {
        try await upsertTargetState(
            target,
            set: "last_reconciled = excluded.last_reconciled",
            columns: ["last_reconciled"],
            [Self.nanoseconds(at)]
        )
    }

    package func recordInitialSync(target: String, started: SCIMDateTime) async throws {
        // A new run makes the previous run's end meaningless: "started, not finished" is "running".
        try await upsertTargetState(
            target,
            set: "initial_sync_started = excluded.initial_sync_started, initial_sync_finished = NULL",
            columns: ["initial_sync_started"],
            [Self.nanoseconds(started)]
        )
    }

    package func recordInitialSync(target: String, finished: SCIMDateTime) async throws {
        try await upsertTargetState(
            target,
            set: "initial_sync_finished = excluded.initial_sync_finished",
            columns: ["initial_sync_finished"],
            [Self.nanoseconds(finished)]
        )
    }

    package func recordHealth(target: String, health: TargetHealth, error: String?, at: SCIMDateTime) async throws {
        // Without an error the last one stays: after a recovery it still tells what went wrong.
        try await upsertTargetState(
            target,
            // A paused target stays paused whatever a delivery still in flight reports: only a resume ends it.
            set: """
                health = CASE WHEN paused_reason IS NULL THEN excluded.health ELSE 'paused' END,
                last_error = COALESCE(excluded.last_error, last_error),
                last_error_at = COALESCE(excluded.last_error_at, last_error_at)
                """,
            columns: ["health", "last_error", "last_error_at"],
            [health.rawValue, error, error == nil ? nil : Self.nanoseconds(at)]
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
            ["paused", reason, reason, Self.nanoseconds(at)]
        )
    }

    package func recordResume(target: String, at: SCIMDateTime) async throws {
        try await upsertTargetState(
            target,
            set: "health = 'healthy', paused_reason = NULL, resumed_at = excluded.resumed_at",
            columns: ["health", "resumed_at"],
            ["healthy", Self.nanoseconds(at)]
        )
    }

    package func recordSuccess(target: String, at: SCIMDateTime) async throws {
        try await upsertTargetState(
            target,
            set: "last_success = excluded.last_success",
            columns: ["last_success"],
            [Self.nanoseconds(at)]
        )
    }

    /// The fingerprint of the target's `scope` as last applied (`TargetScope.fingerprint`); nil before any.
    package func appliedScope(target: String) async throws -> String? {
        try await read { db in
            try String.fetchOne(db, sql: "SELECT scope FROM target_state WHERE target = ?", arguments: [target])
        }
    }

    package func recordAppliedScope(target: String, _ fingerprint: String) async throws {
        try await upsertTargetState(target, set: "scope = excluded.scope", columns: ["scope"], [fingerprint])
    }

    /// Inserts the target's row with `columns` set to `values`, or, when it exists, runs `set` on it.
    private func upsertTargetState(
        _ target: String,
        set: String,
        columns: [String],
        _ values: [(any DatabaseValueConvertible)?]
    ) async throws {
        let sql = """
            INSERT INTO target_state (target, \(columns.joined(separator: ", ")))
            VALUES (?, \(Self.placeholders(columns.count)))
            ON CONFLICT (target) DO UPDATE SET \(set)
            """
        let arguments = StatementArguments([target as (any DatabaseValueConvertible)?] + values)
        try await write { db in try db.executeCached(sql: sql, arguments: arguments) }
    }

    static let targetStateColumns = """
        target, last_reconciled, initial_sync_started, initial_sync_finished, health, last_error, last_error_at,
        last_success, paused_reason, resumed_at
        """

    static func targetState(from row: Row) -> TargetState {
        func time(_ column: String) -> SCIMDateTime? { (row[column] as Int64?).map(instant) }
        let health: String = row["health"]
        return TargetState(
            target: row["target"],
            lastReconciled: time("last_reconciled"),
            initialSyncStarted: time("initial_sync_started"),
            initialSyncFinished: time("initial_sync_finished"),
            // The column's CHECK admits only known values; a newer schema's unknown one reads as failing.
            health: TargetHealth(rawValue: health) ?? .failing,
            lastError: row["last_error"],
            lastErrorAt: time("last_error_at"),
            lastSuccess: time("last_success"),
            pausedReason: row["paused_reason"],
            resumedAt: time("resumed_at")
        )
    }
}
