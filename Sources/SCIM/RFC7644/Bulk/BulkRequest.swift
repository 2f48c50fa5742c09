/// A bulk request body, RFC 7644 §3.7 (`urn:ietf:params:scim:api:messages:2.0:BulkRequest`).
public struct BulkRequest: Sendable, Hashable {
    /// Errors to accept before the remaining operations are skipped; `nil` means process them all.
    public var failOnErrors: Int?
    /// The operations, in request order.
    public var operations: [BulkOperation]

    public init(failOnErrors: Int? = nil, operations: [BulkOperation]) {
        self.failOnErrors = failOnErrors
        self.operations = operations
    }

    /// Checks the size, parses and decodes a request body: 413 over the limits (§3.7.4), 400
    /// `invalidSyntax` for malformed JSON or structure.
    public static func parse(_ body: some Collection<UInt8>, limits: BulkLimits) throws(SCIMError) -> BulkRequest {
        try limits.checkPayloadSize(body.count)
        let json: JSONValue
        do {
            json = try JSONParser.parse(body)
        } catch {
            throw .invalidSyntax("The bulk request is not valid JSON: \(error).")
        }
        return try BulkRequest(json: json, limits: limits)
    }

    /// Decodes and validates a request. The operation count is checked against `limits` before any
    /// operation is decoded; `bulkId`s must be unique within the request (§3.7).
    public init(json: JSONValue, limits: BulkLimits) throws(SCIMError) {
        guard case .object(let o) = json else {
            throw .invalidSyntax("A BulkRequest must be a JSON object, not \(json.typeName).")
        }
        try MessageSchema.require(MessageSchema.bulkRequest, in: o, messageName: "BulkRequest")
        switch o["failOnErrors"] {
        case nil, .null?: failOnErrors = nil
        case .integer(let n)?:
            guard n >= 1 else {
                throw .invalidValue("'failOnErrors' must be at least 1 (the number of errors to accept), not \(n).")
            }
            failOnErrors = Int(clamping: n)
        case let v?: throw .invalidSyntax("'failOnErrors' must be an integer, not \(v).")
        }
        guard case .array(let list)? = o["Operations"] else {
            throw .invalidSyntax("A BulkRequest needs an 'Operations' array (RFC 7644 §3.7).")
        }
        try limits.checkOperationCount(list.count)
        var operations: [BulkOperation] = []
        operations.reserveCapacity(list.count)
        var seen: [String: Int] = [:]
        for (i, element) in list.enumerated() {
            let op = try BulkOperation(json: element, index: i)
            if let bulkId = op.bulkId {
                if let first = seen[bulkId] {
                    throw .invalidValue(
                        "Operations[\(i)] reuses bulkId '\(bulkId)' of Operations[\(first)]; bulkIds must be unique within a request."
                    )
                }
                seen[bulkId] = i
            }
            operations.append(op)
        }
        self.operations = operations
    }

    /// Whether processing stops after `errorCount` failed operations.
    public func shouldStop(afterErrors errorCount: Int) -> Bool {
        guard let failOnErrors else { return false }
        return errorCount >= failOnErrors
    }

    /// The request as a JSON body (what a client sends).
    public var json: JSONValue {
        var o = JSONObject()
        o["schemas"] = .array([.string(MessageSchema.bulkRequest)])
        if let failOnErrors { o["failOnErrors"] = .integer(Int64(failOnErrors)) }
        o["Operations"] = .array(operations.map(\.json))
        return .object(o)
    }
}
