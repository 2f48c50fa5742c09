package import BridgeConfig
package import Emulators
package import Membership
import SCIM
package import Server
import Testing

/// Target `acme` on the generic SCIM emulator, which holds a same-named group "Engineering" with a
/// member the bridge does not know (`foreign@example.com`).
package enum SCIMHarness {
    package static let target = "acme"

    static let foreign: JSONObject = [
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "foreign@example.com", "active": true,
    ]

    /// Runs `body` on the seeded emulator; see `withSyncHarness`.
    package static func with(
        policy: CollisionPolicy,
        faults: FaultPlan = .none,
        removal: UserRemoval = .disable,
        maxAttempts: Int = 50,
        admin: AdminConfiguration? = nil,
        _ body: @Sendable (SyncHarness<SCIMEmulator>, SCIMClient) async throws -> Void
    ) async throws {
        let emulator = SCIMEmulator()
        let seeded = try emulator.seed(users: [foreign])
        let foreignID = try #require(seeded.users.first?["id"]?.stringValue)
        _ = try emulator.seed(groups: [
            [
                "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": "Engineering",
                "members": [["value": .string(foreignID)]],
            ]
        ])
        emulator.setFaults(faults)
        var options = SyncOptions(target: target)
        options.policy = policy
        options.removal = removal
        options.maxAttempts = maxAttempts
        options.admin = admin
        try await withSyncHarness(emulator, options, body)
    }
}
