internal import Foundation
internal import Hummingbird
internal import SCIM

/// `POST /services/oauth2/token`: the JWT bearer grant, answering `{"access_token", "instance_url",
/// "id", "token_type", "scope", "issued_at", "signature"}` with no refresh token and no `expires_in`
/// (research/targets.md §D) for an assertion `SalesforceAssertionRules` accepts.
struct SalesforceTokenEndpoint: Sendable {
    let emulator: SalesforceEmulator

    func register(on router: Router<EmulatorRequestContext>) {
        let emulator = emulator
        JWTBearerTokenEndpoint(
            path: "services/oauth2/token",
            grant: JWTBearerGrant(
                unsupportedGrant: { _ in "grant type not supported" },
                missingAssertion: "assertion is required"
            ),
            respond: SalesforceAPI.json,
            exchange: { (assertion) throws(OAuthError) in
                let configuration = emulator.configuration
                let subject = try await emulator.verifier.verify(
                    assertion,
                    by: SalesforceAssertionRules(
                        clientIDs: configuration.clientIDs,
                        audience: configuration.audience,
                        isAuthorized: { emulator.isAuthorizedSubject($0) }
                    )
                )
                let token = emulator.issueToken(subject: subject)
                let base = emulator.baseURL
                return [
                    "access_token": .string(token), "instance_url": .string(base),
                    "id": .string("\(base)/id/00D000000000EMUAAA/\(subject)"), "token_type": "Bearer",
                    "scope": "api", "issued_at": .string(String(Int64(Date().timeIntervalSince1970 * 1000))),
                    "signature": "emulated",
                ]
            },
            refused: emulator.assertionRefused
        )
        .register(on: router)
    }
}
