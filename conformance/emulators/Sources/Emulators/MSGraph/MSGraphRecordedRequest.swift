public import SCIM

/// One Graph request the emulator received (alone, or inside a `$batch`), for tests that check what
/// a connector sent.
public struct MSGraphRecordedRequest: Sendable {
    public var method: String
    /// Relative to `/v1.0`, percent-decoded, without the query: `/groups/abc/members/$ref`.
    public var path: String
    /// The decoded query pairs, in order.
    public var query: [(name: String, value: String)]
    /// The body parsed as JSON (nil when empty or not JSON).
    public var body: JSONValue?
    /// Whether it came inside a `$batch`, and its id there.
    public var inBatch: Bool
    public var batchRequestID: String?
    /// The status answered; nil while in flight or when the connection was dropped.
    public var status: Int?

    /// The first value of a query parameter.
    public func queryValue(_ name: String) -> String? {
        query.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    /// `{"method", "path", "query": [{"name", "value"}], "body", "inBatch", "batchRequestID", "status"}`.
    public var json: JSONValue {
        var o: JSONObject = ["method": .string(method), "path": .string(path)]
        o["query"] = .array(query.map { ["name": .string($0.name), "value": .string($0.value)] })
        o["body"] = body ?? .null
        o["inBatch"] = .bool(inBatch)
        o["batchRequestID"] = batchRequestID.map(JSONValue.string) ?? .null
        o["status"] = status.map { .integer(Int64($0)) } ?? .null
        return .object(o)
    }
}
