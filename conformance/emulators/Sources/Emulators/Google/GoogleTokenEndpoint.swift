internal import Hummingbird
internal import SCIM

/// `POST /token`: Google's OAuth 2.0 token endpoint for the JWT bearer grant, answering
/// `{"access_token", "expires_in", "token_type"}` for an assertion `GoogleAssertionRules` accepts.
struct GoogleTokenEndpoint: Sendable {
    let emulator: GoogleEmulator

    func register(on router: Router<EmulatorRequestContext>) {
        let emulator = emulator
        JWTBearerTokenEndpoint(
            path: "token",
            grant: JWTBearerGrant(
                unsupportedGrant: { "Invalid grant_type: \($0 ?? "")" },
                missingAssertion: "Missing required parameter: assertion"
            ),
            respond: GoogleRoutes.json,
            exchange: { (assertion) throws(OAuthError) in
                let subject = try await emulator.verifier.verify(
                    assertion,
                    by: GoogleAssertionRules(
                        audience: emulator.tokenURL,
                        requiredScopes: emulator.configuration.requiredScopes
                    )
                )
                let (token, lifetime) = emulator.issueToken(subject: subject)
                return [
                    "access_token": .string(token), "expires_in": .integer(lifetime.components.seconds),
                    "token_type": "Bearer",
                ]
            },
            refused: emulator.assertionRefused
        )
        .register(on: router)
    }
}
