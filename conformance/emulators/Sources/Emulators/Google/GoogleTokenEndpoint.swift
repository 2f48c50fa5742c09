internal import Foundation
internal import Hummingbird
internal import NIOCore
internal import SCIM

/// `POST /token`: Google's OAuth 2.0 token endpoint for the JWT bearer grant (RFC 7523 §2.1):
/// form-encoded `grant_type` and `assertion` in, `{"access_token", "expires_in", "token_type"}` out,
/// `{"error", "error_description"}` (RFC 6749 §5.2) for a refused assertion.
struct GoogleTokenEndpoint: Sendable {
    let emulator: GoogleEmulator

    func register(on router: Router<EmulatorRequestContext>) {
        router.post("token") { request, _ in
            let buffer = try await request.body.collect(upTo: 1 << 20)
            let form = QueryParameters(String(buffer: buffer))
            guard form["grant_type"] == "urn:ietf:params:oauth:grant-type:jwt-bearer" else {
                emulator.assertionRefused()
                return Self.oauthError(400, "unsupported_grant_type", "Invalid grant_type: \(form["grant_type"] ?? "")")
            }
            guard let assertion = form["assertion"], !assertion.isEmpty else {
                emulator.assertionRefused()
                return Self.oauthError(400, "invalid_request", "Missing required parameter: assertion")
            }
            do {
                let subject = try await emulator.verifier.verify(
                    assertion,
                    audience: emulator.tokenURL,
                    requiredScopes: emulator.configuration.requiredScopes
                )
                let (token, lifetime) = emulator.issueToken(subject: subject)
                return GoogleRoutes.json(
                    200,
                    [
                        "access_token": .string(token), "expires_in": .integer(lifetime.components.seconds),
                        "token_type": "Bearer",
                    ]
                )
            } catch let refusal as AssertionVerifier.Refusal {
                emulator.assertionRefused()
                return Self.oauthError(refusal.status, refusal.error, refusal.description)
            }
        }
    }

    static func oauthError(_ status: Int, _ error: String, _ description: String) -> Response {
        GoogleRoutes.json(status, ["error": .string(error), "error_description": .string(description)])
    }
}
