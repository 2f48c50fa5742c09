internal import Foundation
internal import JWTKit
internal import SCIM

/// Checks a client assertion (certificate credential) as the Microsoft identity platform does
/// (research/targets.md §F "Certificate"): a JWT signed RS256 or PS256, whose header names the
/// registered certificate by `x5t` (SHA-1) or `x5t#S256`, whose signature the certificate's key
/// verifies, with `aud` the token endpoint, `iss` = `sub` = the client id, `exp` and `nbf` around
/// now (five minutes of clock skew) and a `jti`. Refusals carry the AADSTS code Microsoft uses.
struct MSGraphAssertionVerifier: Sendable {
    struct Claims: JWTPayload {
        var iss: String?
        var sub: String?
        var aud: AudienceClaim?
        var exp: Int64?
        var nbf: Int64?
        var jti: String?
        // Each check below answers with its own AADSTS code, so jwt-kit checks only the signature.
        func verify(using algorithm: some JWTAlgorithm) async throws {}
    }

    static let skew: Int64 = 300

    let certificate: MSGraphCertificate
    let key: Insecure.RSA.PublicKey

    /// - Throws: when neither the public key nor the certificate holds an RSA key.
    init(certificate: MSGraphCertificate, publicKeyPEM: String?, certificatePEM: String) throws {
        self.certificate = certificate
        if let publicKeyPEM {
            key = try Insecure.RSA.PublicKey(pem: publicKeyPEM)
        } else {
            key = try Insecure.RSA.PublicKey(certificatePEM: certificatePEM)
        }
    }

    /// The `jti` and `exp` of a valid assertion (the caller refuses a `jti` seen before).
    func verify(_ assertion: String, clientID: String, audiences: Set<String>, now: Date = Date())
        async throws(MSIdentityError) -> (jti: String, exp: Int64)
    {
        let parts = assertion.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let header = Self.decodeJSON(parts[0]) else {
            throw .malformedAssertion("The client assertion is not a JWS in compact form.")
        }
        let alg = header["alg"]?.stringValue ?? ""
        guard alg == "RS256" || alg == "PS256" else {
            throw .malformedAssertion("The client assertion's 'alg' must be RS256 or PS256, not '\(alg)'.")
        }
        if let x5t = header["x5t#S256"]?.stringValue {
            guard x5t == certificate.sha256Thumbprint else { throw .unknownCertificate(x5t, clientID: clientID) }
        } else if let x5t = header["x5t"]?.stringValue {
            guard x5t == certificate.sha1Thumbprint else { throw .unknownCertificate(x5t, clientID: clientID) }
        } else {
            throw .malformedAssertion("The client assertion's header names no certificate ('x5t' or 'x5t#S256').")
        }
        let keys = JWTKeyCollection()
        if alg == "PS256" {
            await keys.add(pss: key, digestAlgorithm: .sha256)
        } else {
            await keys.add(rsa: key, digestAlgorithm: .sha256)
        }
        let claims: Claims
        do {
            claims = try await keys.verify(assertion, as: Claims.self)
        } catch {
            throw .invalidSignature
        }
        guard let aud = claims.aud?.value, aud.contains(where: audiences.contains) else { throw .invalidAudience }
        guard claims.iss == clientID, claims.sub == clientID else {
            throw MSIdentityError(
                401,
                "invalid_client",
                700021,
                "Client assertion application identifier doesn't match 'client_id' parameter: 'iss' and 'sub' must both be the client id."
            )
        }
        let t = Int64(now.timeIntervalSince1970)
        guard let exp = claims.exp, exp + Self.skew > t else {
            throw .outsideValidity(
                "Current time: \(t), expiry time of assertion: \(claims.exp.map(String.init) ?? "none")."
            )
        }
        if let nbf = claims.nbf, nbf - Self.skew > t {
            throw .outsideValidity("Current time: \(t), assertion valid from \(nbf).")
        }
        guard let jti = claims.jti, !jti.isEmpty else {
            throw .malformedAssertion("The client assertion has no 'jti'.")
        }
        return (jti, exp)
    }

    static func decodeJSON(_ part: Substring) -> JSONValue? {
        var base64 = part.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        guard let data = Data(base64Encoded: base64) else { return nil }
        return try? JSONParser.parse(Array(data))
    }
}
