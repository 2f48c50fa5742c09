public import SCIM

/// An error as Microsoft Graph answers it: an HTTP status and
/// `{"error": {"code", "message", "innerError": {"date", "request-id", "client-request-id"}}}`
/// (research/targets.md §F "Errors"; schema `microsoft.graph.ODataErrors.ODataError`).
public struct MSGraphError: Error, Sendable, Hashable {
    public var status: Int
    public var code: String
    public var message: String

    public init(_ status: Int, _ code: String, _ message: String) {
        self.status = status
        self.code = code
        self.message = message
    }

    /// The body, with `innerError` for this request (`clientRequestID` echoes the request's header).
    public func body(requestID: String, clientRequestID: String?, date: String) -> JSONValue {
        var inner: JSONObject = ["date": .string(date), "request-id": .string(requestID)]
        inner["client-request-id"] = .string(clientRequestID ?? requestID)
        return ["error": ["code": .string(code), "message": .string(message), "innerError": .object(inner)]]
    }

    // MARK: - The errors the research quotes

    /// 404 for an id that names nothing (in the path or as a member reference).
    static func notFound(_ id: String) -> MSGraphError {
        MSGraphError(
            404,
            "Request_ResourceNotFound",
            "Resource '\(id)' does not exist or one of its queried reference-property objects are not present."
        )
    }
    static let alreadyMember = MSGraphError(
        400,
        "Request_BadRequest",
        "One or more added object references already exist for the following modified properties: 'members'."
    )
    /// A member add to a group that has not replicated yet (the note on Learn's "Add members" page).
    static let sourceNotReplicated = MSGraphError(
        400,
        "Request_BadRequest",
        "The source resource object or one of the objects being referenced do not exist."
    )
    static func duplicateValue(_ property: String) -> MSGraphError {
        MSGraphError(
            400,
            "Request_BadRequest",
            "Another object with the same value for property \(property) already exists."
        )
    }
    static let insufficientPrivileges = MSGraphError(
        403,
        "Authorization_RequestDenied",
        "Insufficient privileges to complete the operation."
    )
    static let tooManyRequests = MSGraphError(429, "TooManyRequests", "Too many requests.")

    // MARK: - Validation, worded as Graph words it (assumed where research has no quote)

    static func required(_ property: String, of resource: String) -> MSGraphError {
        MSGraphError(
            400,
            "Request_BadRequest",
            "A value is required for property '\(property)' of resource '\(resource)'."
        )
    }
    static func invalidValue(_ property: String, of resource: String) -> MSGraphError {
        MSGraphError(
            400,
            "Request_BadRequest",
            "Invalid value specified for property '\(property)' of resource '\(resource)'."
        )
    }
    static func badRequest(_ message: String) -> MSGraphError { MSGraphError(400, "Request_BadRequest", message) }
    static func unsupportedQuery(_ message: String) -> MSGraphError {
        MSGraphError(400, "Request_UnsupportedQuery", message)
    }
    /// An error injected by the fault plan, in Graph's words for that status.
    static func injected(_ status: Int) -> MSGraphError {
        switch status {
        case 429: tooManyRequests
        case 503:
            MSGraphError(
                503,
                "serviceNotAvailable",
                "The service is temporarily unavailable. You may repeat the request after a delay, which may be specified in a Retry-After header."
            )
        case 500...: MSGraphError(status, "generalException", "An unspecified error has occurred.")
        case 401: MSGraphError(401, "InvalidAuthenticationToken", "Access token validation failure.")
        case 403: insufficientPrivileges
        case 404: MSGraphError(404, "Request_ResourceNotFound", "Resource does not exist.")
        default: MSGraphError(status, "BadRequest", "Injected fault: \(status).")
        }
    }
}
