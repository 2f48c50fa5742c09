import PostgresNIO

/// The PostgreSQL side of a copy: statements run on the connection of the copy's one transaction.
extension PostgresStore {
    /// Connects once, outside the pool: a refused login or a missing database fails at once with the
    /// server's reason, where the pool would try again until its lease timeout and then say only that
    /// no connection came. A server that cannot be reached is `StoreUnavailable`.
    func checkConnection() async throws {
        let connection: PostgresConnection
        do {
            connection = try await PostgresConnection.connect(
                configuration: try settings.connectionConfiguration(),
                id: 0,
                logger: logger
            )
        } catch let error as PSQLError where error.code == .server {
            throw error
        } catch {
            throw Self.mapped(error)
        }
        try await connection.close()
    }

    /// Keeps every other writer out of the copied tables until the transaction ends (a bridge started
    /// too early, a second copy): they wait, then find the tables filled.
    func lockForCopy(_ tables: [CopiedTable], on c: PostgresConnection) async throws {
        try await rows("LOCK TABLE \(tables.map(\.name).joined(separator: ", ")) IN EXCLUSIVE MODE", on: c)
    }

    /// The rows of each table, in the transaction.
    func copiedCounts(_ tables: [CopiedTable], on c: PostgresConnection) async throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for table in tables {
            counts[table.name] = Int(try await rows(table.countSelect, on: c).first?.decode(Int64.self) ?? 0)
        }
        return counts
    }

    /// Writes one page of copied rows. A statement the database refuses fails with the table and the
    /// server's message, never the row (which may hold a credential's hash).
    func insertCopied(_ table: CopiedTable, _ page: [[PostgresValue]], on c: PostgresConnection) async throws {
        guard !page.isEmpty else { return }
        do {
            try await rows(table.insert(rows: page.count), page.flatMap { $0 }, on: c)
        } catch let error as PSQLError where error.code == .server {
            throw StoreCopyError.refused(
                table: table.name,
                reason: error.serverInfo?[.message] ?? "an error without a message",
                constraint: error.serverInfo?[.constraintName]
            )
        }
    }

    /// Moves the table's identity sequence past both the copied values and `floor` (the highest value
    /// SQLite ever gave, rows since deleted included), so that the next row gets a value of its own.
    /// Returns the value the sequence was set to (0: left alone, the table being empty and new).
    func moveIdentityPastCopied(_ table: CopiedTable, floor: Int64, on c: PostgresConnection) async throws -> Int64 {
        guard let maximum = table.identityMaximum, let move = table.moveIdentity else { return 0 }
        let copied = try await rows(maximum, on: c).first?.decode(Int64.self) ?? 0
        let last = max(copied, floor)
        guard last > 0 else { return 0 }
        try await rows(move, [.int(last)], on: c)
        return last
    }
}
