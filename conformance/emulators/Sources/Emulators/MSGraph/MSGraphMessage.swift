public import SCIM

/// One Graph request as the API handlers see it, whether it came alone over HTTP or inside a
/// `$batch`: the path relative to `/v1.0` (percent-decoded, no query), the decoded query pairs in
/// order, the headers, and the body parsed as JSON.
public struct MSGraphRequest: Sendable {
    public var method: String
    public var path: String
    public var query: [(String, String)]
    public var headers: [(String, String)]
    public var body: JSONValue?
    /// Whether a body arrived that was not JSON.
    public var bodyIsMalformed: Bool

    public init(
        method: String,
        path: String,
        query: [(String, String)] = [],
        headers: [(String, String)] = [],
        body: JSONValue? = nil,
        bodyIsMalformed: Bool = false
    ) {
        self.method = method.uppercased()
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
        self.bodyIsMalformed = bodyIsMalformed
    }

    /// The first value of a header, by name without regard to case.
    public func header(_ name: String) -> String? {
        headers.first { $0.0.lowercased() == name.lowercased() }?.1
    }
}

/// One Graph answer, before it becomes an HTTP response or an entry of a `$batch` answer.
public struct MSGraphResponse: Sendable {
    public var status: Int
    public var headers: [(String, String)]
    public var body: JSONValue?

    public init(status: Int, headers: [(String, String)] = [], body: JSONValue? = nil) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The `Retry-After` seconds, if the answer carries one.
    public var retryAfter: Int? {
        headers.first { $0.0.lowercased() == "retry-after" }.flatMap { Int($0.1) }
    }
}
