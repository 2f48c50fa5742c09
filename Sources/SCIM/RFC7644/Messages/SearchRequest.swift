/// A `POST .../.search` body, RFC 7644 §3.4.3 (`urn:ietf:params:scim:api:messages:2.0:SearchRequest`),
/// with the `cursor` of RFC 9865 §3.
///
/// Decoding is strict about what it reads: `schemas` must name the SearchRequest URN, and a member of
/// the wrong JSON type is 400 `invalidSyntax`; a well-typed but unusable value (a `sortOrder` of "up",
/// both `attributes` and `excludedAttributes`) is 400 `invalidValue` / `invalidSyntax` as noted.
/// Unknown members are ignored, as RFC 7644 §3.4.2 asks for unknown query parameters. A `null`
/// member is the same as an absent one (RFC 7643 §2.5).
public struct SearchRequest: Sendable, Hashable {
    public var attributes: [String]
    public var excludedAttributes: [String]
    public var filter: String?
    public var sortBy: String?
    public var sortOrder: SortOrder?
    public var startIndex: Int?
    public var count: Int?
    /// RFC 9865 cursor; `""` asks for the first page of a cursor-paged query.
    public var cursor: String?

    public init(
        attributes: [String] = [],
        excludedAttributes: [String] = [],
        filter: String? = nil,
        sortBy: String? = nil,
        sortOrder: SortOrder? = nil,
        startIndex: Int? = nil,
        count: Int? = nil,
        cursor: String? = nil
    ) {
        self.attributes = attributes
        self.excludedAttributes = excludedAttributes
        self.filter = filter
        self.sortBy = sortBy
        self.sortOrder = sortOrder
        self.startIndex = startIndex
        self.count = count
        self.cursor = cursor
    }

    /// Decodes and validates a request body.
    public init(json: JSONValue) throws(SCIMError) {
        guard case .object(let o) = json else {
            throw .invalidSyntax("A SearchRequest must be a JSON object, not \(json.typeName).")
        }
        try MessageSchema.require(MessageSchema.searchRequest, in: o, messageName: "SearchRequest")

        func present(_ name: String) -> JSONValue? {
            guard let v = o[name], !v.isNull else { return nil }
            return v
        }
        func names(_ name: String) throws(SCIMError) -> [String] {
            guard let v = present(name) else { return [] }
            guard case .array(let list) = v else {
                throw .invalidSyntax("'\(name)' must be an array of attribute names, not \(v.typeName).")
            }
            var out: [String] = []
            for (i, e) in list.enumerated() {
                guard let s = e.stringValue else {
                    throw .invalidSyntax("'\(name)[\(i)]' must be a string, not \(e.typeName).")
                }
                out.append(s)
            }
            return out
        }
        func text(_ name: String) throws(SCIMError) -> String? {
            guard let v = present(name) else { return nil }
            guard let s = v.stringValue else { throw .invalidSyntax("'\(name)' must be a string, not \(v.typeName).") }
            return s
        }
        func integer(_ name: String) throws(SCIMError) -> Int? {
            guard let v = present(name) else { return nil }
            guard let i = v.integerValue else {
                throw .invalidSyntax("'\(name)' must be an integer, not \(v).")
            }
            // Out-of-range values saturate; §3.4.2.4 clamping then applies as for query parameters.
            return Int(clamping: i)
        }

        attributes = try names("attributes")
        excludedAttributes = try names("excludedAttributes")
        if !attributes.isEmpty && !excludedAttributes.isEmpty {
            throw .invalidSyntax(
                "'attributes' and 'excludedAttributes' are mutually exclusive (RFC 7644 §3.9); send only one of them."
            )
        }
        filter = try text("filter")
        sortBy = try text("sortBy")
        sortOrder = try text("sortOrder").map { (s) throws(SCIMError) in try SortOrder(parsing: s) }
        startIndex = try integer("startIndex")
        count = try integer("count")
        cursor = try text("cursor")
        if startIndex != nil && cursor != nil {
            throw .invalidValue("'startIndex' and 'cursor' select different paging methods; send only one of them.")
        }
    }

    /// The request as a JSON body (what a client sends).
    public var json: JSONValue {
        var o = JSONObject()
        o["schemas"] = .array([.string(MessageSchema.searchRequest)])
        if !attributes.isEmpty { o["attributes"] = .array(attributes.map(JSONValue.string)) }
        if !excludedAttributes.isEmpty { o["excludedAttributes"] = .array(excludedAttributes.map(JSONValue.string)) }
        if let filter { o["filter"] = .string(filter) }
        if let sortBy { o["sortBy"] = .string(sortBy) }
        if let sortOrder { o["sortOrder"] = .string(sortOrder.rawValue) }
        if let startIndex { o["startIndex"] = .integer(Int64(startIndex)) }
        if let count { o["count"] = .integer(Int64(count)) }
        if let cursor { o["cursor"] = .string(cursor) }
        return .object(o)
    }

    // MARK: - Resolving against a resource type

    /// The attribute projection the request asks for.
    public func projection(for schema: ResourceSchema) throws(SCIMError) -> AttributeProjection {
        try AttributeProjection(attributes: attributes, excludedAttributes: excludedAttributes, schema: schema)
    }

    /// The sort the request asks for; `nil` without `sortBy`.
    public func sort(for schema: ResourceSchema) throws(SCIMError) -> SortSpecification? {
        try SortSpecification.parse(sortBy: sortBy, sortOrder: sortOrder?.rawValue, schema: schema)
    }

    /// The page the request asks for, by the same rules as the query parameters.
    public func pagination(_ configuration: PaginationConfiguration, fallbackPageSize: Int = 100) throws(SCIMError)
        -> PaginationRequest
    {
        try PaginationRequest.parse(
            startIndex: startIndex.map(String.init),
            cursor: cursor,
            count: count.map(String.init),
            configuration: configuration,
            fallbackPageSize: fallbackPageSize
        )
    }
}
