/// The paging methods of RFC 9865 §4 `defaultPaginationMethod`.
public enum PaginationMethod: String, Sendable, Hashable, CaseIterable {
    case cursor, index
}

/// The ServiceProviderConfig `pagination` attribute of RFC 9865 §4, and the limits the server pages with.
public struct PaginationConfiguration: Sendable, Hashable {
    /// Whether cursor-based paging is supported.
    public var cursor: Bool
    /// Whether index-based paging is supported.
    public var index: Bool
    /// The method used when a request names none.
    public var defaultPaginationMethod: PaginationMethod?
    /// Results per page when a request has no `count` (positive).
    public var defaultPageSize: Int?
    /// The most results per page, whatever `count` asks for (positive).
    public var maxPageSize: Int?
    /// The minimum number of seconds a cursor stays valid between requests (positive).
    public var cursorTimeout: Int?

    public init(
        cursor: Bool,
        index: Bool,
        defaultPaginationMethod: PaginationMethod? = nil,
        defaultPageSize: Int? = nil,
        maxPageSize: Int? = nil,
        cursorTimeout: Int? = nil
    ) {
        self.cursor = cursor
        self.index = index
        self.defaultPaginationMethod = defaultPaginationMethod
        self.defaultPageSize = defaultPageSize
        self.maxPageSize = maxPageSize
        self.cursorTimeout = cursorTimeout
    }

    /// The method a request without `startIndex` or `cursor` gets: the configured default, else
    /// index when supported (RFC 9865 §2.4 recommends index for compatibility).
    public var effectiveDefaultMethod: PaginationMethod {
        if let m = defaultPaginationMethod, m == .cursor ? cursor : index { return m }
        return index || !cursor ? .index : .cursor
    }

    /// The `pagination` attribute value; unset optional members are omitted.
    public var json: JSONValue {
        var o = JSONObject()
        o["cursor"] = .bool(cursor)
        o["index"] = .bool(index)
        if let defaultPaginationMethod { o["defaultPaginationMethod"] = .string(defaultPaginationMethod.rawValue) }
        if let defaultPageSize { o["defaultPageSize"] = .integer(Int64(defaultPageSize)) }
        if let maxPageSize { o["maxPageSize"] = .integer(Int64(maxPageSize)) }
        if let cursorTimeout { o["cursorTimeout"] = .integer(Int64(cursorTimeout)) }
        return .object(o)
    }

    /// Reads a `pagination` attribute value (e.g. from a target's ServiceProviderConfig).
    public init(json: JSONValue) throws(SCIMError) {
        guard case .object(let o) = json else {
            throw .invalidSyntax("'pagination' must be an object, not \(json.typeName).")
        }
        func flag(_ name: String) throws(SCIMError) -> Bool {
            guard let b = o[name]?.boolValue else {
                throw .invalidSyntax("'pagination.\(name)' is required and must be a boolean.")
            }
            return b
        }
        func positive(_ name: String) throws(SCIMError) -> Int? {
            guard let v = o[name], !v.isNull else { return nil }
            guard let i = v.integerValue, i > 0, let n = Int(exactly: i) else {
                throw .invalidSyntax("'pagination.\(name)' must be a positive integer.")
            }
            return n
        }
        cursor = try flag("cursor")
        index = try flag("index")
        if let m = o["defaultPaginationMethod"], !m.isNull {
            guard let s = m.stringValue,
                let method = PaginationMethod.allCases.first(where: { caseInsensitiveEquals($0.rawValue, s) })
            else {
                throw .invalidSyntax("'pagination.defaultPaginationMethod' must be \"cursor\" or \"index\".")
            }
            defaultPaginationMethod = method
        } else {
            defaultPaginationMethod = nil
        }
        defaultPageSize = try positive("defaultPageSize")
        maxPageSize = try positive("maxPageSize")
        cursorTimeout = try positive("cursorTimeout")
    }
}
