import Emulators
import Foundation
import NIOHTTP1
import SCIM
import TestSupport
import Testing

@Suite("Microsoft Graph emulator: the token endpoint")
struct MSGraphTokenTests {
    @Test func theSecretBuysATokenWhoseRolesTheClientCanRead() async throws {
        try await withMSGraph { client, emulator in
            let refused = try await client.send(.GET, "/users")
            #expect(refused.status == 401)
            #expect(refused.code == "InvalidAuthenticationToken")
            #expect(refused.body?["error"]?["innerError"]?["request-id"]?.stringValue != nil)
            let reply = try await client.token(["client_secret": MSGraphClient.secret])
            #expect(reply.status == 200)
            #expect(reply.body?["token_type"] == "Bearer")
            #expect(reply.body?["expires_in"] == 3599)
            #expect(reply.body?["ext_expires_in"] == 3599)
            let token = try #require(reply.body?["access_token"]?.stringValue)
            let payload = try #require(Self.payload(token))
            #expect(payload["aud"] == "https://graph.microsoft.com")
            #expect(payload["tid"]?.stringValue == client.tenantID)
            #expect(payload["appid"]?.stringValue == client.clientID)
            let roles = Set((payload["roles"]?.arrayValue ?? []).compactMap(\.stringValue))
            #expect(roles == MSGraphEmulator.requiredRoles)
            var c = client
            c.token = token
            #expect(try await c.send(.GET, "/users").status == 200)
            #expect(emulator.state().tokensIssued == 1)
        }
    }

