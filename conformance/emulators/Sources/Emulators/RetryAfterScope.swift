/// What a `Retry-After` window covers: the whole target (a rate limit, an injected 429 or 503: the
/// default) or one resource (Slack's lock on a user or group still being updated).
public enum RetryAfterScope: Sendable, Hashable {
    /// Every API request to the emulator.
    case target
    /// Writes to one resource, named by its path relative to the API's base URL (`/Groups/S123`).
    case resource(String)

    /// `"target"` or `"resource"`, as the admin JSON spells it.
    public var name: String {
        switch self {
        case .target: "target"
        case .resource: "resource"
        }
    }

    /// The resource's path for a per-resource window, nil for a target-wide one.
    public var resource: String? {
        switch self {
        case .target: nil
        case .resource(let path): path
        }
    }
}
