internal import JWTKit

/// Google's token endpoint's rules for a service account's assertion: `aud` the token endpoint,
/// `iat`/`exp` a window of at most an hour that includes now, an issuer, a `sub` to impersonate
/// (domain-wide delegation), and every required scope. A valid assertion yields the `sub`.
struct GoogleAssertionRules: AssertionRules {
    struct Claims: AssertionClaims {
        var iss: String?
        var sub: String?
        var aud: String?
        var scope: String?
        var iat: Int64?
        var exp: Int64?
    }

    let audience: String
    let requiredScopes: Set<String>

    var invalidSignature: OAuthError { OAuthError(error: "invalid_grant", description: "Invalid JWT Signature.") }

    func judge(_ claims: Claims, now t: Int64) throws(OAuthError) -> String {
        guard claims.aud == audience else {
            throw OAuthError(error: "invalid_grant", description: "Invalid JWT: the audience must be \(audience).")
        }
        guard let iat = claims.iat, let exp = claims.exp, exp > t, iat <= t + 300, exp - iat <= 3600 else {
            throw OAuthError(
                error: "invalid_grant",
                description:
                    "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim."
            )
        }
        guard claims.iss?.isEmpty == false else {
            throw OAuthError(
                error: "invalid_grant",
                description: "Invalid JWT: no issuer (the service account's email)."
            )
        }
        guard let sub = claims.sub, !sub.isEmpty else {
            throw OAuthError(
                error: "invalid_grant",
                description:
                    "Invalid JWT: no 'sub'. The Directory API needs domain-wide delegation impersonating an admin."
            )
        }
        let scopes = Set((claims.scope ?? "").split(separator: " ").map(String.init))
        guard scopes.isSuperset(of: requiredScopes) else {
            throw OAuthError(
                status: 401,
                error: "unauthorized_client",
                description:
                    "Client is unauthorized to retrieve access tokens using this method, or client not authorized for any of the scopes requested."
            )
        }
        return sub
    }
}
