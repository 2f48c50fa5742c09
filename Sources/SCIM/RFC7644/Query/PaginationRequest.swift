/// The page a query asks for: by index (RFC 7644 §3.4.2.4) or by cursor (RFC 9865 §2).
public enum PaginationRequest: Sendable, Hashable {
    case index(IndexPage)
    case cursor(CursorPage)

    /// Chooses the method from the parameters present and what the server supports.
    ///
    /// - `startIndex` asks for index paging, `cursor` (even empty) for cursor paging; without either
    ///   the configuration's default method applies (RFC 9865 §2.4).
    /// - A parameter for a method the server does not support is ignored, as RFC 7644 §3.4.2 asks of
    ///   unrecognised parameters.
    /// - Both `startIndex` and `cursor` is 400 `invalidValue`: the two methods cannot be combined.
    ///
    /// `fallbackPageSize` is used when the configuration sets no `defaultPageSize` / `maxPageSize`.
    public static func parse(
        startIndex: String?,
        cursor: String?,
        count: String?,
        configuration: PaginationConfiguration,
        fallbackPageSize: Int = 100
    ) throws(SCIMError) -> PaginationRequest {
        let maxPageSize = configuration.maxPageSize ?? max(fallbackPageSize, configuration.defaultPageSize ?? 0)
        let defaultPageSize = min(configuration.defaultPageSize ?? maxPageSize, maxPageSize)
        let wantsIndex = startIndex != nil && configuration.index
        let wantsCursor = cursor != nil && configuration.cursor
        if wantsIndex && wantsCursor {
            throw .invalidValue("'startIndex' and 'cursor' select different paging methods; send only one of them.")
        }
        let method: PaginationMethod =
            wantsIndex ? .index : wantsCursor ? .cursor : configuration.effectiveDefaultMethod
        switch method {
        case .index:
            return .index(
                try IndexPage.parse(
                    startIndex: startIndex,
                    count: count,
                    defaultPageSize: defaultPageSize,
                    maxPageSize: maxPageSize
                )
            )
        case .cursor:
            return .cursor(
                try CursorPage.parse(
                    cursor: wantsCursor ? cursor : nil,
                    count: count,
                    defaultPageSize: defaultPageSize,
                    maxPageSize: maxPageSize
                )
            )
        }
    }

    /// The most results the page may hold.
    public var count: Int {
        switch self {
        case .index(let p): return p.count
        case .cursor(let p): return p.count
        }
    }
}
