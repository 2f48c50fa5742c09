/// The `server.limits:` section: what the inbound server accepts and announces in `ServiceProviderConfig`
/// (RFC 7644 §4), as the server enforces them.
package struct LimitSettings: Sendable, Hashable {
    /// Largest request body, in bytes. Default 1 MiB (1048576).
    package var maxBodyBytes: Int
    /// Largest page of a list or search (`filter.maxResults`). Default 1000.
    package var maxResults: Int
    /// Page size when a request gives no `count`. Default 100; at most `maxResults`.
    package var defaultPageSize: Int
    /// Most operations in one `/Bulk` request. Default 1000.
    package var bulkMaxOperations: Int
    /// Largest `/Bulk` request body, in bytes. Default 4 MiB (4194304).
    package var bulkMaxPayloadBytes: Int

    package init(
        maxBodyBytes: Int = 1 << 20,
        maxResults: Int = 1000,
        defaultPageSize: Int = 100,
        bulkMaxOperations: Int = 1000,
        bulkMaxPayloadBytes: Int = 4 << 20
    ) {
        self.maxBodyBytes = maxBodyBytes
        self.maxResults = maxResults
        self.defaultPageSize = defaultPageSize
        self.bulkMaxOperations = bulkMaxOperations
        self.bulkMaxPayloadBytes = bulkMaxPayloadBytes
    }
}
