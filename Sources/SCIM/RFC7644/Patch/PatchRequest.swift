/// A PATCH request message, RFC 7644 §3.5.2: `schemas` holding the PatchOp URN and a non-empty
/// `Operations` array of `{op, path?, value?}`.
///
/// Decoding is strict: `op` must be exactly `add`, `remove` or `replace` (IdP spellings such as
/// Entra's `"Replace"` are rewritten by the dialect normalizers before this point).
public struct PatchRequest: Sendable, Hashable {
    /// The message schema URN every PATCH body must carry.
    public static let schemaURN = "urn:ietf:params:scim:api:messages:2.0:PatchOp"

    /// The operations, applied in order.
    public var operations: [PatchOperation]

    public init(operations: [PatchOperation]) {
        self.operations = operations
    }

    /// Decodes a request body; every structural problem is `invalidSyntax` with a detail naming it.
    public init(json: JSONValue) throws(SCIMError) {
        guard case .object(let body) = json else {
            throw .invalidSyntax("A PATCH body must be a JSON object, not \(json.typeName).")
        }
        guard let schemas = body["schemas"]?.arrayValue,
            schemas.contains(where: { $0.stringValue.map { caseInsensitiveEquals($0, Self.schemaURN) } ?? false })
        else {
            throw .invalidSyntax("A PATCH body must have \"schemas\": [\"\(Self.schemaURN)\"].")
        }
        guard let ops = body["Operations"] else {
            throw .invalidSyntax("A PATCH body must have an \"Operations\" array.")
        }
        guard case .array(let list) = ops else {
            throw .invalidSyntax("\"Operations\" must be an array of operations, not \(ops.typeName).")
        }
        guard !list.isEmpty else {
            throw .invalidSyntax("\"Operations\" must hold at least one operation.")
        }
        var decoded: [PatchOperation] = []
        decoded.reserveCapacity(list.count)
        for (i, element) in list.enumerated() {
            decoded.append(try PatchOperation(json: element, index: i + 1))
        }
        operations = decoded
    }

    /// The request as a JSON body.
    public var json: JSONValue {
        var o = JSONObject()
        o["schemas"] = .array([.string(Self.schemaURN)])
        o["Operations"] = .array(operations.map(\.json))
        return .object(o)
    }
}

/// One PATCH operation, RFC 7644 §3.5.2.
public struct PatchOperation: Sendable, Hashable {
    /// The three operations of RFC 7644 §3.5.2.1–§3.5.2.3.
    public enum Op: String, Sendable, Hashable, CaseIterable {
        case add, remove, replace
    }

    public var op: Op
    /// The target path (RFC 7644 Figure 7), as written; `nil` when omitted.
    public var path: String?
    /// The value; `nil` when omitted.
    public var value: JSONValue?

    public init(op: Op, path: String? = nil, value: JSONValue? = nil) {
        self.op = op
        self.path = path
        self.value = value
    }

    /// Decodes operation number `index` (1-based, for the error detail).
    init(json: JSONValue, index: Int) throws(SCIMError) {
        guard case .object(let o) = json else {
            throw .invalidSyntax("Operation \(index) must be an object, not \(json.typeName).")
        }
        guard let opValue = o["op"] else {
            throw .invalidSyntax("Operation \(index) has no \"op\"; expected \"add\", \"remove\" or \"replace\".")
        }
        guard case .string(let opText) = opValue, let op = Op(rawValue: opText) else {
            throw .invalidSyntax(
                "Operation \(index) has \"op\": \(opValue); expected \"add\", \"remove\" or \"replace\"."
            )
        }
        var path: String?
        switch o["path"] {
        case nil, .null?: path = nil
        case .string(let s)?: path = s
        case let other?:
            throw .invalidSyntax("Operation \(index) has a \"path\" of type \(other.typeName); it must be a string.")
        }
        let value = o["value"]
        switch op {
        case .add, .replace:
            guard value != nil else {
                throw .invalidSyntax("Operation \(index) (\(op.rawValue)) must have a \"value\".")
            }
        case .remove:
            // A value on remove has no meaning in RFC 7644; ignoring it would turn Entra's
            // "remove these members" into "remove every member", so it is refused here and
            // rewritten by `EntraPatchDialect` before decoding.
            if let value, !value.isNull {
                throw .invalidSyntax(
                    "Operation \(index) (remove) must not have a \"value\"; select the values to remove with a path filter such as members[value eq \"id\"]."
                )
            }
        }
        self.op = op
        self.path = path
        self.value = op == .remove ? Optional<JSONValue>.none : value
    }

    /// The operation as JSON.
    public var json: JSONValue {
        var o = JSONObject()
        o["op"] = .string(op.rawValue)
        if let path { o["path"] = .string(path) }
        if let value { o["value"] = value }
        return .object(o)
    }
}