    @Test func aWrongSecretIsAADSTS7000215AndNoSecretConfiguredRefusesAll() async throws {
        try await withMSGraph { client, emulator in
            let reply = try await client.token(["client_secret": "not-it"])
            #expect(reply.status == 401)
            #expect(reply.body?["error"] == "invalid_client")
            #expect(reply.aadsts == 7_000_215)
            #expect(reply.body?["error_description"]?.stringValue?.hasPrefix("AADSTS7000215: ") == true)
            for key in ["timestamp", "trace_id", "correlation_id"] { #expect(reply.body?[key]?.stringValue != nil) }
            #expect(emulator.state().secretsRefused == 1)
        }
        try await withMSGraph({ $0.clientSecret = nil }) { client, _ in
            let reply = try await client.token(["client_secret": MSGraphClient.secret])
            #expect(reply.aadsts == 7_000_215)
        }
    }

    @Test func aCertificateAssertionIsAcceptedWithEitherThumbprintAndAlgorithm() async throws {
        try await withMSGraph { client, emulator in
            let forms = [
                try await client.assertion(),
                try await client.assertion(sha256Thumbprint: false),
                try await client.assertion(pss: true),
                try await client.assertion(audience: emulator.tokenURL),
            ]
            for assertion in forms {
                let reply = try await client.token([
                    "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                    "client_assertion": assertion,
                ])
                #expect(reply.status == 200, "\(reply.body?.serialized() ?? "")")
            }
            #expect(emulator.state().tokensIssued == 4)
        }
    }

    @Test func withoutAPublicKeyTheCertificatesOwnKeyVerifies() async throws {
        try await withMSGraph({ $0.publicKeyPEM = nil }) { client, _ in
            let good = try await client.token([
                "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                "client_assertion": try await client.assertion(),
            ])
            #expect(good.status == 200)
            let forged = try await client.token([
                "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                "client_assertion": try await client.assertion(key: MSGraphTestKeys.otherPrivateKeyPEM),
            ])
            #expect(forged.aadsts == 700027)
        }
    }

    @Test func badAssertionsAreRefusedWithTheirAADSTSCodes() async throws {
        try await withMSGraph { client, emulator in
            func exchange(_ assertion: String) async throws -> MSGraphClient.Reply {
                try await client.token([
                    "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                    "client_assertion": assertion,
                ])
            }
            // Another certificate's thumbprint: not registered.
            let wrongThumbprint = try await exchange(
                try await client.assertion(
                    key: MSGraphTestKeys.otherPrivateKeyPEM,
                    certificate: MSGraphTestKeys.otherCertificatePEM
                )
            )
            #expect(wrongThumbprint.status == 401)
            #expect(wrongThumbprint.aadsts == 700027)
            #expect(wrongThumbprint.body?["error_description"]?.stringValue?.contains("not registered") == true)
            // The registered thumbprint, but signed by another key.
            let wrongKey = try await exchange(try await client.assertion(key: MSGraphTestKeys.otherPrivateKeyPEM))
            #expect(wrongKey.aadsts == 700027)
            #expect(wrongKey.body?["error_description"]?.stringValue?.contains("signature validation") == true)
            let wrongAudience = try await exchange(try await client.assertion(audience: "https://example.com/token"))
            #expect(wrongAudience.aadsts == 50012)
            let expired = try await exchange(try await client.assertion(lifetime: -900))
            #expect(expired.aadsts == 700024)
            let replayed = try await client.assertion(jti: "the-same-jti")
            #expect(try await exchange(replayed).status == 200)
            #expect(try await exchange(replayed).status == 401)
            #expect(emulator.state().assertionsRefused == 5)
        }
    }

    @Test func scopeTenantClientAndGrantAreChecked() async throws {
        try await withMSGraph { client, _ in
            let scope = try await client.token([
                "client_secret": MSGraphClient.secret, "scope": "https://graph.microsoft.com/User.ReadWrite.All",
            ])
            #expect(scope.status == 400)
            #expect(scope.body?["error"] == "invalid_scope")
            #expect(scope.aadsts == 1_002_012)
            let tenant = try await client.token(["client_secret": MSGraphClient.secret], tenant: "someone-else")
            #expect(tenant.aadsts == 90002)
            let app = try await client.token(["client_secret": MSGraphClient.secret, "client_id": "0000-unknown"])
            #expect(app.aadsts == 700016)
            let grant = try await client.token(["client_secret": MSGraphClient.secret, "grant_type": "password"])
            #expect(grant.body?["error"] == "unsupported_grant_type")
            let none = try await client.token([:])
            #expect(none.aadsts == 7_000_218)
        }
    }

    @Test func anExpiredTokenIs401AndAMissingRoleIs403() async throws {
        // Three seconds: a loaded machine may take more than one between the token and its first use.
        try await withMSGraph({ $0.tokenLifetime = .seconds(3) }) { client, emulator in
            let c = try await client.authorized()
            #expect(try await c.send(.GET, "/users").status == 200)
            try await Task.sleep(for: .milliseconds(3300))
            let expired = try await c.send(.GET, "/users")
            #expect(expired.status == 401)
            #expect(expired.code == "InvalidAuthenticationToken")
            #expect(expired.message == "Lifetime validation failed, the token is expired.")
            #expect(emulator.state().unauthorized == 1)
        }
        try await withMSGraph({ $0.roles = ["User.Read.All"] }) { client, emulator in
            let c = try await client.authorized()
            #expect(try await c.send(.GET, "/users").status == 200)
            let denied = try await c.send(.POST, "/users", MSGraphBodies.user("ann"))
            #expect(denied.status == 403)
            #expect(denied.code == "Authorization_RequestDenied")
            #expect(denied.message == "Insufficient privileges to complete the operation.")
            #expect(try await c.send(.GET, "/groups").status == 403)
            #expect(emulator.state().forbidden == 2)
        }
    }

    @Test func expireAllTokensVoidsTokensAlreadyIssued() async throws {
        try await withMSGraph { client, emulator in
            let c = try await client.authorized()
            emulator.expireAllTokens()
            #expect(try await c.send(.GET, "/users").status == 401)
        }
    }

    /// The JSON payload of a JWT, unverified (as a client reads `roles`).
    static func payload(_ jwt: String) -> JSONValue? {
        let parts = jwt.split(separator: ".")
        guard parts.count == 3 else { return nil }
        var base64 = parts[1].replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        return Data(base64Encoded: base64).flatMap { try? JSONParser.parse(Array($0)) }
    }
}
