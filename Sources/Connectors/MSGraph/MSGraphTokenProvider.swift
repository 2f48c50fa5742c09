package import AsyncHTTPClient
package import Foundation
import SCIM

/// App-only access tokens for Microsoft Graph through the OAuth 2.0 client credentials grant of the
/// Microsoft identity platform (RFC 6749 §4.4): the app registration proves itself with a client
/// secret, or with a certificate, as a JWT client assertion (RFC 7523 §2.2) signed with the
/// certificate's key and naming it by thumbprint (`x5t`, `x5t#S256`). Tokens are kept in the shared
/// `RefreshingCredential` (one refresh for concurrent callers) and renewed five minutes before they
/// expire. Neither the secret, the key nor a token is ever logged or printed.
package struct MSGraphTokenProvider: Sendable {
    /// How the app registration proves who it is.
    package enum Proof: Sendable {
        case secret(String)
        case certificate(certificatePEM: String, privateKeyPEM: String)
    }

    /// `client_assertion_type` of a JWT client assertion (RFC 7523 §2.2).
    package static let assertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
    /// A client assertion lives ten minutes, as Microsoft's libraries make it.
    static let assertionLifetime: Duration = .seconds(600)
    /// Tokens are renewed this long before they expire.
    static let refreshMargin: Duration = .seconds(300)

    let credential: RefreshingCredential<String>

    /// - Parameters:
    ///   - tokenURL: `https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token`; also the assertion's `aud`.
    ///   - scopes: `https://graph.microsoft.com/.default` for the app's consented application permissions.
    package init(
        clientID: String,
        proof: Proof,
        tokenURL: String,
        scopes: [String],
        client: HTTPClient,
        timeout: Duration = .seconds(30),
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        let endpoint = TokenEndpoint(client: client, url: tokenURL, timeout: timeout)
        credential = RefreshingCredential(now: now) {
            var form: [(name: String, value: String)] = [
                ("grant_type", "client_credentials"), ("client_id", clientID),
                ("scope", scopes.joined(separator: " ")),
            ]
            let issuedAt = now()
            switch proof {
            case .secret(let secret):
                form.append(("client_secret", secret))
            case .certificate(let certificatePEM, let privateKeyPEM):
                let signer = try await JWTAssertionSigner.rs256(
                    privateKeyPEM: privateKeyPEM,
                    thumbprints: try CertificateThumbprints(certificatePEM: certificatePEM)
                )
                let assertion = try await signer.sign(
                    issuer: clientID,
                    subject: clientID,
                    audience: tokenURL,
                    scope: nil,
                    issuedAt: issuedAt,
                    lifetime: Self.assertionLifetime,
                    uniqueID: UUID().uuidString
                )
                form += [("client_assertion_type", Self.assertionType), ("client_assertion", assertion)]
            }
            let token: TokenEndpoint.Token
            do {
                token = try await endpoint.token(form: form)
            } catch let error as TargetError {
                throw Self.explained(error)
            }
            return .init(
                value: token.accessToken,
                refreshAt: RefreshingCredential<String>.refreshTime(
                    issuedAt: issuedAt,
                    lifetime: token.expiresIn ?? .seconds(3599),
                    margin: Self.refreshMargin
                )
            )
        }
    }

    /// How many tokens were obtained from the token endpoint (for tests and `doctor`).
    package var tokensIssued: Int { get async { await credential.issued } }

    /// `Bearer <token>`, from the cache or freshly obtained.
    package func authorization() async throws -> String { "Bearer \(try await credential.current())" }

    /// Forgets the token Graph refused (401), unless another caller has replaced it already.
    package func invalidate(authorization refused: String) async {
        await credential.invalidate { "Bearer \($0)" == refused }
    }

    /// The application permissions (`roles`) a Graph access token carries. The token is a JWT whose
    /// payload the client may read but not verify; nil when it is not one.
    package static func roles(inToken token: String) -> Set<String>? {
        let parts = token.split(separator: ".")
        guard parts.count == 3 else { return nil }
        var payload = String(parts[1]).replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        payload += String(repeating: "=", count: (4 - payload.count % 4) % 4)
        guard let data = Data(base64Encoded: payload), let json = try? JSONParser.parse(Array(data)) else { return nil }
        return Set((json["roles"]?.arrayValue ?? []).compactMap(\.stringValue))
    }

    /// A refusal of the token endpoint with what to fix in the app registration, for the AADSTS
    /// errors an operator meets when setting it up.
    static func explained(_ error: TargetError) -> TargetError {
        guard case .permanent(let status, let detail) = error else { return error }
        let hints: [(code: String, hint: String)] = [
            ("AADSTS7000215", "the client secret is wrong or expired: create a new one under Certificates & secrets"),
            ("AADSTS7000222", "the client secret has expired: create a new one under Certificates & secrets"),
            (
                "AADSTS700027",
                "the assertion's certificate is not one of the app's: upload the certificate (public part) under Certificates & secrets"
            ),
            (
                "AADSTS700016",
                "no application with this client id in the tenant: auth.clientId is the app registration's Application (client) ID, and tokenURL names its tenant"
            ),
            (
                "AADSTS90002",
                "the tenant in tokenURL does not exist: use the Directory (tenant) ID or a verified domain"
            ),
            ("AADSTS1002012", "the scope must be https://graph.microsoft.com/.default for app-only tokens"),
            (
                "AADSTS65001",
                "the application permissions lack admin consent: grant admin consent under API permissions"
            ),
        ]
        guard let hint = hints.first(where: { detail.contains($0.code) })?.hint else { return error }
        return .permanent(status: status, detail: "\(detail); \(hint)")
    }
}
