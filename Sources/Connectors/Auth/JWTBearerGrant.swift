package import AsyncHTTPClient

/// The OAuth 2.0 JWT bearer grant (RFC 7523 §2.1): a signed assertion exchanged at a token endpoint
/// for an access token (Google's service accounts, Salesforce's connected apps).
package struct JWTBearerGrant: Sendable {
    package typealias Token = TokenEndpoint.Token

    package static let grantType = "urn:ietf:params:oauth:grant-type:jwt-bearer"

    let endpoint: TokenEndpoint
    package var tokenURL: String { endpoint.url }

    package init(client: HTTPClient, tokenURL: String, timeout: Duration = .seconds(30)) {
        endpoint = TokenEndpoint(client: client, url: tokenURL, timeout: timeout)
    }

    /// Exchanges `assertion` for an access token; refusals and failures as `TokenEndpoint` classifies them.
    package func exchange(assertion: String) async throws(TargetError) -> Token {
        try await endpoint.token(form: [("grant_type", Self.grantType), ("assertion", assertion)])
    }
}
