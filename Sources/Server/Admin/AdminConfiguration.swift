/// The admin API (`/admin/…`): its bearer token, separate from every channel's credentials, and the
/// targets it reports on. Without one, the admin API is not served.
public struct AdminConfiguration: Sendable {
    /// The resolved `server.adminToken`; compared in constant time, never logged.
    public var token: String
    /// Names of the configured targets, in configuration order.
    public var targets: [String]

    public init(token: String, targets: [String]) {
        self.token = token
        self.targets = targets
    }
}
