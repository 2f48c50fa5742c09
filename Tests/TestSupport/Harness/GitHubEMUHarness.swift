package import BridgeConfig
package import Emulators
package import Membership
package import SCIM
package import Server

/// Target `github` on the GitHub EMU emulator (enterprise `acme`), which enforces GitHub's OpenAPI contract.
package enum GitHubEMUHarness {
    package static let target = "github"

    /// Runs `body` on the emulator; see `withSyncHarness`. `emulatorLimit` is the emulator's budget
    /// (nil: unlimited), which the connector's token bucket must stay below; `collidingGroup` seeds a
    /// same-named group "Engineering" holding the foreign user "outsider".
    package static func with(
        policy: CollisionPolicy = .fail,
        removal: UserRemoval = .disable,
        faults: FaultPlan = .none,
        groupPatchAnswer: GitHubEMUEmulator.GroupPatchAnswer = .noContent,
        emulatorLimit: Emulators.RateLimit? = nil,
        connectorPerMinute: Int = 600_000,
        connectorBurst: Int = 1000,
        concurrency: Int = 4,
        limits: LimitSettings = LimitSettings(),
        collidingGroup: Bool = false,
        _ body: @Sendable (SyncHarness<GitHubEMUEmulator>, SCIMClient) async throws -> Void
    ) async throws {
        let emulator = GitHubEMUEmulator(
            configuration: .init(
                enterprise: "acme",
                rateLimit: emulatorLimit,
                faults: faults,
                groupPatchAnswer: groupPatchAnswer
            )
        )
        if collidingGroup {
            try emulator.seed(users: [["id": "foreign-1", "userName": "outsider@example.com"]])
            try emulator.seed(groups: [
                ["displayName": "Engineering", "externalId": "okta-eng", "members": [["value": "foreign-1"]]]
            ])
        }
        var options = SyncOptions(target: target)
        options.policy = policy
        options.removal = removal
        options.rateLimit = BridgeConfig.RateLimit(requestsPerMinute: connectorPerMinute, burst: connectorBurst)
        options.concurrency = concurrency
        options.limits = limits
        try await withSyncHarness(emulator, options, body)
    }

    /// A PingOne-style user: name, a work email, active.
    package static func user(_ name: String, active: Bool = true) -> JSONValue {
        Bodies.user("\(name)@example.com", email: "\(name)@example.com", active: active)
    }
}
