internal import JWTKit

/// The claims of a JWT assertion that a vendor's `AssertionRules` reads. The rules judge each claim
/// and answer with the vendor's own error, so jwt-kit checks only the signature.
protocol AssertionClaims: JWTPayload {}

extension AssertionClaims {
    func verify(using algorithm: some JWTAlgorithm) async throws {}
}
