public import SCIM

/// One request the GitHub emulator received, as sent: for tests that check the shapes a connector
/// produces against the OpenAPI document.
public struct GitHubEMURecordedRequest: Sendable, Hashable {
    public var method: String
    /// The full path, `/scim/v2/enterprises/acme/Groups/…`.
    public var path: String
    /// The raw query string, if any.
    public var query: String?
    /// The body parsed as JSON (nil when empty or not JSON).
    public var body: JSONValue?
    /// The W3C `traceparent` header the client sent, if any (a client that traces sends one).
    public var traceParent: String?

    public init(method: String, path: String, query: String?, body: JSONValue?, traceParent: String? = nil) {
        self.method = method
        self.path = path
        self.query = query
        self.body = body
        self.traceParent = traceParent
    }

    public var json: JSONValue {
        [
            "method": .string(method), "path": .string(path), "query": query.map(JSONValue.string) ?? .null,
            "body": body ?? .null, "traceparent": traceParent.map(JSONValue.string) ?? .null,
        ]
    }
}
