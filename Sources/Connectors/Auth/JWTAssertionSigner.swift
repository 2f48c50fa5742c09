package import Foundation
import JWTKit

/// Signs the JWT a client presents to an OAuth 2.0 token endpoint as an authorization grant
/// (RFC 7523 §2.1), with RS256 (RFC 7518 §3.3). Vendor-neutral: Google's service accounts and
/// Salesforce's connected apps both use it. The key never leaves this value and is never printed.
package struct JWTAssertionSigner: Sendable, CustomStringConvertible {
    private let keys: JWTKeyCollection
    private let keyID: String?
    private let thumbprints: CertificateThumbprints?

    private init(keys: JWTKeyCollection, keyID: String?, thumbprints: CertificateThumbprints?) {
        self.keys = keys
        self.keyID = keyID
        self.thumbprints = thumbprints
    }

    /// A signer for an RSA private key in PEM form (PKCS #1 or PKCS #8, at least 2048 bits); `keyID`
    /// goes into the header's `kid` (Google sends the key's `private_key_id`); `thumbprints` name the
    /// key's certificate in the header's `x5t` and `x5t#S256` (the Microsoft identity platform).
    package static func rs256(
        privateKeyPEM: String,
        keyID: String? = nil,
        thumbprints: CertificateThumbprints? = nil
    ) async throws(TargetError) -> JWTAssertionSigner {
        let key: JWTKit.Insecure.RSA.PrivateKey
        do {
            key = try JWTKit.Insecure.RSA.PrivateKey(pem: privateKeyPEM)
        } catch {
            throw .permanent(
                status: 401,
                detail: "The private key is not a PEM-encoded RSA private key of at least 2048 bits."
            )
        }
        let keys = JWTKeyCollection()
        await keys.add(rsa: key, digestAlgorithm: .sha256)
        return JWTAssertionSigner(keys: keys, keyID: keyID, thumbprints: thumbprints)
    }

    /// The compact JWS of the claims: `iss`, `sub` (when given), `aud`, `scope` (when given), `iat` and
    /// `exp` = `iat` + `lifetime`; with `uniqueID`, also `jti` and `nbf` = `iat` (a client assertion).
    package func sign(
        issuer: String,
        subject: String?,
        audience: String,
        scope: String?,
        issuedAt: Date,
        lifetime: Duration,
        uniqueID: String? = nil
    ) async throws(TargetError) -> String {
        let iat = Int64(issuedAt.timeIntervalSince1970.rounded(.down))
        let claims = Claims(
            iss: issuer,
            sub: subject,
            aud: audience,
            scope: scope,
            iat: iat,
            exp: iat + lifetime.components.seconds,
            nbf: uniqueID == nil ? nil : iat,
            jti: uniqueID
        )
        var header = JWTHeader()
        header.alg = "RS256"
        header.typ = "JWT"
        if let keyID { header.kid = keyID }
        if let thumbprints {
            header.x5t = thumbprints.sha1
            header.x5tS256 = thumbprints.sha256
        }
        do {
            return try await keys.sign(claims, header: header)
        } catch {
            throw .permanent(status: 401, detail: "Signing the JWT assertion failed.")
        }
    }

    package var description: String { "JWTAssertionSigner(RS256, key redacted)" }

    /// The claims of RFC 7523 §3 plus Google's `scope`.
    struct Claims: JWTPayload {
        var iss: String
        var sub: String?
        var aud: String
        var scope: String?
        var iat: Int64
        var exp: Int64
        var nbf: Int64?
        var jti: String?

        // The receiving authorization server verifies the claims, not the client.
        func verify(using algorithm: some JWTAlgorithm) async throws {}
    }
}
