/// How a call to a target failed, as the sync engine needs to know it: retry, give up, or treat as a fact.
public enum TargetError: Error, Sendable, CustomStringConvertible {
    /// Worth retrying: 429, 5xx, timeouts, resets. `after` is the target's `Retry-After`, if it sent one.
    case retryable(detail: String, after: Duration?)
    /// Retrying cannot help (400, 401, 403, 404 on a path that must exist, …).
    case permanent(status: Int, detail: String)

    public var description: String {
        switch self {
        case .retryable(let detail, let after):
            return after.map { "\(detail) (retry after \($0))" } ?? detail
        case .permanent(let status, let detail): return "HTTP \(status): \(detail)"
        }
    }
}
