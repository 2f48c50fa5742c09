public import SCIM

/// One REST API error as Salesforce reports it: the body is a JSON array of
/// `{"message", "errorCode", "fields"}` (research/targets.md §D). Thrown by the emulated org and
/// rendered by the routes.
public struct SalesforceError: Error, Sendable, Hashable {
    public var status: Int
    public var errorCode: String
    public var message: String
    public var fields: [String]

    public init(_ status: Int, _ errorCode: String, _ message: String, fields: [String] = []) {
        self.status = status
        self.errorCode = errorCode
        self.message = message
        self.fields = fields
    }

    /// `[{"message": …, "errorCode": …, "fields": [...]}]`.
    public var json: JSONValue {
        [
            [
                "message": .string(message), "errorCode": .string(errorCode),
                "fields": .array(fields.map(JSONValue.string)),
            ]
        ]
    }

    static let invalidSession = SalesforceError(401, "INVALID_SESSION_ID", "Session expired or invalid")
    static let requestLimit = SalesforceError(403, "REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded.")
    static let notFound = SalesforceError(404, "NOT_FOUND", "The requested resource does not exist")

    static func requiredFieldsMissing(_ fields: [String]) -> SalesforceError {
        SalesforceError(
            400,
            "REQUIRED_FIELD_MISSING",
            "Required fields are missing: [\(fields.joined(separator: ", "))]",
            fields: fields
        )
    }

    static func invalidReference(_ field: String) -> SalesforceError {
        SalesforceError(400, "INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id", fields: [field])
    }

    static func malformedQuery(_ message: String) -> SalesforceError {
        SalesforceError(400, "MALFORMED_QUERY", message)
    }

    /// An injected fault's status as Salesforce words it.
    static func injected(_ status: Int) -> SalesforceError {
        switch status {
        case 401: .invalidSession
        case 403: .requestLimit
        case 404: .notFound
        case 500...:
            SalesforceError(
                status,
                status == 503 ? "SERVER_UNAVAILABLE" : "UNKNOWN_EXCEPTION",
                "Injected fault: \(status)."
            )
        default: SalesforceError(status, "INJECTED_FAULT", "Injected fault: \(status).")
        }
    }
}
