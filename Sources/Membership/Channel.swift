package import SCIM

/// One inbound SCIM endpoint with its own credentials and its own data.
package struct Channel: Sendable, Hashable {
    /// Internal key.
    package var key: Int64
    /// The name in the base URL `/scim/v2/{name}`.
    package var name: String
    package var created: SCIMDateTime

    package init(key: Int64, name: String, created: SCIMDateTime) {
        self.key = key
        self.name = name
        self.created = created
    }
}
