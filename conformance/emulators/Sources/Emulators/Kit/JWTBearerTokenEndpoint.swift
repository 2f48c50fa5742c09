internal import Hummingbird
internal import SCIM

/// A token endpoint for the JWT bearer grant (RFC 7523 §2.1): a form-encoded grant in, the vendor's
/// token answer (200) out, or `{"error", "error_description"}` (RFC 6749 §5.2) for a refused one.
struct JWTBearerTokenEndpoint: Sendable {
    let path: RouterPath
    let grant: JWTBearerGrant
    /// Writes a JSON answer the vendor's way.
    let respond: @Sendable (Int, JSONValue) -> Response
    /// Verifies an assertion and issues a token: the answer's body.
    let exchange: @Sendable (String) async throws(OAuthError) -> JSONValue
    /// Counts a refused grant.
    let refused: @Sendable () -> Void

    func register(on router: Router<EmulatorRequestContext>) {
        let endpoint = self
        router.post(path) { request, _ in
            let form = try await TokenRequestForm.read(request)
            do throws(OAuthError) {
                return endpoint.respond(200, try await endpoint.exchange(try endpoint.grant.assertion(in: form)))
            } catch {
                endpoint.refused()
                return endpoint.respond(error.status, error.json)
            }
        }
    }
}
