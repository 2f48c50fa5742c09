/// The outcome of one bulk operation in a bulk response, RFC 7644 §3.7 and §3.7.3.
public struct BulkOperationResult: Sendable, Hashable {
    /// The resource's URL; absent only for a failed POST (§3.7.3).
    public var location: String?
    public var method: BulkOperation.Method
    public var bulkId: String?
    /// The resource's ETag after the operation.
    public var version: String?
    /// The HTTP status the operation would have had on its own.
    public var status: Int
    /// The response body; an error body (§3.12) whenever `status` is not 2xx.
    public var response: JSONValue?

    public init(
        location: String?,
        method: BulkOperation.Method,
        bulkId: String? = nil,
        version: String? = nil,
        status: Int,
        response: JSONValue? = nil
    ) {
        self.location = location
        self.method = method
        self.bulkId = bulkId
        self.version = version
        self.status = status
        self.response = response
    }

    /// The result of `operation` failing with `error`: its status and the §3.12 error body; no
    /// `location` for a POST, the given one otherwise.
    public static func failure(of operation: BulkOperation, error: SCIMError, location: String? = nil)
        -> BulkOperationResult
    {
        BulkOperationResult(
            location: operation.method == .post ? nil : location,
            method: operation.method,
            bulkId: operation.bulkId,
            status: error.status,
            response: error.json
        )
    }

    /// The result as it appears in a bulk response; `status` is a string as in §3.7.3 (erratum 7916).
    public var json: JSONValue {
        var o = JSONObject()
        if let location { o["location"] = .string(location) }
        o["method"] = .string(method.rawValue)
        if let bulkId { o["bulkId"] = .string(bulkId) }
        if let version { o["version"] = .string(version) }
        o["status"] = .string(String(status))
        if let response { o["response"] = response }
        return .object(o)
    }

    /// Reads a result; `status` may be a string, an integer, or `{"code": "201"}` as §3.7.2's example shows.
    public init(json: JSONValue, index: Int) throws(SCIMError) {
        let at = "Operations[\(index)]"
        guard case .object(let o) = json else { throw .invalidSyntax("\(at) must be an object, not \(json.typeName).") }
        func text(_ name: String) throws(SCIMError) -> String? {
            guard let v = o[name], !v.isNull else { return nil }
            guard let s = v.stringValue else {
                throw .invalidSyntax("\(at).\(name) must be a string, not \(v.typeName).")
            }
            return s
        }
        guard let m = try text("method"),
            let method = BulkOperation.Method.allCases.first(where: { caseInsensitiveEquals($0.rawValue, m) })
        else { throw .invalidSyntax("\(at) needs a 'method' of POST, PUT, PATCH or DELETE.") }
        self.method = method
        location = try text("location")
        bulkId = try text("bulkId")
        version = try text("version")
        func code(_ v: JSONValue?) -> Int? {
            switch v {
            case .string(let s)?: return Int(s)
            case .integer(let i)?: return Int(exactly: i)
            case .object(let c)?: return code(c["code"])
            default: return nil
            }
        }
        guard let status = code(o["status"]), (100...599).contains(status) else {
            throw .invalidSyntax("\(at).status must be an HTTP status code such as \"201\".")
        }
        self.status = status
        response = o["response"].flatMap { $0.isNull ? nil : $0 }
    }
}
