package import BridgeConfig
import BridgeRuntime
package import Connectors
package import Emulators
package import Foundation
package import Membership
import SCIM

/// Target `entra` on the Microsoft Graph emulator (tenant domain `example.com`), which checks every
/// request against Graph's OpenAPI extract. With `collidingGroup`, it holds a same-named group
/// "Engineering" with a member the bridge does not know (`foreign@example.com`).
package enum MSGraphHarness {
    package static let target = "entra"

    /// The repository's copy of Microsoft's OpenAPI extract for a provisioning connector.
    package static func contract() throws -> OpenAPIContract {
        let root = URL(fileURLWithPath: #filePath)  // Tests/TestSupport/Harness/<file>
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return try OpenAPIContract(
            contentsOfFile: root.appendingPathComponent("conformance/specs/msgraph-v1.0-provisioning.openapi.yaml").path
        )
    }

    /// Runs `body` on the emulator; see `withSyncHarness`. `certificate` signs in with the test
    /// certificate instead of the client secret; `configure` adjusts the emulator (limits, roles);
    /// `options` the target.
    package static func with(
        policy: CollisionPolicy = .fail,
        removal: UserRemoval = .disable,
        faults: FaultPlan = .none,
        collidingGroup: Bool = false,
        certificate: Bool = false,
        configure: (inout MSGraphEmulator.Configuration) -> Void = { _ in },
        options adjust: (inout SyncOptions) -> Void = { _ in },
        _ body: @Sendable (SyncHarness<MSGraphEmulator>, SCIMClient) async throws -> Void
    ) async throws {
        var configuration = MSGraphEmulator.Configuration(
            clientSecret: MSGraphEmulator.testSecret,
            certificatePEM: MSGraphTestKeys.certificatePEM,
            publicKeyPEM: MSGraphTestKeys.publicKeyPEM,
            verifiedDomains: ["example.com"],
            faults: faults,
            contract: try contract()
        )
        configure(&configuration)
        let emulator = try MSGraphEmulator(configuration: configuration)
        if collidingGroup {
            try emulator.seed(
                users: [["userPrincipalName": "foreign@example.com"]],
                groups: [["displayName": "Engineering", "members": ["foreign@example.com"]]]
            )
        }
        var options = SyncOptions(target: target)
        options.policy = policy
        options.removal = removal
        if certificate {
            let clientID = configuration.clientID
            options.settings = { settings in
                guard case .oauthClientCredentials(_, _, let tokenURL, let scopes) = settings.auth else { return }
                settings.auth = .oauthClientCertificate(
                    clientId: Secret(.inline(clientID)),
                    certificate: Secret(.inline(MSGraphTestKeys.certificatePEM)),
                    privateKey: Secret(.inline(MSGraphTestKeys.privateKeyPEM)),
                    tokenURL: tokenURL,
                    scopes: scopes
                )
            }
        }
        adjust(&options)
        try await withSyncHarness(emulator, options, body)
    }
}

extension MSGraphEmulator: HarnessEmulator {
    package typealias Connector = MSGraphConnector

    /// The secret the harness's app registration signs in with.
    package static let testSecret = "graph-test-secret"

    /// The app registration's client secret, at the emulator's token endpoint.
    package func targetSettings(name: String, url: URL) -> TargetSettings {
        TargetSettings(
            name: name,
            kind: .msgraph,
            baseURL: graphURL,
            auth: .oauthClientCredentials(
                clientId: Secret(.inline(configuration.clientID)),
                clientSecret: Secret(.inline(Self.testSecret)),
                tokenURL: tokenURL,
                scopes: TargetAuth.msgraphDefaultScopes
            ),
            msgraph: MSGraphSettings(domain: "example.com")
        )
    }

    package func memberNames(of group: String) -> Set<String> { state().memberPrincipalNames(ofGroupNamed: group) }
}
