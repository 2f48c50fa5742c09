internal import Foundation
public import SCIM

/// An OpenAPI 3.0 description used as a contract: `violations(...)` says how one request breaks it.
/// The path must match a path template (relative to the first server's path, `/v1.0` for Graph),
/// the method an operation there, every query parameter must be declared with a value of its type,
/// every header the document knows as a parameter (`ConsistencyLevel`, `If-Match`) must be declared
/// for the operation, and the body must validate against the request-body schema
/// (`OpenAPISchemaValidator`). Each violation is one sentence starting with the method and the path
/// template: "PATCH /groups/{group-id}: body property 'foo' is not in microsoft.graph.group".
public struct OpenAPIContract: Sendable {
    /// One operation of the description, ready for matching.
    struct Operation: Sendable {
        var method: String
        var template: String
        var segments: [String]
        /// Query parameters by lowercased name → schema.
        var query: [String: JSONValue]
        /// Header parameters, lowercased.
        var headers: Set<String>
        var body: JSONValue?
        var bodyRequired: Bool
        /// `x-ms-pageable`: the operation pages with `@odata.nextLink`, whose `$skiptoken` it accepts.
        var pageable: Bool
    }

    public let document: OpenAPIDocument
    /// The path of the first server URL (`/v1.0`), which request paths may start with.
    public let basePath: String
    let operations: [Operation]
    /// Every header parameter the document declares anywhere, lowercased.
    let knownHeaders: Set<String>
    let validator: OpenAPISchemaValidator

