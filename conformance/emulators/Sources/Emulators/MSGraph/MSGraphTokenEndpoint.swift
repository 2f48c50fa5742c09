internal import Foundation
internal import Hummingbird
internal import NIOCore
internal import SCIM

/// `POST /{tenant}/oauth2/v2.0/token`: the Microsoft identity platform's client-credentials grant
/// (research/targets.md §F "Base and auth"). Form-encoded `grant_type=client_credentials`,
/// `client_id`, `scope=https://graph.microsoft.com/.default`, and either `client_secret` or a
/// certificate assertion (`client_assertion_type` jwt-bearer + `client_assertion`). Answers
/// `{token_type, expires_in, ext_expires_in, access_token}` or the platform's error JSON with its
/// AADSTS code. Neither faults nor throttling apply here.
struct MSGraphTokenEndpoint: Sendable {
    let emulator: MSGraphEmulator

    static let graphScope = "https://graph.microsoft.com/.default"
    static let assertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"

    func register(on router: Router<EmulatorRequestContext>) {
        router.post(":tenant/oauth2/v2.0/token") { request, context in
            let tenant = try context.parameters.require("tenant")
            let form = try await TokenRequestForm.read(request)
            do throws(MSIdentityError) {
                return Self.json(200, try await exchange(tenant: tenant, form: form))
            } catch {
                emulator.tokenRefused(error)
                let timestamp = Date().ISO8601Format()
                let trace = UUID().uuidString.lowercased()
                return Self.json(
                    error.status,
                    error.body(traceID: trace, correlationID: UUID().uuidString.lowercased(), timestamp: timestamp)
                )
            }
        }
    }

    /// The checks in the order the platform reports them: tenant, grant, client, scope, credential.
    private func exchange(tenant: String, form: QueryParameters) async throws(MSIdentityError) -> JSONValue {
        let configuration = emulator.configuration
        guard tenant.lowercased() == configuration.tenantID.lowercased() else { throw .unknownTenant(tenant) }
        guard let grant = form["grant_type"], !grant.isEmpty else { throw .missingParameter("grant_type") }
        guard grant == "client_credentials" else { throw .unsupportedGrantType(grant) }
        guard let clientID = form["client_id"], !clientID.isEmpty else { throw .missingParameter("client_id") }
        guard clientID.lowercased() == configuration.clientID.lowercased() else {
            throw .unknownApplication(clientID, tenant: tenant)
        }
        guard let scope = form["scope"], !scope.isEmpty else { throw .missingParameter("scope") }
        guard scope.lowercased() == Self.graphScope else { throw .invalidScope(scope) }
        if let secret = form["client_secret"] {
            guard let expected = configuration.clientSecret, secret == expected else {
                throw .invalidSecret(configuration.clientID)
            }
        } else if let assertion = form["client_assertion"] {
            guard form["client_assertion_type"] == Self.assertionType else { throw .invalidAssertionType }
            guard let registered = emulator.registeredCertificate else {
                throw .unknownCertificate("(none registered)", clientID: configuration.clientID)
            }
            let (jti, _) = try await registered.verifier.verify(
                assertion,
                by: MSGraphAssertionRules(
                    certificate: registered.certificate,
                    clientID: configuration.clientID,
                    audiences: emulator.acceptedAudiences
                )
            )
            guard emulator.spend(jti: jti) else {
                throw .malformedAssertion(
                    "The client assertion's 'jti' was used before: an assertion is good for one request."
                )
            }
        } else {
            throw .missingCredential
        }
        let (token, lifetime) = try await issue()
        let seconds = JSONValue.integer(lifetime.components.seconds)
        return [
            "token_type": "Bearer", "expires_in": seconds, "ext_expires_in": seconds, "access_token": .string(token),
        ]
    }

    private func issue() async throws(MSIdentityError) -> (String, Duration) {
        let (roles, lifetime) = emulator.tokenGrant()
        do {
            let token = try await MSGraphAccessToken.issue(
                tenantID: emulator.configuration.tenantID,
                clientID: emulator.configuration.clientID,
                roles: roles,
                lifetime: lifetime,
                signingKey: emulator.signingKey
            )
            emulator.tokenIssued(token, roles: roles, lifetime: lifetime)
            return (token, lifetime)
        } catch {
            throw MSIdentityError(500, "temporarily_unavailable", 50000, "The token could not be signed: \(error).")
        }
    }

    static func json(_ status: Int, _ value: JSONValue) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        headers[.cacheControl] = "no-store, no-cache"
        return Response(
            status: HTTPResponse.Status(code: status),
            headers: headers,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: value.serializedBytes()))
        )
    }
}
