public import SCIM

/// An error as the Google APIs return it: `{"error": {"code", "message", "errors": [{"message",
/// "domain", "reason"}], "status"}}` (the shape quoted in research/targets.md §C).
public struct GoogleError: Error, Sendable, Hashable {
    public var code: Int
    public var message: String
    public var reason: String

    public init(_ code: Int, _ message: String, reason: String) {
        self.code = code
        self.message = message
        self.reason = reason
    }

    /// The gRPC-style `status` Google puts next to the HTTP code.
    var status: String {
        switch code {
        case 400: "INVALID_ARGUMENT"
        case 401: "UNAUTHENTICATED"
        case 403: "PERMISSION_DENIED"
        case 404: "NOT_FOUND"
        case 409: "ALREADY_EXISTS"
        case 412: "FAILED_PRECONDITION"
        case 429: "RESOURCE_EXHAUSTED"
        case 503: "UNAVAILABLE"
        default: code >= 500 ? "INTERNAL" : "UNKNOWN"
        }
    }

    public var json: JSONValue {
        [
            "error": [
                "code": .integer(Int64(code)), "message": .string(message),
                "errors": [["message": .string(message), "domain": "global", "reason": .string(reason)]],
                "status": .string(status),
            ]
        ]
    }

    static func notFound(_ key: String) -> GoogleError {
        GoogleError(404, "Resource Not Found: \(key)", reason: "notFound")
    }
    static func invalid(_ what: String) -> GoogleError { GoogleError(400, "Invalid Input: \(what)", reason: "invalid") }
    static func required(_ field: String) -> GoogleError {
        GoogleError(400, "Missing required field: \(field)", reason: "required")
    }
    static let badRequest = GoogleError(400, "Bad Request", reason: "badRequest")
    static let entityExists = GoogleError(409, "Entity already exists.", reason: "duplicate")
    static let memberExists = GoogleError(409, "Member already exists.", reason: "duplicate")
    static let invalidCredentials = GoogleError(
        401,
        "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.",
        reason: "authError"
    )
    static let userRateLimit = GoogleError(
        403,
        "Quota exceeded for quota metric 'Queries' and limit 'Queries per minute per user'.",
        reason: "userRateLimitExceeded"
    )
}
