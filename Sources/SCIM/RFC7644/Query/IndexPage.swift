/// Index-based paging, RFC 7644 §3.4.2.4: a 1-based `startIndex` and a `count`.
public struct IndexPage: Sendable, Hashable {
    /// The 1-based index of the first result (at least 1).
    public let startIndex: Int
    /// The most results to return (at least 0; already clamped to the server's maximum).
    public let count: Int

    /// A page; `startIndex` below 1 is read as 1 and a negative `count` as 0 (Table 6).
    public init(startIndex: Int = 1, count: Int) {
        self.startIndex = max(1, startIndex)
        self.count = max(0, count)
    }

    /// From the query parameters. A non-numeric value is 400 `invalidValue`.
    ///
    /// Without `count` the page holds `defaultPageSize` results; any `count` above `maxPageSize` is
    /// clamped to it (the service provider "MAY return fewer results", Table 6).
    public static func parse(startIndex: String?, count: String?, defaultPageSize: Int, maxPageSize: Int)
        throws(SCIMError) -> IndexPage
    {
        let start = try startIndex.map { (s) throws(SCIMError) in try parseInteger(s, parameter: "startIndex") } ?? 1
        let requested = try count.map { (s) throws(SCIMError) in try parseInteger(s, parameter: "count") }
        return IndexPage(startIndex: start, count: min(requested ?? defaultPageSize, maxPageSize))
    }

    /// Parses a decimal integer parameter; values beyond `Int` saturate rather than fail, since
    /// "a very large number" is what the client meant. Surrounding spaces are tolerated.
    static func parseInteger(_ text: String, parameter: String) throws(SCIMError) -> Int {
        var digits = Substring(text)
        while digits.first == " " { digits.removeFirst() }
        while digits.last == " " { digits.removeLast() }
        var negative = false
        if let sign = digits.first, sign == "-" || sign == "+" {
            negative = sign == "-"
            digits.removeFirst()
        }
        guard !digits.isEmpty, digits.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
            throw .invalidValue("'\(parameter)' must be an integer, not \"\(text)\".")
        }
        var value = 0
        for c in digits.utf8 {
            let (m, o1) = value.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(Int(c - 0x30))
            if o1 || o2 { return negative ? Int.min : Int.max }
            value = a
        }
        return negative ? -value : value
    }

    /// The 0-based offset of the first result.
    public var offset: Int { startIndex - 1 }

    /// The positions of this page within `total` results.
    public func range(total: Int) -> Range<Int> {
        let lower = min(offset, max(0, total))
        let upper = lower + min(count, max(0, total) - lower)
        return lower..<upper
    }

    /// The results of this page out of all of them.
    public func slice<T>(_ all: [T]) -> ArraySlice<T> { all[range(total: all.count)] }
}