    public init(yaml: String) throws {
        let document = try OpenAPIDocument(yaml: yaml)
        self.document = document
        validator = OpenAPISchemaValidator(document: document)
        let server = document.root["servers"]?.arrayValue?.first?["url"]?.stringValue ?? ""
        var base = URLComponents(string: server)?.path ?? ""
        while base.hasSuffix("/") { base.removeLast() }
        basePath = base
        var operations: [Operation] = []
        var knownHeaders: Set<String> = []
        let methods = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]
        for (template, item) in document.root["paths"]?.objectValue ?? JSONObject() {
            let shared = item["parameters"]?.arrayValue ?? []
            for (key, operation) in item.objectValue ?? JSONObject() where methods.contains(key) {
                var query: [String: JSONValue] = [:]
                var headers: Set<String> = []
                for parameter in shared + (operation["parameters"]?.arrayValue ?? []) {
                    let p = document.dereferenced(parameter).value
                    guard let name = p["name"]?.stringValue else { continue }
                    switch p["in"]?.stringValue {
                    case "query": query[name.lowercased()] = p["schema"] ?? .object(JSONObject())
                    case "header":
                        headers.insert(name.lowercased())
                        knownHeaders.insert(name.lowercased())
                    default: break
                    }
                }
                var body: JSONValue?
                var bodyRequired = false
                if let requestBody = operation["requestBody"] {
                    let resolved = document.dereferenced(requestBody).value
                    body = resolved["content"]?["application/json"]?["schema"]
                    bodyRequired = resolved["required"]?.boolValue ?? false
                }
                operations.append(
                    Operation(
                        method: key.uppercased(),
                        template: template,
                        segments: Self.segments(template),
                        query: query,
                        headers: headers,
                        body: body,
                        bodyRequired: bodyRequired,
                        pageable: operation["x-ms-pageable"] != nil
                    )
                )
            }
        }
        self.operations = operations
        self.knownHeaders = knownHeaders
    }

    /// Reads the description from a file.
    public init(contentsOfFile path: String) throws {
        try self.init(yaml: try String(contentsOfFile: path, encoding: .utf8))
    }

    /// The path templates of the description, in document order.
    public var pathTemplates: [String] {
        var seen: [String] = []
        for operation in operations where !seen.contains(operation.template) { seen.append(operation.template) }
        return seen
    }

    /// How a request breaks the contract; empty when it keeps it. `path` is relative to `basePath`
    /// (`/groups/abc/members/$ref`) or starts with it, without the query; `query` holds the decoded
    /// name-value pairs; `headers` may hold every request header (only those the document declares
    /// as parameters somewhere are judged).
    public func violations(
        method: String,
        path: String,
        query: [(String, String)],
        headers: [(String, String)] = [],
        body: JSONValue?
    ) -> [String] {
        let method = method.uppercased()
        var relative = path
        if !basePath.isEmpty, relative.lowercased().hasPrefix(basePath.lowercased() + "/") {
            relative = String(relative.dropFirst(basePath.count))
        }
        let segments = Self.segments(relative).map { $0.removingPercentEncoding ?? $0 }
        let candidates = operations.filter { Self.matches($0.segments, segments) }
        guard !candidates.isEmpty else {
            return ["\(method) \(relative): no path of the description matches \(relative)"]
        }
        // The most specific template wins: `/members/$ref` over a `{parameter}` in that place.
        let best = candidates.map(\.template).max { Self.literalCount($0) < Self.literalCount($1) }!
        let atPath = candidates.filter { $0.template == best }
        guard let operation = atPath.first(where: { $0.method == method }) else {
            let allowed = atPath.map(\.method).sorted().joined(separator: ", ")
            return ["\(method) \(best): the description has no \(method) operation on this path (only \(allowed))"]
        }
        let prefix = "\(method) \(best): "
        var out: [String] = []
        var seen: Set<String> = []
        for (name, value) in query {
            let key = name.lowercased()
            if !seen.insert(key).inserted {
                out.append(prefix + "query parameter '\(name)' is given more than once")
                continue
            }
            if key == "$skiptoken" && operation.pageable { continue }
            guard let schema = operation.query[key] else {
                out.append(prefix + "query parameter '\(name)' is not declared")
                continue
            }
            if let problem = queryProblem(value, schema) {
                out.append(prefix + "query parameter '\(name)' \(problem)")
            }
        }
        for (name, _) in headers where knownHeaders.contains(name.lowercased()) {
            if !operation.headers.contains(name.lowercased()) {
                out.append(prefix + "header '\(name)' is not declared for this operation")
            }
        }
        switch (operation.body, body) {
        case (nil, let body?) where !body.isNull:
            out.append(prefix + "the operation takes no request body")
        case (.some, nil):
            if operation.bodyRequired { out.append(prefix + "a request body is required") }
        case (let schema?, let body?):
            out += validator.violations(body, against: schema).map { prefix + $0 }
        default:
            break
        }
        return out
    }

    /// Why a query value does not fit its parameter's schema (`form` style, `explode: false`: an
    /// array is comma-separated), nil when it fits.
    func queryProblem(_ value: String, _ schema: JSONValue) -> String? {
        let schema = document.dereferenced(schema).value
        switch schema["type"]?.stringValue {
        case "integer":
            guard let n = Int(value) else { return "must be an integer, not '\(value)'" }
            if let minimum = schema["minimum"]?.numberValue, Double(n) < minimum {
                return "must be at least \(Int(minimum)), not \(n)"
            }
            return nil
        case "boolean":
            return value == "true" || value == "false" ? nil : "must be true or false, not '\(value)'"
        case "array":
            let items = value.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            if schema["uniqueItems"]?.boolValue == true, Set(items).count != items.count {
                return "lists a value more than once"
            }
            if let itemSchema = schema["items"] {
                for item in items {
                    if let problem = queryProblem(item, itemSchema) { return problem }
                }
            }
            return nil
        default:
            return nil
        }
    }

    static func segments(_ path: String) -> [String] {
        path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
    }

    static func matches(_ template: [String], _ segments: [String]) -> Bool {
        guard template.count == segments.count else { return false }
        for (t, s) in zip(template, segments) {
            if t.hasPrefix("{") && t.hasSuffix("}") {
                if s.isEmpty { return false }
            } else if !caseInsensitiveEquals(t, s) {
                return false
            }
        }
        return true
    }

    static func literalCount(_ template: String) -> Int {
        segments(template).filter { !($0.hasPrefix("{") && $0.hasSuffix("}")) }.count
    }
}
