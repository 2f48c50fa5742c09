import NIOCore
package import PostgresNIO

/// A value bound to a statement. The store writes its SQL with `?` for each value, as the SQLite code
/// does, and `query` numbers them (`$1`, `$2`, …) in order: a value is never part of the SQL text.
/// (No statement of the store has a `?` of its own: no string literal holds one, and the jsonb `?`
/// operators are not used.)
package enum PostgresValue: Sendable {
    case text(String?)
    case int(Int64?)
    case bool(Bool?)
    case bytes([UInt8])
    /// A `text[]`, for `= ANY(?)` and `unnest(?)`: a batch of ids in one value.
    case texts([String])

    static func query(_ sql: String, _ values: [PostgresValue]) -> PostgresQuery {
        var binds = PostgresBindings(capacity: values.count)
        for value in values { value.bind(into: &binds) }
        guard !values.isEmpty else { return PostgresQuery(unsafeSQL: sql, binds: binds) }
        var numbered = ""
        numbered.reserveCapacity(sql.utf8.count + values.count * 2)
        var n = 0
        for ch in sql {
            if ch == "?" {
                n += 1
                numbered += "$\(n)"
            } else {
                numbered.append(ch)
            }
        }
        precondition(n == values.count, "\(n) placeholders for \(values.count) values in: \(sql)")
        return PostgresQuery(unsafeSQL: numbered, binds: binds)
    }

    func bind(into binds: inout PostgresBindings) {
        switch self {
        case .text(let v?): binds.append(v)
        case .int(let v?): binds.append(v)
        case .bool(let v?): binds.append(v)
        case .bytes(let v): binds.append(ByteBuffer(bytes: v))
        case .texts(let v): binds.append(v)
        case .text(nil), .int(nil), .bool(nil): binds.appendNull()
        }
    }
}
