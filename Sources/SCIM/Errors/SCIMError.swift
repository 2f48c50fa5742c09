/// The one SCIM error type, rendered the RFC 7644 §3.12 way.
///
/// Every failure a SCIM client can see is one of these: an HTTP `status`, an optional
/// `scimType` from RFC 7644 Table 9, and a `detail` a person can act on. It never carries
/// SQL, stack traces or secrets.
public struct SCIMError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The `scimType` keywords of RFC 7644 §3.12, Table 9, and RFC 9865 §2.1, Table 3.
    public enum ScimType: String, Sendable, Hashable, CaseIterable {
        case invalidFilter, tooMany, uniqueness, mutability, invalidSyntax, invalidPath
        case noTarget, invalidValue, invalidVers, sensitive
        // RFC 9865 (cursor pagination) extends Table 9 with these.
        case invalidCursor, expiredCursor, invalidCount
    }

    /// The HTTP status code.
    public var status: Int
    /// The detail error keyword, where RFC 7644 defines one for the case.
    public var scimType: ScimType?
    /// A human-readable explanation.
    public var detail: String

    /// An error with an explicit status.
    public init(status: Int, scimType: ScimType? = nil, detail: String) {
        self.status = status
        self.scimType = scimType
        self.detail = detail
    }

    public var description: String {
        "SCIM \(status)\(scimType.map { " \($0.rawValue)" } ?? ""): \(detail)"
    }

    /// The message schema URN of RFC 7644 §3.12.
    public static let schemaURN = "urn:ietf:params:scim:api:messages:2.0:Error"

    /// The error body of RFC 7644 §3.12 (`status` is a string, as the RFC's examples show).
    public var json: JSONValue {
        var o = JSONObject()
        o["schemas"] = .array([.string(Self.schemaURN)])
        if let scimType { o["scimType"] = .string(scimType.rawValue) }
        o["detail"] = .string(detail)
        o["status"] = .string(String(status))
        return .object(o)
    }
}

extension SCIMError {
    /// 400 `invalidFilter`: the filter syntax was invalid or it names an unknown attribute.
    public static func invalidFilter(_ detail: String) -> SCIMError {
        SCIMError(status: 400, scimType: .invalidFilter, detail: detail)
    }
    /// 400 `tooMany`: the query would return too many results.
    public static func tooMany(_ detail: String) -> SCIMError {
        SCIMError(status: 400, scimType: .tooMany, detail: detail)
    }
    /// 409 `uniqueness`: a unique attribute value is already taken.
    public static func uniqueness(_ detail: String) -> SCIMError {
        SCIMError(status: 409, scimType: .uniqueness, detail: detail)
    }
    /// 400 `mutability`: the change touches a readOnly or immutable attribute.
    public static func mutability(_ detail: String) -> SCIMError {
        SCIMError(status: 400, scimType: .mutability, detail: detail)
    }
    /// 400 `invalidSyntax`: the request body is not valid SCIM.
    public static func invalidSyntax(_ detail: String) -> SCIMError {
        SCIMError(status: 400, scimType: .invalidSyntax, detail: detail)
    }
    /// 400 `invalidPath`: a PATCH path is malformed or names no attribute.
    public static func invalidPath(_ detail: String) -> SCIMError {
        SCIMError(status: 400, scimType: .invalidPath, detail: detail)
    }
    /// 400 `noTarget`: a PATCH path or filter matched nothing where something was required.
    public static func noTarget(_ detail: String) -> SCIMError {
        SCIMError(status: 400, scimType: .noTarget, detail: detail)
    }
    /// 400 `invalidValue`: a value is missing, of the wrong type, or not allowed.
    public static func invalidValue(_ detail: String) -> SCIMError {
        SCIMError(status: 400, scimType: .invalidValue, detail: detail)
    }
    /// 400 `invalidVers`: the requested protocol version is not supported.
    public static func invalidVers(_ detail: String) -> SCIMError {
        SCIMError(status: 400, scimType: .invalidVers, detail: detail)
    }
    /// 403 `sensitive`: the request would put confidential data in a URI.
    public static func sensitive(_ detail: String) -> SCIMError {
        SCIMError(status: 403, scimType: .sensitive, detail: detail)
    }
    /// 400 without a `scimType`: a malformed request not covered by Table 9.
    public static func badRequest(_ detail: String) -> SCIMError {
        SCIMError(status: 400, detail: detail)
    }
    /// 401: authentication missing or rejected.
    public static func unauthorized(_ detail: String = "Authentication is required.") -> SCIMError {
        SCIMError(status: 401, detail: detail)
    }
    /// 403: authenticated but not allowed.
    public static func forbidden(_ detail: String) -> SCIMError {
        SCIMError(status: 403, detail: detail)
    }
    /// 404: the resource or endpoint does not exist.
    public static func notFound(_ detail: String) -> SCIMError {
        SCIMError(status: 404, detail: detail)
    }
    /// 409 without a `scimType`: a conflicting state (not a uniqueness clash).
    public static func conflict(_ detail: String) -> SCIMError {
        SCIMError(status: 409, detail: detail)
    }
    /// 412: an `If-Match` precondition failed (RFC 7644 §3.14).
    public static func preconditionFailed(_ detail: String) -> SCIMError {
        SCIMError(status: 412, detail: detail)
    }
    /// 413: the request body or bulk operation count exceeds the announced limits.
    public static func payloadTooLarge(_ detail: String) -> SCIMError {
        SCIMError(status: 413, detail: detail)
    }
    /// 500 with a generic detail: never leak internals.
    public static let internalError = SCIMError(status: 500, detail: "The server encountered an internal error.")
    /// 501: the operation is not supported.
    public static func notImplemented(_ detail: String) -> SCIMError {
        SCIMError(status: 501, detail: detail)
    }
}
