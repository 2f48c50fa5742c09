package import AsyncHTTPClient
package import Foundation

/// Access tokens for the Google Directory API from a service account with domain-wide delegation:
/// signs an RS256 assertion (RFC 7523) that impersonates `subject`, exchanges it at the token
/// endpoint, and caches the token until shortly before it expires (`RefreshingCredential`: concurrent
/// callers share one refresh). After a 401 from the API, `invalidate(authorization:)` drops the token that was refused.
/// Neither the key nor a token is ever logged or printed.
package struct ServiceAccountTokenProvider: Sendable {
    /// The lifetime requested in the assertion (Google's maximum).
    static let assertionLifetime: Duration = .seconds(3600)

    let credential: RefreshingCredential<String>

    /// - Parameters:
    ///   - subject: the Workspace admin to impersonate (the assertion's `sub`).
    ///   - tokenURL: the token endpoint and the assertion's `aud`; the key's `token_uri`, then Google's, when nil.
    ///   - refreshMargin: how long before expiry a token is replaced (capped at half its lifetime).
    package init(
        key: ServiceAccountKey,
        subject: String,
        scopes: [String],
        tokenURL: String? = nil,
        client: HTTPClient,
        refreshMargin: Duration = .seconds(60),
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        let scope = scopes.joined(separator: " ")
        let grant = JWTBearerGrant(
            client: client,
            tokenURL: tokenURL ?? key.tokenURI ?? "https://oauth2.googleapis.com/token"
        )
        credential = RefreshingCredential(now: now) {
            let signer = try await JWTAssertionSigner.rs256(privateKeyPEM: key.privateKeyPEM, keyID: key.privateKeyID)
            let issuedAt = now()
            let assertion = try await signer.sign(
                issuer: key.clientEmail,
                subject: subject,
                audience: grant.tokenURL,
                scope: scope,
                issuedAt: issuedAt,
                lifetime: Self.assertionLifetime
            )
            let token = try await grant.exchange(assertion: assertion)
            return .init(
                value: token.accessToken,
                refreshAt: RefreshingCredential<String>.refreshTime(
                    issuedAt: issuedAt,
                    lifetime: token.expiresIn ?? Self.assertionLifetime,
                    margin: refreshMargin
                )
            )
        }
    }

    /// How many tokens were obtained from the endpoint (for tests and `doctor`).
    package var tokensIssued: Int { get async { await credential.issued } }

    /// The `Authorization` header value for the next API call.
    package func authorization() async throws -> String { "Bearer \(try await accessToken())" }

    /// A valid access token, from the cache or freshly obtained.
    package func accessToken() async throws -> String { try await credential.current() }

    /// Forgets the token behind `authorization` (an API call was refused with 401), so that the next
    /// call obtains a new one; a token already replaced by another caller is left alone.
    package func invalidate(authorization: String) async {
        await credential.invalidate { "Bearer \($0)" == authorization }
    }
}
