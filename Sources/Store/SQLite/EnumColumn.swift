import GRDB

/// A text column that holds one of a closed set of values (`MappingOrigin`, `OutboxState`), read as
/// its Swift enum. A value this version does not know (a newer bridge wrote it) stops the read with
/// an error that names the column, instead of being taken for another value.
struct UnknownColumnValue: Error, CustomStringConvertible {
    var column: String
    var value: String
    var description: String { "\(column) holds '\(value)', which this version of scim-bridge does not know" }
}

extension Row {
    /// The enum value of `column`.
    func value<T: RawRepresentable>(_ column: String, as _: T.Type = T.self) throws -> T where T.RawValue == String {
        let raw: String = self[column]
        guard let value = T(rawValue: raw) else { throw UnknownColumnValue(column: column, value: raw) }
        return value
    }
}
