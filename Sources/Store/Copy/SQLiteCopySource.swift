import Foundation
import GRDB

/// The SQLite side of a copy: one snapshot of the database (a read transaction held open from the
/// first page to the last count), read a page at a time, so that every table and every count agree
/// however long the copy takes, and memory holds one page rather than the database.
final class SQLiteCopySource: Sendable {
    private let snapshot: DatabaseSnapshot

    init(_ store: SQLiteStore) throws {
        snapshot = try store.pool.makeSnapshot()
    }

    /// Where the next page of a table starts: the key of the last row read.
    struct Cursor: Sendable {
        var key: [DatabaseValue]
    }

    /// Up to `limit` rows of `table` after `cursor` (from the first with nil), as PostgreSQL values in
    /// the order of `table.columns`, and the cursor of the next page.
    func page(of table: CopiedTable, after cursor: Cursor?, limit: Int) async throws -> (
        rows: [[PostgresValue]], next: Cursor?
    ) {
        try await snapshot.read { db in
            let arguments = StatementArguments((cursor?.key ?? []) + [Int64(limit).databaseValue])
            let rows = try Row.fetchAll(db, sql: table.pageSelect(afterCursor: cursor != nil), arguments: arguments)
            let converted = try rows.map { row in
                try table.columns.enumerated().map { i, column in
                    try Self.value(row[i] as DatabaseValue, column, of: table)
                }
            }
            let next = rows.last.map { last in
                Cursor(
                    key: (table.columns.count..<(table.columns.count + table.key.count)).map {
                        last[$0] as DatabaseValue
                    }
                )
            }
            return (converted, next)
        }
    }

    /// The rows of `table`, in the snapshot.
    func count(_ table: CopiedTable) async throws -> Int {
        try await snapshot.read { db in try Int.fetchOne(db, sql: table.countSelect) ?? 0 }
    }

    /// Users whose membership stamp is folded into their row.
    func foldedStamps() async throws -> Int {
        try await snapshot.read { db in
            try Int.fetchOne(
                db,
                sql: """
                    SELECT count(*) FROM scim_user_stamp s
                    WHERE EXISTS (SELECT 1 FROM scim_user t WHERE t.channel_key = s.channel_key AND t.id = s.id)
                    """
            ) ?? 0
        }
    }

    /// The highest value `AUTOINCREMENT` gave `table` (deleted rows included), 0 if none.
    func autoincrement(_ table: CopiedTable) async throws -> Int64 {
        try await snapshot.read { db in
            try Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = ?", arguments: [table.name]) ?? 0
        }
    }

    /// A SQLite value as the PostgreSQL value of `column`; a value of another type fails, naming where.
    static func value(_ value: DatabaseValue, _ column: CopiedColumn, of table: CopiedTable) throws -> PostgresValue {
        switch (column.kind, value.storage) {
        case (.integer, .int64(let v)): return .int(v)
        case (.integer, .null): return .int(nil)
        case (.text, .string(let v)): return .text(v)
        case (.text, .null): return .text(nil)
        case (.boolean, .int64(let v)): return .bool(v != 0)
        case (.boolean, .null): return .bool(nil)
        case (.bytes, .blob(let v)): return .bytes(Array(v))
        default:
            let found =
                switch value.storage {
                case .null: "NULL"
                case .int64: "an integer"
                case .double: "a real number"
                case .string: "text"
                case .blob: "a blob"
                }
            throw StoreCopyError.unexpectedValue(table: table.name, column: column.name, found: found)
        }
    }
}
