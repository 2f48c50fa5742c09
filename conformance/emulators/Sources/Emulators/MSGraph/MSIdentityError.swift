internal import Foundation
public import SCIM

/// An error of the Microsoft identity platform's token endpoint: an OAuth error (RFC 6749 §5.2)
/// with its AADSTS code, in the platform's JSON shape `{"error", "error_description",
/// "error_codes", "timestamp", "trace_id", "correlation_id"}`.
public struct MSIdentityError: Error, Sendable, Hashable {
    public var status: Int
    /// The OAuth error: `invalid_client`, `invalid_scope`, `unauthorized_client`, …
    public var error: String
    /// The AADSTS number (`7000215` for `AADSTS7000215`).
    public var code: Int
    public var message: String

    public init(_ status: Int, _ error: String, _ code: Int, _ message: String) {
        self.status = status
        self.error = error
        self.code = code
        self.message = message
    }

    /// The body; `error_description` starts with `AADSTS<code>: ` as Microsoft's does.
    public func body(traceID: String, correlationID: String, timestamp: String) -> JSONValue {
        [
            "error": .string(error),
            "error_description": .string(
                "AADSTS\(code): \(message) Trace ID: \(traceID) Correlation ID: \(correlationID) Timestamp: \(timestamp)"
            ),
            "error_codes": [.integer(Int64(code))], "timestamp": .string(timestamp), "trace_id": .string(traceID),
            "correlation_id": .string(correlationID),
        ]
    }

    static func unknownTenant(_ tenant: String) -> MSIdentityError {
        MSIdentityError(
            400,
            "invalid_request",
            90002,
            "Tenant '\(tenant)' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud."
        )
    }
    static func unknownApplication(_ clientID: String, tenant: String) -> MSIdentityError {
        MSIdentityError(
            400,
            "unauthorized_client",
            700016,
            "Application with identifier '\(clientID)' was not found in the directory '\(tenant)'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant."
        )
    }
    static func invalidScope(_ scope: String) -> MSIdentityError {
        MSIdentityError(
            400,
            "invalid_scope",
            1_002_012,
            "The provided value for scope \(scope) is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI)."
        )
    }
    static func unsupportedGrantType(_ grant: String) -> MSIdentityError {
        MSIdentityError(
            400,
            "unsupported_grant_type",
            70003,
            "The app requested an unsupported grant type '\(grant)'."
        )
    }
    static let missingCredential = MSIdentityError(
        401,
        "invalid_client",
        7_000_218,
        "The request body must contain the following parameter: 'client_assertion' or 'client_secret'."
    )
    static func invalidSecret(_ clientID: String) -> MSIdentityError {
        MSIdentityError(
            401,
            "invalid_client",
            7_000_215,
            "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '\(clientID)'."
        )
    }
    static func unknownCertificate(_ thumbprint: String, clientID: String) -> MSIdentityError {
        MSIdentityError(
            401,
            "invalid_client",
            700027,
            "The certificate with identifier used to sign the client assertion is not registered on application. [Reason - The key was not found., Thumbprint of key used by client: '\(thumbprint)', Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see configured keys for app Id '\(clientID)'.]"
        )
    }
    static let invalidSignature = MSIdentityError(
        401,
        "invalid_client",
        700027,
        "Client assertion failed signature validation."
    )
    static let invalidAudience = MSIdentityError(
        401,
        "invalid_client",
        50012,
        "Client assertion audience claim does not match Realm issuer."
    )
    static func outsideValidity(_ detail: String) -> MSIdentityError {
        MSIdentityError(401, "invalid_client", 700024, "Client assertion is not within its valid time range. \(detail)")
    }
    static func malformedAssertion(_ detail: String) -> MSIdentityError {
        MSIdentityError(401, "invalid_client", 50027, "JWT token is invalid or malformed. \(detail)")
    }
    static let invalidAssertionType = MSIdentityError(
        400,
        "invalid_request",
        7_000_219,
        "'client_assertion_type' must be 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'."
    )
    static func missingParameter(_ name: String) -> MSIdentityError {
        MSIdentityError(
            400,
            "invalid_request",
            900144,
            "The request body must contain the following parameter: '\(name)'."
        )
    }
}
