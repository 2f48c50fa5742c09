internal import Foundation
internal import JWTKit

/// Checks a connected app's JWT assertion (RFC 7523 §3) the way Salesforce's token endpoint does
/// ("OAuth 2.0 JWT Bearer Flow for Server-to-Server Integration", research/targets.md §D): an RS256
/// signature by the certificate's key, `iss` a known consumer key, `aud` the login URL, `exp` in the
/// future but at most a few minutes away, and `sub` a pre-authorised user.
struct SalesforceAssertionVerifier: Sendable {
    struct Claims: JWTPayload {
        var iss: String?
        var sub: String?
        var aud: AudienceClaim?
        var exp: Int64?
        // Each check answers with its own error, so jwt-kit checks only the signature.
        func verify(using algorithm: some JWTAlgorithm) async throws {}
    }

    /// Why an assertion was refused: the OAuth error and its description (RFC 6749 §5.2).
    struct Refusal: Error {
        var status = 400
        var error: String
        var description: String
    }

    /// How far in the future `exp` may be: Salesforce's three minutes plus clock skew.
    static let maximumLifetime: Int64 = 300

    private let key: Insecure.RSA.PublicKey

    init(publicKeyPEM: String) throws {
        key = try Insecure.RSA.PublicKey(pem: publicKeyPEM)
    }

    /// The `sub` of a valid assertion; `isAuthorized` tells whether that user may use the app.
    func verify(
        _ assertion: String,
        clientIDs: Set<String>,
        audience: String,
        isAuthorized: (String) -> Bool,
        now: Date = Date()
    ) async throws(Refusal) -> String {
        let keys = JWTKeyCollection()
        await keys.add(rsa: key, digestAlgorithm: .sha256)
        let claims: Claims
        do {
            claims = try await keys.verify(assertion, as: Claims.self)
        } catch {
            throw Refusal(error: "invalid_grant", description: "invalid assertion")
        }
        guard let iss = claims.iss, clientIDs.contains(iss) else {
            throw Refusal(error: "invalid_client_id", description: "client identifier invalid")
        }
        guard claims.aud?.value.contains(audience) == true else {
            throw Refusal(error: "invalid_grant", description: "audience is invalid")
        }
        let t = Int64(now.timeIntervalSince1970)
        guard let exp = claims.exp, exp > t, exp - t <= Self.maximumLifetime else {
            throw Refusal(error: "invalid_grant", description: "expired authorization code")
        }
        guard let sub = claims.sub, isAuthorized(sub) else {
            throw Refusal(error: "invalid_grant", description: "user hasn't approved this consumer")
        }
        return sub
    }
}
