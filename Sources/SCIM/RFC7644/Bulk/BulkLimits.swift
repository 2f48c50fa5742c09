/// The bulk limits a service provider announces, RFC 7644 §3.7.4 (and RFC 7643 §5 `bulk`).
public struct BulkLimits: Sendable, Hashable {
    /// The most operations one request may hold.
    public var maxOperations: Int
    /// The largest request body, in bytes.
    public var maxPayloadSize: Int

    public init(maxOperations: Int = 1000, maxPayloadSize: Int = 1_048_576) {
        self.maxOperations = maxOperations
        self.maxPayloadSize = maxPayloadSize
    }

    /// 413 when a body of `byteCount` bytes is too large; checked before the body is parsed.
    public func checkPayloadSize(_ byteCount: Int) throws(SCIMError) {
        if byteCount > maxPayloadSize {
            throw .payloadTooLarge("The size of the bulk operation exceeds the maxPayloadSize (\(maxPayloadSize)).")
        }
    }

    /// 413 when a request holds more than `maxOperations` operations.
    public func checkOperationCount(_ count: Int) throws(SCIMError) {
        if count > maxOperations {
            throw .payloadTooLarge(
                "The number of operations (\(count)) exceeds the maxOperations (\(maxOperations))."
            )
        }
    }
}
