/// How a call to a target failed, as the sync engine needs to know it: retry, give up, or treat as a fact.
package enum TargetError: Error, Sendable, CustomStringConvertible {
    /// Worth retrying: 429, 5xx, timeouts, resets. `after` is the target's `Retry-After`, if it sent one.
    case retryable(detail: String, after: Duration?)
    /// Retrying cannot help (400, 403, 404 on a path that must exist, …).
    case permanent(status: Int, detail: String)
    /// The bridge cannot authenticate to the target: its credential could not be read (a secret file
    /// missing while it is rotated) or obtained (a token endpoint refusing the grant), or the target
    /// refused a fresh one (401). No change is at fault: every change waits until the credential works.
    case unauthenticated(detail: String)

    package var description: String {
        switch self {
        case .retryable(let detail, let after):
            return after.map { "\(detail) (retry after \($0))" } ?? detail
        case .permanent(let status, let detail): return "HTTP \(status): \(detail)"
        case .unauthenticated(let detail): return "cannot authenticate: \(detail)"
        }
    }
}
