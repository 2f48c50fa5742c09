/// The request of the JWT bearer grant (RFC 7523 §2.1): `grant_type` must name it and `assertion`
/// must be there, or the token endpoint refuses with 400 in the vendor's words.
struct JWTBearerGrant: Sendable {
    static let grantType = "urn:ietf:params:oauth:grant-type:jwt-bearer"

    /// The description of a refused `grant_type` (which may be missing).
    let unsupportedGrant: @Sendable (String?) -> String
    /// The description of a missing or empty `assertion`.
    let missingAssertion: String

    /// The assertion of a token request's form.
    func assertion(in form: QueryParameters) throws(OAuthError) -> String {
        guard form["grant_type"] == Self.grantType else {
            throw OAuthError(error: "unsupported_grant_type", description: unsupportedGrant(form["grant_type"]))
        }
        guard let assertion = form["assertion"], !assertion.isEmpty else {
            throw OAuthError(error: "invalid_request", description: missingAssertion)
        }
        return assertion
    }
}
