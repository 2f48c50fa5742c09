/// The admin API (`/admin/…`): its bearer token, separate from every channel's credentials, and the
/// targets it reports on. Without one, the admin API is not served.
package struct AdminConfiguration: Sendable {
    /// The resolved `server.adminToken`; compared in constant time, never logged.
    package var token: String
    /// Names of the configured targets, in configuration order.
    package var targets: [String]
    /// What the console reads from and asks of the targets themselves; nil: those parts are not shown.
    package var operations: (any TargetOperations)?

    package init(token: String, targets: [String], operations: (any TargetOperations)? = nil) {
        self.token = token
        self.targets = targets
        self.operations = operations
    }
}
