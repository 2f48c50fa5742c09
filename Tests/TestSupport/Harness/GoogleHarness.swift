package import BridgeConfig
import BridgeRuntime
package import Emulators
package import Membership
import SCIM

/// Target `google` on the Google emulator (domain `example.com`), which holds a same-named group
/// "Engineering" with a member the bridge does not know (`foreign@example.com`) and the admin the
/// service account impersonates.
package enum GoogleHarness {
    package static let target = "google"

    /// Runs `body` on the seeded emulator; see `withSyncHarness`. A group just created is believed
    /// missing after 5 s instead of Google's 30.
    package static func with(
        policy: CollisionPolicy,
        removal: UserRemoval = .disable,
        faults: FaultPlan = .none,
        tokenLifetime: Duration = .seconds(3600),
        propagationDelay: Duration = .zero,
        _ body: @Sendable (SyncHarness<GoogleEmulator>, SCIMClient) async throws -> Void
    ) async throws {
        let emulator = try GoogleEmulator(
            configuration: .init(
                publicKeyPEM: GoogleTestKeys.publicKeyPEM,
                tokenLifetime: tokenLifetime,
                groupPropagationDelay: propagationDelay,
                faults: faults
            )
        )
        try emulator.seed(
            users: [["primaryEmail": "foreign@example.com"], ["primaryEmail": "admin@example.com"]],
            groups: [["email": "engineering@example.com", "name": "Engineering", "members": ["foreign@example.com"]]]
        )
        var options = SyncOptions(target: target)
        options.policy = policy
        options.removal = removal
        options.tuning.googleCreationGrace = .seconds(5)
        try await withSyncHarness(emulator, options, body)
    }
}
