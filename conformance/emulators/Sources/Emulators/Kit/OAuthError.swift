internal import SCIM

/// An OAuth error answer of a token endpoint (RFC 6749 §5.2): the status, the error code and its
/// description, as `{"error", "error_description"}`.
struct OAuthError: Error, Sendable, Hashable {
    var status = 400
    var error: String
    var description: String

    var json: JSONValue { ["error": .string(error), "error_description": .string(description)] }
}
