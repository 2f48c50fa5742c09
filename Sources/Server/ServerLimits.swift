/// Limits the server enforces and announces in `ServiceProviderConfig` (RFC 7644 §4).
public struct ServerLimits: Sendable {
    /// Largest request body accepted, in bytes (larger: 413).
    public var maxBodyBytes: Int
    /// Largest page a list or search returns (`filter.maxResults`).
    public var maxResults: Int
    /// Page size when the client gives no `count`.
    public var defaultPageSize: Int
    /// Most operations in one `/Bulk` request.
    public var bulkMaxOperations: Int
    /// Largest `/Bulk` request body, in bytes.
    public var bulkMaxPayloadBytes: Int

    public init(
        maxBodyBytes: Int = 1 << 20, maxResults: Int = 1000, defaultPageSize: Int = 100, bulkMaxOperations: Int = 1000,
        bulkMaxPayloadBytes: Int = 4 << 20
    ) {
        self.maxBodyBytes = maxBodyBytes
        self.maxResults = maxResults
        self.defaultPageSize = defaultPageSize
        self.bulkMaxOperations = bulkMaxOperations
        self.bulkMaxPayloadBytes = bulkMaxPayloadBytes
    }
}
