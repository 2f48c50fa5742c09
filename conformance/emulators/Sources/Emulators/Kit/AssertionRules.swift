/// What a vendor's token endpoint requires of a JWT assertion (RFC 7523 §3) beyond a signature by
/// the registered RSA key, and how it words a refusal. `AssertionVerifier` applies them.
protocol AssertionRules: Sendable {
    /// The claims the rules read; a claim of another type makes the assertion unreadable.
    associatedtype Claims: AssertionClaims
    associatedtype Refusal: Error
    /// What a valid assertion yields (the subject, say).
    associatedtype Accepted

    /// Checks the assertion before its signature (its JOSE header, say) and picks the signature's
    /// padding. PKCS #1 v1.5 (RS256) unless a vendor says otherwise.
    func padding(of assertion: String) throws(Refusal) -> AssertionVerifier.Padding
    /// The refusal of an assertion whose signature does not verify or whose claims cannot be read.
    var invalidSignature: Refusal { get }
    /// The vendor's checks of the claims, in the order it reports them; `now` in seconds since 1970.
    func judge(_ claims: Claims, now: Int64) throws(Refusal) -> Accepted
}

extension AssertionRules {
    func padding(of assertion: String) throws(Refusal) -> AssertionVerifier.Padding { .pkcs1 }
}
