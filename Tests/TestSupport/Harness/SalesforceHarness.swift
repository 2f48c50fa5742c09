package import BridgeConfig
import BridgeRuntime
package import Emulators
package import Membership
import SCIM

/// Target `sfdc` on the Salesforce emulator, whose org holds a public group and a permission set
/// "Engineering" with a member the bridge does not know (`foreign@example.com`).
package enum SalesforceHarness {
    package static let target = "sfdc"

    /// The `salesforce:` keys of the tests that set none: new users get the standard profile.
    package static var standardSettings: SalesforceSettings {
        var s = SalesforceSettings()
        s.profileId = SalesforceEmulator.standardProfileID
        return s
    }

    /// Runs `body` on the seeded emulator; see `withSyncHarness`. The emulated request allocation is
    /// off unless `configure` sets one; a `REQUEST_LIMIT_EXCEEDED` pauses the connector 200 ms, not a minute.
    package static func with(
        policy: CollisionPolicy,
        settings: SalesforceSettings = standardSettings,
        maxAttempts: Int = 50,
        configure: (inout SalesforceEmulator.Configuration) -> Void = { _ in },
        _ body: @Sendable (SyncHarness<SalesforceEmulator>, SCIMClient) async throws -> Void
    ) async throws {
        var configuration = SalesforceEmulator.Configuration(publicKeyPEM: SalesforceTestKeys.publicKeyPEM)
        configure(&configuration)
        let emulator = try SalesforceEmulator(configuration: configuration)
        try emulator.seed(
            users: [["Username": "foreign@example.com"]],
            groups: [["Name": "Engineering", "members": ["foreign@example.com"]]],
            permissionSets: [["Label": "Engineering", "assignees": ["foreign@example.com"]]]
        )
        var options = SyncOptions(target: target)
        options.policy = policy
        options.salesforce = settings
        options.maxAttempts = maxAttempts
        options.tuning.salesforceRequestLimitPause = .milliseconds(200)
        try await withSyncHarness(emulator, options, body)
    }
}
