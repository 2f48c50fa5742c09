/// Cursor-based paging, RFC 9865 §2: an opaque `cursor` and a `count`.
public struct CursorPage: Sendable, Hashable {
    /// The cursor from a previous `nextCursor` / `previousCursor`; `nil` for the first page.
    public let cursor: String?
    /// The most results to return (at least 0; already clamped to the server's maximum).
    public let count: Int

    /// A page; an empty cursor means the first page and a negative `count` means 0.
    public init(cursor: String?, count: Int) {
        self.cursor = cursor?.isEmpty == true ? nil : cursor
        self.count = max(0, count)
    }

    /// Whether this requests the first page.
    public var isFirstPage: Bool { cursor == nil }

    /// From the query parameters (`cursor` present without a value is `""`).
    ///
    /// A cursor with characters outside RFC 3986's unreserved set is 400 `invalidCursor` (it cannot
    /// be one the server issued); a non-numeric `count` is 400 `invalidCount`. A `count` above
    /// `maxPageSize` is clamped, as index paging does, since the server "MAY return fewer results".
    public static func parse(cursor: String?, count: String?, defaultPageSize: Int, maxPageSize: Int)
        throws(SCIMError) -> CursorPage
    {
        if let cursor, !cursor.utf8.allSatisfy(isUnreserved) { throw .invalidCursor() }
        var requested = defaultPageSize
        if let count {
            do {
                requested = try IndexPage.parseInteger(count, parameter: "count")
            } catch {
                throw .invalidCount("'count' must be an integer between 0 and \(maxPageSize), not \"\(count)\".")
            }
        }
        return CursorPage(cursor: cursor, count: min(requested, maxPageSize))
    }

    /// RFC 3986 §2.3: ALPHA / DIGIT / "-" / "." / "_" / "~".
    static func isUnreserved(_ c: UInt8) -> Bool {
        switch c {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
            UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }
}
