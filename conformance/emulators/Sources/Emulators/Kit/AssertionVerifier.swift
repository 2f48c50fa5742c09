internal import Foundation
internal import JWTKit

/// Checks a JWT assertion (RFC 7523 §3) as a vendor's token endpoint does: a signature by the
/// registered RSA key (SHA-256), then the vendor's `AssertionRules` on the claims.
struct AssertionVerifier: Sendable {
    /// How the RSA signature is padded: PKCS #1 v1.5 (RS256) or PSS (PS256).
    enum Padding: Sendable {
        case pkcs1
        case pss
    }

    private let key: Insecure.RSA.PublicKey

    /// - Throws: when `publicKeyPEM` is not an RSA public key.
    init(publicKeyPEM: String) throws {
        key = try Insecure.RSA.PublicKey(pem: publicKeyPEM)
    }

    /// - Throws: when the certificate holds no RSA key.
    init(certificatePEM: String) throws {
        key = try Insecure.RSA.PublicKey(certificatePEM: certificatePEM)
    }

    /// What the rules accept of `assertion`, or their refusal.
    func verify<Rules: AssertionRules>(_ assertion: String, by rules: Rules, now: Date = Date())
        async throws(Rules.Refusal) -> Rules.Accepted
    {
        let keys = JWTKeyCollection()
        switch try rules.padding(of: assertion) {
        case .pkcs1: await keys.add(rsa: key, digestAlgorithm: .sha256)
        case .pss: await keys.add(pss: key, digestAlgorithm: .sha256)
        }
        let claims: Rules.Claims
        do {
            claims = try await keys.verify(assertion, as: Rules.Claims.self)
        } catch {
            throw rules.invalidSignature
        }
        return try rules.judge(claims, now: Int64(now.timeIntervalSince1970))
    }
}
