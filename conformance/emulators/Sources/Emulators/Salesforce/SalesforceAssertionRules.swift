internal import JWTKit

/// Salesforce's token endpoint's rules for a connected app's assertion ("OAuth 2.0 JWT Bearer Flow
/// for Server-to-Server Integration", research/targets.md §D): `iss` a known consumer key, `aud` the
/// login URL, `exp` in the future but at most a few minutes away, and `sub` a pre-authorised user,
/// which a valid assertion yields.
struct SalesforceAssertionRules: AssertionRules {
    struct Claims: AssertionClaims {
        var iss: String?
        var sub: String?
        var aud: AudienceClaim?
        var exp: Int64?
    }

    /// How far in the future `exp` may be: Salesforce's three minutes plus clock skew.
    static let maximumLifetime: Int64 = 300

    let clientIDs: Set<String>
    let audience: String
    /// Whether that user may use the app.
    let isAuthorized: @Sendable (String) -> Bool

    var invalidSignature: OAuthError { OAuthError(error: "invalid_grant", description: "invalid assertion") }

    func judge(_ claims: Claims, now t: Int64) throws(OAuthError) -> String {
        guard let iss = claims.iss, clientIDs.contains(iss) else {
            throw OAuthError(error: "invalid_client_id", description: "client identifier invalid")
        }
        guard claims.aud?.value.contains(audience) == true else {
            throw OAuthError(error: "invalid_grant", description: "audience is invalid")
        }
        guard let exp = claims.exp, exp > t, exp - t <= Self.maximumLifetime else {
            throw OAuthError(error: "invalid_grant", description: "expired authorization code")
        }
        guard let sub = claims.sub, isAuthorized(sub) else {
            throw OAuthError(error: "invalid_grant", description: "user hasn't approved this consumer")
        }
        return sub
    }
}
