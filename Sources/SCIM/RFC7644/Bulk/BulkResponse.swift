/// A bulk response body, RFC 7644 §3.7 (`urn:ietf:params:scim:api:messages:2.0:BulkResponse`).
public struct BulkResponse: Sendable, Hashable {
    /// The results of the processed operations.
    public var operations: [BulkOperationResult]

    public init(operations: [BulkOperationResult]) {
        self.operations = operations
    }

    /// The response as a JSON value.
    public var json: JSONValue {
        var o = JSONObject()
        o["schemas"] = .array([.string(MessageSchema.bulkResponse)])
        o["Operations"] = .array(operations.map(\.json))
        return .object(o)
    }

    /// The compact JSON bytes, written operation by operation.
    public func encodedBytes() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(96 + operations.count * 192)
        out.append(contentsOf: #"{"schemas":[""#.utf8)
        out.append(contentsOf: MessageSchema.bulkResponse.utf8)
        out.append(contentsOf: #""],"Operations":["#.utf8)
        for (i, op) in operations.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            op.json.write(into: &out)
        }
        out.append(contentsOf: "]}".utf8)
        return out
    }

    /// Reads a bulk response (e.g. from a SCIM target).
    public init(json: JSONValue) throws(SCIMError) {
        guard case .object(let o) = json else {
            throw .invalidSyntax("A BulkResponse must be a JSON object, not \(json.typeName).")
        }
        try MessageSchema.require(MessageSchema.bulkResponse, in: o, messageName: "BulkResponse")
        guard case .array(let list)? = o["Operations"] else {
            throw .invalidSyntax("A BulkResponse needs an 'Operations' array (RFC 7644 §3.7).")
        }
        var results: [BulkOperationResult] = []
        for (i, e) in list.enumerated() { results.append(try BulkOperationResult(json: e, index: i)) }
        operations = results
    }
}
