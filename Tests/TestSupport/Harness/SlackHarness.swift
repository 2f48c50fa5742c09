package import BridgeConfig
import BridgeRuntime
package import Emulators
package import Membership
import SCIM
import Testing

/// Target `slack` on the Slack emulator, within Slack's rate limits scaled as the test says.
package enum SlackHarness {
    package static let target = "slack"

    /// Runs `body` on the emulator; see `withSyncHarness`. `rateScale` multiplies the emulator's
    /// rate-limit table (nil: no limits); `bucket` is the connector's own; `batchSize` its members per
    /// request; `collision` seeds a foreign user and a same-named "Engineering" group holding it.
    /// Users are removed with `delete`, which Slack carries out as a deactivation.
    package static func with(
        policy: CollisionPolicy = .overwrite,
        faults: FaultPlan = .none,
        updateDuration: Duration = .zero,
        rateScale: Double? = nil,
        bucket: (perMinute: Int, burst: Int) = (60_000, 1000),
        concurrency: Int = 4,
        batchSize: Int = 5000,
        collision: Bool = false,
        _ body: @Sendable (SyncHarness<SlackEmulator>, SCIMClient) async throws -> Void
    ) async throws {
        let emulator = SlackEmulator(
            configuration: .init(rateScale: rateScale, updateDuration: updateDuration, recordRequests: false)
        )
        if collision {
            let seeded = try emulator.seed(users: [
                [
                    "userName": "outsider", "emails": [["value": "outsider@example.com"]],
                ]
            ])
            let outsider = try #require(seeded.users.first?["id"]?.stringValue)
            try emulator.seed(groups: [["displayName": "Engineering", "members": [["value": .string(outsider)]]]])
        }
        emulator.setFaults(faults)
        var options = SyncOptions(target: target)
        options.policy = policy
        options.removal = .delete
        options.rateLimit = BridgeConfig.RateLimit(requestsPerMinute: bucket.perMinute, burst: bucket.burst)
        options.concurrency = concurrency
        options.timeout = .seconds(10)
        options.tuning.slackBatchSize = batchSize
        try await withSyncHarness(emulator, options, body)
    }
}
