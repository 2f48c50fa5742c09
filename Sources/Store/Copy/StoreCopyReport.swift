/// What a copy wrote: the rows of each table, as counted on both sides before the commit.
package struct StoreCopyReport: Sendable, Hashable {
    package struct Table: Sendable, Hashable {
        package var name: String
        package var rows: Int
    }

    /// Every copied table, in the order written.
    package var tables: [Table]
    /// Users whose SQLite membership stamp (`scim_user_stamp`) was folded into their row's version and
    /// lastModified, as PostgreSQL keeps them.
    package var foldedUserStamps: Int
    /// How long the copy took, from the migration of the destination to the commit.
    package var elapsed: Duration

    /// Every row copied.
    package var rows: Int { tables.reduce(0) { $0 + $1.rows } }
}

/// Why a copy stopped. No row reached the destination (its transaction rolled back; only the schema's
/// migration, which comes first, may have been committed); the source is only read.
package enum StoreCopyError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The destination already holds rows in the copied tables (table and count).
    case destinationNotEmpty([StoreCopyReport.Table])
    /// PostgreSQL refused a page of a table (a constraint SQLite does not have, a value it cannot hold).
    case refused(table: String, reason: String, constraint: String?)
    /// A SQLite value of a type its column should never hold.
    case unexpectedValue(table: String, column: String, found: String)
    /// PostgreSQL refused something else (the login, the schema's creation), with its message and SQLSTATE.
    case database(String, sqlState: String?)
    /// After the copy, a table's rows on the two sides differ (table, SQLite, PostgreSQL).
    case countMismatch([Mismatch])

    package struct Mismatch: Sendable, Hashable {
        package var table: String
        package var source: Int
        package var destination: Int
    }

    package var description: String {
        switch self {
        case .destinationNotEmpty(let tables):
            let held = tables.map { "\($0.name) (\($0.rows))" }.joined(separator: ", ")
            return
                "the destination database is not empty: it holds rows in \(held). Copy only into an empty database (a new one, or drop the bridge's tables first); nothing was copied."
        case .refused(let table, let reason, let constraint):
            let rule = constraint.map { " (constraint \($0))" } ?? ""
            return
                "PostgreSQL refused the rows of \(table)\(rule): \(reason). The copy was rolled back; nothing was copied."
        case .unexpectedValue(let table, let column, let found):
            return
                "the SQLite database holds \(found) in \(table).\(column), which PostgreSQL cannot take there. The copy was rolled back; nothing was copied."
        case .database(let message, let state):
            return "PostgreSQL answered \(state ?? "an error"): \(message). Nothing was copied."
        case .countMismatch(let mismatches):
            let list = mismatches.map { "\($0.table): \($0.source) in SQLite, \($0.destination) in PostgreSQL" }
                .joined(separator: "; ")
            return "the row counts differ after the copy (\(list)). The copy was rolled back; nothing was copied."
        }
    }
}
