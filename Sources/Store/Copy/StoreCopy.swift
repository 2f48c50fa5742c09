import PostgresNIO

/// Moves an installation from SQLite to an empty PostgreSQL database: every row of every table the
/// bridge keeps, ids, hashes, times, outbox order and all (`CopiedTable.all` says how each maps).
///
/// The source is read from one snapshot; the destination is written in one transaction, which also
/// checks that it starts empty and, before committing, that every table holds as many rows as the
/// source's. Any failure rolls everything back. The bridge should be stopped meanwhile: changes made
/// to SQLite after the snapshot are not copied.
package enum StoreCopy {
    /// Copies `source` into `destination`, whose schema is first brought up to date (`migrate()`); the
    /// destination's pool must be running (`PostgresStore.withRunning`). `pageSize` bounds the rows read
    /// and inserted at a time below each table's own (`CopiedTable.rowsPerInsert`); tests make it small.
    package static func copy(from source: SQLiteStore, to destination: PostgresStore, pageSize: Int? = nil)
        async throws -> StoreCopyReport
    {
        do {
            return try await run(from: source, to: destination, pageSize: pageSize)
        } catch let error as PSQLError where error.code == .server {
            // postgres-nio's description hides the server's message; it says what is wrong (a missing
            // database, a refused login, a lacking privilege) and holds no row of the copy.
            throw StoreCopyError.database(
                error.serverInfo?[.message] ?? "an error without a message",
                sqlState: error.serverInfo?[.sqlState]
            )
        }
    }

    static func run(from source: SQLiteStore, to destination: PostgresStore, pageSize: Int?) async throws
        -> StoreCopyReport
    {
        let clock = ContinuousClock()
        let start = clock.now
        try await destination.checkConnection()
        try await destination.migrate()
        let snapshot = try SQLiteCopySource(source)
        let tables = CopiedTable.all
        var report = try await destination.write { c in
            try await destination.lockForCopy(tables, on: c)
            let held = try await destination.copiedCounts(tables, on: c)
            let nonEmpty = tables.compactMap { t in
                held[t.name].flatMap { $0 > 0 ? StoreCopyReport.Table(name: t.name, rows: $0) : nil }
            }
            guard nonEmpty.isEmpty else { throw StoreCopyError.destinationNotEmpty(nonEmpty) }

            var written: [String: Int] = [:]
            for table in tables {
                written[table.name] = try await copyRows(
                    of: table,
                    pageSize: min(pageSize ?? .max, table.rowsPerInsert),
                    from: snapshot,
                    to: destination,
                    on: c
                )
                _ = try await destination.moveIdentityPastCopied(
                    table,
                    floor: try await snapshot.autoincrement(table),
                    on: c
                )
            }
            return try await verify(tables, written: written, snapshot: snapshot, destination: destination, on: c)
        }
        report.foldedUserStamps = try await snapshot.foldedStamps()
        report.elapsed = clock.now - start
        return report
    }

    /// Copies one table, `pageSize` rows at a time; returns the rows written.
    static func copyRows(
        of table: CopiedTable,
        pageSize: Int,
        from snapshot: SQLiteCopySource,
        to destination: PostgresStore,
        on c: PostgresConnection
    ) async throws -> Int {
        var cursor: SQLiteCopySource.Cursor?
        var written = 0
        while true {
            let page = try await snapshot.page(of: table, after: cursor, limit: pageSize)
            try await destination.insertCopied(table, page.rows, on: c)
            written += page.rows.count
            guard page.rows.count == pageSize, let next = page.next else { return written }
            cursor = next
        }
    }

    /// The report, if every table holds as many rows in the destination (in the transaction) as in the
    /// source's snapshot and as were written; else `countMismatch`, which rolls the copy back.
    static func verify(
        _ tables: [CopiedTable],
        written: [String: Int],
        snapshot: SQLiteCopySource,
        destination: PostgresStore,
        on c: PostgresConnection
    ) async throws -> StoreCopyReport {
        let copied = try await destination.copiedCounts(tables, on: c)
        var counted: [StoreCopyReport.Table] = []
        var mismatches: [StoreCopyError.Mismatch] = []
        for table in tables {
            let source = try await snapshot.count(table)
            let held = copied[table.name] ?? 0
            if source != held || written[table.name] != source {
                mismatches.append(.init(table: table.name, source: source, destination: held))
            }
            counted.append(.init(name: table.name, rows: held))
        }
        guard mismatches.isEmpty else { throw StoreCopyError.countMismatch(mismatches) }
        return StoreCopyReport(tables: counted, foldedUserStamps: 0, elapsed: .zero)
    }
}
