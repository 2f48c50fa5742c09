internal import Foundation
internal import JWTKit
internal import SCIM

/// The Microsoft identity platform's rules for a client assertion (certificate credential,
/// research/targets.md §F "Certificate"): signed RS256 or PS256, its header naming the registered
/// certificate by `x5t` (SHA-1) or `x5t#S256`, `aud` the token endpoint, `iss` = `sub` = the client
/// id, `exp` and `nbf` around now (five minutes of clock skew) and a `jti`, which a valid assertion
/// yields with its `exp` (the caller refuses a `jti` seen before). Refusals carry Microsoft's AADSTS code.
struct MSGraphAssertionRules: AssertionRules {
    struct Claims: AssertionClaims {
        var iss: String?
        var sub: String?
        var aud: AudienceClaim?
        var exp: Int64?
        var nbf: Int64?
        var jti: String?
    }

    static let skew: Int64 = 300

    let certificate: MSGraphCertificate
    let clientID: String
    let audiences: Set<String>

    var invalidSignature: MSIdentityError { .invalidSignature }

    func padding(of assertion: String) throws(MSIdentityError) -> AssertionVerifier.Padding {
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
        return alg == "PS256" ? .pss : .pkcs1
    }

    func judge(_ claims: Claims, now t: Int64) throws(MSIdentityError) -> (jti: String, exp: Int64) {
        guard let aud = claims.aud?.value, aud.contains(where: audiences.contains) else { throw .invalidAudience }
        guard claims.iss == clientID, claims.sub == clientID else {
            throw MSIdentityError(
                401,
                "invalid_client",
                700021,
                "Client assertion application identifier doesn't match 'client_id' parameter: 'iss' and 'sub' must both be the client id."
            )
        }
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

    /// A base64url JOSE segment as JSON, or nil.
    static func decodeJSON(_ part: Substring) -> JSONValue? {
        var base64 = part.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        guard let data = Data(base64Encoded: base64) else { return nil }
        return try? JSONParser.parse(Array(data))
    }
}
