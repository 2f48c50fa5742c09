/// The `server:` section: where the inbound SCIM server listens, where it keeps its data, and its limits.
package struct ServerSettings: Sendable, Hashable {
    /// Address to listen on. Default `127.0.0.1`.
    package var host: String
    /// Port to listen on, 0 for any free one. Default `8080`.
    package var port: Int
    /// Folder of the embedded database. Default `./data`.
    package var dataDir: String
    /// Absolute `http(s)` URL clients reach the bridge at, without a trailing `/`, for `meta.location` behind a
    /// proxy. Default: none (taken from each request's `Host`).
    package var publicURL: String?
    /// Bearer token of the admin API. Default: none (the admin API is off).
    package var adminToken: Secret?
    /// Request and response limits (RFC 7644 §4 `ServiceProviderConfig`).
    package var limits: LimitSettings

    package init(
        host: String = "127.0.0.1",
        port: Int = 8080,
        dataDir: String = "./data",
        publicURL: String? = nil,
        adminToken: Secret? = nil,
        limits: LimitSettings = LimitSettings()
    ) {
        self.host = host
        self.port = port
        self.dataDir = dataDir
        self.publicURL = publicURL
        self.adminToken = adminToken
        self.limits = limits
    }
}
