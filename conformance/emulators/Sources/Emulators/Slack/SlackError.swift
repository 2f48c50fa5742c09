public import SCIM

/// A Slack SCIM error: an HTTP status and a Slack error code, rendered the way Slack's SCIM v2 API
/// renders them, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"detail":"<code>","status":<int>}`
/// (targets.md §B "Errors": `detail` carries the code and `status` is a number, unlike RFC 7644 §3.12's string).
public struct SlackError: Error, Sendable, Hashable, CustomStringConvertible {
    public var status: Int
    /// The Slack error code (`email_taken`, `no_such_user`, …).
    public var code: String

    public init(_ status: Int, _ code: String) {
        self.status = status
        self.code = code
    }

    public var description: String { "Slack \(status) \(code)" }

    public var json: JSONValue {
        ["schemas": [.string(SCIMError.schemaURN)], "detail": .string(code), "status": .integer(Int64(status))]
    }

    // The codes of targets.md §B, with the status each is answered with.
    static let missingSchemaElement = SlackError(400, "missing_schema_element")
    static let emailTaken = SlackError(409, "email_taken")
    static let usernameTaken = SlackError(409, "username_taken")
    static let usernameTooLong = SlackError(400, "username_too_long")
    static let invalidDisplayName = SlackError(400, "invalid_display_name")
    static let longNickname = SlackError(400, "long_nickname")
    static let noSuchUser = SlackError(404, "no_such_user")
    static let noSuchGroup = SlackError(404, "no_such_group")
    /// A member list names a user that does not exist (the group itself does, so not a 404).
    static let noSuchGroupMembers = SlackError(400, "no_such_group_members")
    static let tooManyUsers = SlackError(400, "too_many_users")
    static let unableToAddDeletedOrGuest = SlackError(400, "unable_to_add_deleted_or_guest_to_group")
    static let invalidFilterGroup = SlackError(400, "invalid_filter_group")
    static let incompleteFilter = SlackError(400, "incomplete_filter")
    static let invalidAuthentication = SlackError(401, "invalid_authentication")
    static let tooManyRequests = SlackError(429, "too_many_requests")
    static let resourceLocked = SlackError(429, "resource_locked")
    /// Not a SCIM code in targets.md: the Web API's `usergroups.create` name clash, which Slack user
    /// groups (unique names) imply for SCIM as well. An assumption of this emulator.
    static let nameAlreadyExists = SlackError(409, "name_already_exists")
    static let invalidSyntax = SlackError(400, "invalid_syntax")
    static let unsupportedMediaType = SlackError(415, "invalid_content_type")
    static let payloadTooLarge = SlackError(413, "request_too_large")
    static let notFound = SlackError(404, "unknown_method")
}
