public import SCIM

/// A request that arrived while a `Retry-After` window covering it was still open: its client called
/// before the time it had been told to wait.
public struct RetryAfterViolation: Sendable, Hashable {
    public var method: String
    /// The path relative to the API's base URL (`/Groups/S123`), as fault rules match it; no query.
    public var path: String
    /// How long before the window's end the request arrived, in whole milliseconds, rounded up (so at least 1).
    public var millisecondsBeforeEnd: Int
    /// The window's scope: the whole target, or the one resource it locked.
    public var scope: RetryAfterScope
    /// The `Retry-After` seconds of the answer that opened the window.
    public var retryAfter: Int

    public init(method: String, path: String, millisecondsBeforeEnd: Int, scope: RetryAfterScope, retryAfter: Int) {
        self.method = method
        self.path = path
        self.millisecondsBeforeEnd = millisecondsBeforeEnd
        self.scope = scope
        self.retryAfter = retryAfter
    }

    /// Whether the window spoke for the whole target rather than for one resource.
    public var isTargetWide: Bool { scope == .target }

    /// `{"method", "path", "millisecondsBeforeEnd", "scope": "target"|"resource", "resource"?, "retryAfter"}`;
    /// `resource` only for a per-resource window.
    public var json: JSONValue {
        var o: JSONObject = [
            "method": .string(method), "path": .string(path),
            "millisecondsBeforeEnd": .integer(Int64(millisecondsBeforeEnd)),
            "scope": .string(scope.name),
        ]
        if let resource = scope.resource { o["resource"] = .string(resource) }
        o["retryAfter"] = .integer(Int64(retryAfter))
        return .object(o)
    }
}
