internal import Foundation
internal import JWTKit

/// Checks a service account's JWT assertion (RFC 7523 §3) as Google's token endpoint does: an
/// RS256 signature by the configured key, `aud` = the token endpoint, `iat`/`exp` a window of at
/// most an hour that includes now, a `sub` to impersonate, and every required scope.
struct AssertionVerifier: Sendable {
    struct Claims: JWTPayload {
        var iss: String?
        var sub: String?
        var aud: String?
        var scope: String?
        var iat: Int64?
        var exp: Int64?
        // Each check below answers with its own error, so jwt-kit checks only the signature.
        func verify(using algorithm: some JWTAlgorithm) async throws {}
    }

    /// Why an assertion was refused: the OAuth error code and its description (RFC 6749 §5.2).
    struct Refusal: Error {
        var status: Int
        var error: String
        var description: String
    }

    let keys: JWTKeyCollection

    init(publicKeyPEM: String) throws {
        let key = try JWTKit.Insecure.RSA.PublicKey(pem: publicKeyPEM)
        keys = JWTKeyCollection()
        // Added on first use: `add` is isolated to the collection, and an initializer cannot wait for it.
        self.key = key
    }

    private let key: JWTKit.Insecure.RSA.PublicKey

    /// The impersonated subject of a valid assertion.
    func verify(_ assertion: String, audience: String, requiredScopes: Set<String>, now: Date = Date())
        async throws(Refusal) -> String
    {
        await keys.add(rsa: key, digestAlgorithm: .sha256)
        let claims: Claims
        do {
            claims = try await keys.verify(assertion, as: Claims.self)
        } catch {
            throw Refusal(status: 400, error: "invalid_grant", description: "Invalid JWT Signature.")
        }
        guard claims.aud == audience else {
            throw Refusal(
                status: 400,
                error: "invalid_grant",
                description: "Invalid JWT: the audience must be \(audience)."
            )
        }
        let t = Int64(now.timeIntervalSince1970)
        guard let iat = claims.iat, let exp = claims.exp, exp > t, iat <= t + 300, exp - iat <= 3600 else {
            throw Refusal(
                status: 400,
                error: "invalid_grant",
                description:
                    "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim."
            )
        }
        guard claims.iss?.isEmpty == false else {
            throw Refusal(
                status: 400,
                error: "invalid_grant",
                description: "Invalid JWT: no issuer (the service account's email)."
            )
        }
        guard let sub = claims.sub, !sub.isEmpty else {
            throw Refusal(
                status: 400,
                error: "invalid_grant",
                description:
                    "Invalid JWT: no 'sub'. The Directory API needs domain-wide delegation impersonating an admin."
            )
        }
        let scopes = Set((claims.scope ?? "").split(separator: " ").map(String.init))
        guard scopes.isSuperset(of: requiredScopes) else {
            throw Refusal(
                status: 401,
                error: "unauthorized_client",
                description:
                    "Client is unauthorized to retrieve access tokens using this method, or client not authorized for any of the scopes requested."
            )
        }
        return sub
    }
}
