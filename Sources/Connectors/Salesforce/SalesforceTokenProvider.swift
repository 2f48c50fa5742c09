package import AsyncHTTPClient
package import Foundation
import SCIM

/// Sessions for the Salesforce REST API through the OAuth 2.0 JWT bearer flow (RFC 7523 §2.1;
/// Salesforce's "JWT Bearer Flow for Server-to-Server Integration"): signs an RS256 assertion with the
/// connected app's certificate key (`iss` = consumer key, `sub` = the integration user's username,
/// `aud` = the login URL, `exp` = now + 3 min), exchanges it at the token endpoint, and keeps the
/// access token with the `instance_url` the answer names. Salesforce issues no refresh token and no
/// `expires_in`: a session is kept until the API refuses it (`invalidate`) or `refreshAfter` has passed.
/// Concurrent callers share one exchange (the session is kept in a `RefreshingCredential`; signing
/// and the grant are the shared `JWTAssertionSigner` and `JWTBearerGrant`). Neither the key nor a token is ever logged or printed.
package struct SalesforceTokenProvider: Sendable {
    /// An access token and the org's API host.
    package struct Session: Sendable, CustomStringConvertible {
        package var accessToken: String
        /// `instance_url` of the token answer, e.g. `https://acme.my.salesforce.com`.
        package var instanceURL: String
        package var description: String { "Session(\(instanceURL), token redacted)" }
    }

    /// The assertion's lifetime: Salesforce accepts at most three minutes.
    static let assertionLifetime: Duration = .seconds(180)

    let credential: RefreshingCredential<Session>

    /// - Parameters:
    ///   - clientID: the connected app's consumer key (`iss`).
    ///   - username: the pre-authorised integration user (`sub`).
    ///   - tokenURL: `https://login.salesforce.com/services/oauth2/token` (`test.salesforce.com` for sandboxes, or My Domain).
    ///   - audience: `aud`; `https://login.salesforce.com`, `https://test.salesforce.com` or the My Domain URL.
    ///   - refreshAfter: how long a session is used before a new one is obtained (the org's session timeout is 2 h by default).
    package init(
        clientID: String,
        username: String,
        privateKeyPEM: String,
        tokenURL: String,
        audience: String,
        client: HTTPClient,
        refreshAfter: Duration = .seconds(3600),
        timeout: Duration = .seconds(30),
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        credential = RefreshingCredential(now: now) {
            let signer = try await JWTAssertionSigner.rs256(privateKeyPEM: privateKeyPEM)
            let issuedAt = now()
            let assertion = try await signer.sign(
                issuer: clientID,
                subject: username,
                audience: audience,
                scope: nil,
                issuedAt: issuedAt,
                lifetime: Self.assertionLifetime
            )
            let token: JWTBearerGrant.Token
            do {
                token = try await JWTBearerGrant(client: client, tokenURL: tokenURL, timeout: timeout).exchange(
                    assertion: assertion
                )
            } catch {
                throw Self.explained(error)
            }
            guard let instance = token.response["instance_url"]?.stringValue, !instance.isEmpty else {
                throw TargetError.permanent(
                    status: 502,
                    detail: "The Salesforce token endpoint \(tokenURL) answered without an instance_url."
                )
            }
            let base = instance.hasSuffix("/") ? String(instance.dropLast()) : instance
            // No `expires_in` from Salesforce: the session is used for `refreshAfter`, or until refused.
            return .init(
                value: Session(accessToken: token.accessToken, instanceURL: base),
                refreshAt: RefreshingCredential<Session>.refreshTime(
                    issuedAt: issuedAt,
                    lifetime: refreshAfter,
                    margin: .zero
                )
            )
        }
    }

    /// How many sessions were obtained from the token endpoint (for tests and `doctor`).
    package var tokensIssued: Int { get async { await credential.issued } }

    /// A valid session, from the cache or freshly obtained.
    package func session() async throws -> Session { try await credential.current() }

    /// Forgets the session of `accessToken` (the API answered `INVALID_SESSION_ID`), so that the next
    /// call obtains a new one; a session another caller already replaced is left alone.
    package func invalidate(accessToken: String) async {
        await credential.invalidate { $0.accessToken == accessToken }
    }

    /// A refusal of the token endpoint with what to fix, for those an operator meets when setting up the connected app.
    static func explained(_ error: any Error) -> any Error {
        guard case .permanent(let status, let detail)? = error as? TargetError else { return error }
        return TargetError.permanent(status: status, detail: detail + hint(detail))
    }

    static func hint(_ detail: String) -> String {
        let known = [
            "user hasn't approved this consumer", "audience is invalid", "invalid assertion",
            "client identifier invalid",
        ]
        return switch known.first(where: detail.contains) {
        case "user hasn't approved this consumer":
            "; pre-authorise the integration user for the connected app (Permitted Users: admin approved users are pre-authorized, then add its profile or a permission set)"
        case "audience is invalid":
            "; set auth.audience to https://login.salesforce.com, https://test.salesforce.com or the My Domain URL"
        case "invalid assertion": "; the private key does not match the certificate uploaded to the connected app"
        case "client identifier invalid": "; auth.clientId must be the connected app's consumer key"
        default: ""
        }
    }
}
