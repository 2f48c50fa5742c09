/// A query result, RFC 7644 §3.4.2 (`urn:ietf:params:scim:api:messages:2.0:ListResponse`), with the
/// `nextCursor` / `previousCursor` of RFC 9865 §2.
///
/// Encoding writes straight into a byte buffer, member after member, instead of building one large
/// `JSONValue` tree for the whole page first.
public struct ListResponse: Sendable, Equatable {
    /// Results matching the query across all pages; `nil` only for a cursor page whose total is unknown
    /// (RFC 9865 §2 allows omitting it).
    public var totalResults: Int?
    /// The resources of this page.
    public var resources: [JSONObject]
    /// 1-based index of the first resource (index paging).
    public var startIndex: Int?
    /// Number of resources in this page (paged responses).
    public var itemsPerPage: Int?
    /// Cursor for the next page; absent on the last page (RFC 9865 §2).
    public var nextCursor: String?
    /// Cursor for the previous page; never on the first page (RFC 9865 §2).
    public var previousCursor: String?

    public init(
        totalResults: Int?,
        resources: [JSONObject],
        startIndex: Int? = nil,
        itemsPerPage: Int? = nil,
        nextCursor: String? = nil,
        previousCursor: String? = nil
    ) {
        self.totalResults = totalResults
        self.resources = resources
        self.startIndex = startIndex
        self.itemsPerPage = itemsPerPage
        self.nextCursor = nextCursor
        self.previousCursor = previousCursor
    }

    /// One index page of `totalResults`: `startIndex` from the page, `itemsPerPage` the resources returned.
    public init(page: IndexPage, totalResults: Int, resources: [JSONObject]) {
        self.init(
            totalResults: totalResults,
            resources: resources,
            startIndex: page.startIndex,
            itemsPerPage: resources.count
        )
    }

    // MARK: - Encoding

    /// The compact JSON bytes, each resource first passed through `projection` if one is given.
    public func encodedBytes(projection: AttributeProjection? = nil) -> [UInt8] {
        var out: [UInt8] = []
        // Typical resources are a few hundred bytes; one growth step is cheaper than many.
        out.reserveCapacity(160 + resources.count * 512)
        write(into: &out, projection: projection)
        return out
    }

    /// Appends the compact JSON bytes to `out`.
    public func write(into out: inout [UInt8], projection: AttributeProjection? = nil) {
        out.append(contentsOf: #"{"schemas":[""#.utf8)
        out.append(contentsOf: MessageSchema.listResponse.utf8)
        out.append(contentsOf: #""]"#.utf8)
        if let totalResults { Self.integer("totalResults", totalResults, &out) }
        if let itemsPerPage { Self.integer("itemsPerPage", itemsPerPage, &out) }
        if let startIndex { Self.integer("startIndex", startIndex, &out) }
        if let nextCursor { Self.string("nextCursor", nextCursor, &out) }
        if let previousCursor { Self.string("previousCursor", previousCursor, &out) }
        out.append(contentsOf: #","Resources":["#.utf8)
        for (i, resource) in resources.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            JSONValue.object(projection?.apply(to: resource) ?? resource).write(into: &out)
        }
        out.append(contentsOf: "]}".utf8)
    }

    private static func integer(_ name: StaticString, _ value: Int, _ out: inout [UInt8]) {
        out.append(contentsOf: #",""#.utf8)
        out.append(contentsOf: UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
        out.append(contentsOf: #"":"#.utf8)
        out.append(contentsOf: String(value).utf8)
    }

    private static func string(_ name: StaticString, _ value: String, _ out: inout [UInt8]) {
        out.append(contentsOf: #",""#.utf8)
        out.append(contentsOf: UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
        out.append(contentsOf: #"":"#.utf8)
        JSONValue.string(value).write(into: &out)
    }

    /// The response as a JSON value (for tests and small responses; `encodedBytes` is faster).
    public var json: JSONValue {
        var o = JSONObject()
        o["schemas"] = .array([.string(MessageSchema.listResponse)])
        if let totalResults { o["totalResults"] = .integer(Int64(totalResults)) }
        if let itemsPerPage { o["itemsPerPage"] = .integer(Int64(itemsPerPage)) }
        if let startIndex { o["startIndex"] = .integer(Int64(startIndex)) }
        if let nextCursor { o["nextCursor"] = .string(nextCursor) }
        if let previousCursor { o["previousCursor"] = .string(previousCursor) }
        o["Resources"] = .array(resources.map(JSONValue.object))
        return .object(o)
    }

    // MARK: - Decoding

    /// Reads a ListResponse (e.g. from a SCIM target). Structural problems are 400 `invalidSyntax`.
    public init(json: JSONValue) throws(SCIMError) {
        guard case .object(let o) = json else {
            throw .invalidSyntax("A ListResponse must be a JSON object, not \(json.typeName).")
        }
        try MessageSchema.require(MessageSchema.listResponse, in: o, messageName: "ListResponse")
        func count(_ name: String) throws(SCIMError) -> Int? {
            guard let v = o[name], !v.isNull else { return nil }
            guard let i = v.integerValue, i >= 0, let n = Int(exactly: i) else {
                throw .invalidSyntax("'\(name)' must be a non-negative integer, not \(v).")
            }
            return n
        }
        func text(_ name: String) throws(SCIMError) -> String? {
            guard let v = o[name], !v.isNull else { return nil }
            guard let s = v.stringValue else { throw .invalidSyntax("'\(name)' must be a string, not \(v.typeName).") }
            return s
        }
        totalResults = try count("totalResults")
        itemsPerPage = try count("itemsPerPage")
        startIndex = try count("startIndex")
        nextCursor = try text("nextCursor")
        previousCursor = try text("previousCursor")
        switch o["Resources"] {
        case nil, .null?:
            guard (totalResults ?? 0) == 0 else {
                throw .invalidSyntax("'Resources' is required when 'totalResults' is not zero (RFC 7644 §3.4.2).")
            }
            resources = []
        case .array(let elements)?:
            var list: [JSONObject] = []
            list.reserveCapacity(elements.count)
            for (i, e) in elements.enumerated() {
                guard case .object(let r) = e else {
                    throw .invalidSyntax("'Resources[\(i)]' must be an object, not \(e.typeName).")
                }
                list.append(r)
            }
            resources = list
        case let v?:
            throw .invalidSyntax("'Resources' must be an array, not \(v.typeName).")
        }
    }
}
