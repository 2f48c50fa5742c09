/// The statements of a copy, derived from the table alone (no connection, no values): the same for
/// every run, so tests can read them.
extension CopiedTable {
    /// The SQLite read of one page: the columns, then the key again (where the next page starts), in
    /// key order; bound to the previous page's last key (when `afterCursor`), then the page size.
    func pageSelect(afterCursor: Bool) -> String {
        let order = key.joined(separator: ", ")
        let selected = (columns.map(\.source) + key).joined(separator: ", ")
        let start =
            afterCursor
            ? " WHERE (\(order)) > (\(Array(repeating: "?", count: key.count).joined(separator: ", ")))" : ""
        return "SELECT \(selected) FROM \(source)\(start) ORDER BY \(order) LIMIT ?"
    }

    /// The PostgreSQL `INSERT` of `rows` rows (`?` for each value, row after row). An identity column
    /// gets the copied value (`OVERRIDING SYSTEM VALUE`), not the next of its sequence.
    func insert(rows: Int) -> String {
        let names = columns.map(\.name).joined(separator: ", ")
        let row = "(" + Array(repeating: "?", count: columns.count).joined(separator: ", ") + ")"
        let overriding = identity == nil ? "" : " OVERRIDING SYSTEM VALUE"
        return "INSERT INTO \(name) (\(names))\(overriding) VALUES "
            + Array(repeating: row, count: rows).joined(separator: ", ")
    }

    /// The count of the table's rows, on either side.
    var countSelect: String { "SELECT count(*) FROM \(name)" }

    /// PostgreSQL: moves the identity's sequence to `?`, so that the next row gets the value after it.
    var moveIdentity: String? {
        identity.map { "SELECT setval(pg_get_serial_sequence('\(name)', '\($0)'), ?)" }
    }

    /// PostgreSQL: the largest value of the identity column, 0 for an empty table.
    var identityMaximum: String? {
        identity.map { "SELECT COALESCE(max(\($0)), 0) FROM \(name)" }
    }
}
