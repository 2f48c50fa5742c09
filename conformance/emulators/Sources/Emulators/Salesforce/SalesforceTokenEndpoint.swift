internal import Foundation
internal import Hummingbird
internal import NIOCore
internal import SCIM

/// `POST /services/oauth2/token`: the JWT bearer grant (RFC 7523 §2.1). Form-encoded `grant_type`
/// and `assertion` in; `{"access_token", "instance_url", "id", "token_type", "scope", "issued_at",
/// "signature"}` out, with no refresh token and no `expires_in` (research/targets.md §D);
/// `{"error", "error_description"}` (RFC 6749 §5.2) for a refused assertion.
struct SalesforceTokenEndpoint: Sendable {
    let emulator: SalesforceEmulator

    func register(on router: Router<EmulatorRequestContext>) {
        router.post("services/oauth2/token") { request, _ in
            let buffer = try await request.body.collect(upTo: 1 << 20)
            let form = QueryParameters(String(buffer: buffer))
            guard form["grant_type"] == "urn:ietf:params:oauth:grant-type:jwt-bearer" else {
                emulator.assertionRefused()
                return Self.oauthError("unsupported_grant_type", "grant type not supported")
            }
            guard let assertion = form["assertion"], !assertion.isEmpty else {
                emulator.assertionRefused()
                return Self.oauthError("invalid_request", "assertion is required")
            }
            let configuration = emulator.configuration
            do throws(SalesforceAssertionVerifier.Refusal) {
                let subject = try await emulator.verifier.verify(
                    assertion,
                    clientIDs: configuration.clientIDs,
                    audience: configuration.audience,
                    isAuthorized: { emulator.isAuthorizedSubject($0) }
                )
                let token = emulator.issueToken(subject: subject)
                let base = emulator.baseURL
                return SalesforceAPI.json(
                    200,
                    [
                        "access_token": .string(token), "instance_url": .string(base),
                        "id": .string("\(base)/id/00D000000000EMUAAA/\(subject)"), "token_type": "Bearer",
                        "scope": "api",
                        "issued_at": .string(String(Int64(Date().timeIntervalSince1970 * 1000))),
                        "signature": "emulated",
                    ]
                )
            } catch {
                emulator.assertionRefused()
                return Self.oauthError(error.error, error.description, status: error.status)
            }
        }
    }

    static func oauthError(_ error: String, _ description: String, status: Int = 400) -> Response {
        SalesforceAPI.json(status, ["error": .string(error), "error_description": .string(description)])
    }
}
