/// One operation of a bulk request, RFC 7644 §3.7: `method`, `bulkId`, `version`, `path`, `data`.
public struct BulkOperation: Sendable, Hashable {
    /// The HTTP methods a bulk operation may use (§3.7).
    public enum Method: String, Sendable, Hashable, CaseIterable {
        case post = "POST"
        case put = "PUT"
        case patch = "PATCH"
        case delete = "DELETE"
    }

    public var method: Method
    /// The client's surrogate id for a created resource (required for POST, §3.7).
    public var bulkId: String?
    /// The ETag the client expects (PUT, PATCH, DELETE).
    public var version: String?
    /// `/Users` for POST, `/Users/{id}` otherwise; the id may be a `bulkId:` reference.
    public var path: String
    /// The resource (POST, PUT) or PatchOp (PATCH) body; `nil` for DELETE.
    public var data: JSONObject?

    public init(method: Method, bulkId: String? = nil, version: String? = nil, path: String, data: JSONObject? = nil) {
        self.method = method
        self.bulkId = bulkId
        self.version = version
        self.path = path
        self.data = data
    }

    /// The resource type endpoint the path names, e.g. `/Users`.
    public var endpoint: String {
        guard let slash = path.dropFirst().firstIndex(of: "/") else { return path }
        return String(path[..<slash])
    }

    /// The resource id the path names (`nil` for POST).
    public var resourceId: String? {
        guard let slash = path.dropFirst().firstIndex(of: "/") else { return nil }
        return String(path[path.index(after: slash)...])
    }

    /// Decodes and validates `Operations[index]`; problems are 400 `invalidSyntax` (wrong shape or
    /// type) or `invalidValue` (a well-formed but unusable value), their detail naming the operation.
    public init(json: JSONValue, index: Int) throws(SCIMError) {
        let at = "Operations[\(index)]"
        guard case .object(let o) = json else {
            throw .invalidSyntax("\(at) must be an object, not \(json.typeName).")
        }
        func text(_ name: String) throws(SCIMError) -> String? {
            guard let v = o[name], !v.isNull else { return nil }
            guard let s = v.stringValue else {
                throw .invalidSyntax("\(at).\(name) must be a string, not \(v.typeName).")
            }
            return s
        }
        guard let methodText = try text("method") else {
            throw .invalidSyntax("\(at) needs a 'method' (POST, PUT, PATCH or DELETE).")
        }
        // HTTP method names are case-sensitive, but nothing is gained by refusing "post".
        guard let method = Method.allCases.first(where: { caseInsensitiveEquals($0.rawValue, methodText) }) else {
            throw .invalidValue("\(at).method must be POST, PUT, PATCH or DELETE, not \"\(methodText)\".")
        }
        self.method = method
        bulkId = try text("bulkId")
        version = try text("version")
        guard let path = try text("path") else {
            throw .invalidSyntax("\(at) needs a 'path', e.g. \"/Users\" for POST or \"/Users/{id}\" otherwise.")
        }
        self.path = path
        switch o["data"] {
        case nil, .null?: data = nil
        case .object(let d)?: data = d
        case let v?: throw .invalidSyntax("\(at).data must be an object, not \(v.typeName).")
        }

        if let bulkId, bulkId.isEmpty { throw .invalidValue("\(at).bulkId must not be empty.") }
        let segments = path.split(separator: "/", omittingEmptySubsequences: false)
        let shapeOK = path.hasPrefix("/") && segments.dropFirst().allSatisfy { !$0.isEmpty }
        switch method {
        case .post:
            guard bulkId != nil else { throw .invalidSyntax("\(at) is a POST and needs a 'bulkId' (RFC 7644 §3.7).") }
            guard shapeOK, segments.count == 2 else {
                throw .invalidValue(
                    "\(at).path of a POST must be a resource type endpoint such as \"/Users\", not \"\(path)\"."
                )
            }
        case .put, .patch, .delete:
            guard shapeOK, segments.count == 3 else {
                throw .invalidValue(
                    "\(at).path of a \(method.rawValue) must name one resource such as \"/Users/{id}\", not \"\(path)\"."
                )
            }
        }
        if method != .delete, data == nil {
            throw .invalidSyntax("\(at) is a \(method.rawValue) and needs 'data' (RFC 7644 §3.7).")
        }
        if method == .delete { data = nil }
    }

    /// The operation as it appears in a request body.
    public var json: JSONValue {
        var o = JSONObject()
        o["method"] = .string(method.rawValue)
        if let bulkId { o["bulkId"] = .string(bulkId) }
        if let version { o["version"] = .string(version) }
        o["path"] = .string(path)
        if let data { o["data"] = .object(data) }
        return .object(o)
    }
}
