import BridgeConfig
import BridgeRuntime
import Connectors
import Emulators
import Foundation
import Logging
import Membership
import SCIM
import Store
import Sync
import Synchronization
import TestSupport
import Testing

@testable import Server

/// `Retry-After` is law for what it speaks for: under faults, no request reaches a target inside a
/// window it announced, and `plan` waits instead of failing.
@Suite("Retry-After across a target")
struct RetryAfterTests {
    /// 20% of requests fail: 429 with `Retry-After: 1`, 500, 503 with `Retry-After: 1`, dropped connections.
    static func faults(seed: UInt64) -> FaultPlan {
        FaultPlan(
            seed: seed,
            random: [
                .init(probability: 0.08, fault: .tooManyRequests(retryAfter: 1)),
                .init(probability: 0.04, fault: .internalServerError),
                .init(probability: 0.04, fault: .serviceUnavailable(retryAfter: 1)),
                .init(probability: 0.04, fault: .dropConnection),
            ]
        )
    }

    /// Users, groups and membership changes as an identity provider sends them.
    static func push(_ c: SCIMClient, _ token: String, users: Int = 24) async throws {
        var ids: [String] = []
        for i in 0..<users {
            let name = "person\(i)@example.com"
            ids.append(
                try #require(
                    try await c.post("/scim/v2/pingone/Users", token: token, Bodies.user(name, email: name)).body?[
                        "id"
                    ]?.stringValue
                )
            )
        }
        for g in 0..<4 {
            let members = ids.enumerated().filter { $0.offset % 4 == g }.map(\.element)
            let gid = try #require(
                try await c.post("/scim/v2/pingone/Groups", token: token, Bodies.group("team-\(g)", members: members))
                    .body?["id"]?.stringValue
            )
            _ = try await c.patch(
                "/scim/v2/pingone/Groups/\(gid)",
                token: token,
                Bodies.patch([
                    ["op": "add", "path": "members", "value": [["value": .string(ids[(g + 1) % ids.count])]]]
                ])
            )
        }
    }

    /// The push arrived (every group, no dead letter) through throttling, and never inside a window.
    static func expectConverged(_ counters: EmulatorCounters, groups: Int, dead: [String]) async throws {
        #expect(counters.tooManyRequests > 0)
        #expect(counters.requestsInsideRetryAfter == 0, "\(violations(counters))")
        #expect(dead == [])
        #expect(groups == 4)
    }

    static func violations(_ counters: EmulatorCounters) -> String {
        counters.retryAfterViolations.map {
            "\($0.method) \($0.path) \($0.millisecondsBeforeEnd) ms early (\($0.scope.name))"
        }
        .joined(separator: "; ")
    }

    @Test func gitHubEMUUnderFaultsIsNeverCalledInsideRetryAfter() async throws {
        try await GitHubEMUHarness.with(faults: Self.faults(seed: 7)) { h, c in
            try await Self.push(c, h.token)
            try await h.drain()
            try await Self.expectConverged(
                h.emulator.state().counters,
                groups: h.emulator.state().groups.count,
                dead: try await h.deadLetters()
            )
        }
    }

    @Test func slackUnderFaultsAndLocksIsNeverCalledInsideRetryAfter() async throws {
        // Writes hold their user or group for a moment: concurrent writes meet `resource_locked`.
        try await SlackHarness.with(faults: Self.faults(seed: 11), updateDuration: .milliseconds(30), batchSize: 2) {
            h,
            c in
            try await Self.push(c, h.token)
            try await h.drain()
            try await Self.expectConverged(
                h.emulator.state().counters,
                groups: h.emulator.state().groups.count,
                dead: try await h.deadLetters()
            )
        }
    }

    /// `plan` under 20% faults prints the same plan as without them: throttled and failed reads are
    /// waited out (with a progress line) instead of ending the plan.
    @Test func planUnderFaultsPrintsTheSamePlan() async throws {
        let emulator = GitHubEMUEmulator(configuration: .init(enterprise: "acme"))
        for i in 0..<150 {
            try emulator.seed(users: [["userName": .string("seeded\(i)@example.com")]])
        }
        try emulator.seed(groups: [["displayName": "team-1", "externalId": "x"]])
        var options = SyncOptions(target: "github")
        options.policy = .merge
        options.rateLimit = BridgeConfig.RateLimit(requestsPerMinute: 600_000, burst: 1000)
        try await withSyncHarness(emulator, options) { h, c in
            var logger = Logger(label: "plan-test")
            logger.logLevel = .critical
            let waits = Mutex(0)
            // The connector `plan` builds: patient, waiting out throttling and failed reads.
            let patient = try TargetServices.connector(
                h.settings,
                index: 0,
                patience: .init(budget: .seconds(60)) { _ in waits.withLock { $0 += 1 } }
            )
            guard
                case .groupCentric(let reconciler) = TargetServices.reconciler(
                    h.settings,
                    patient,
                    store: h.bridge.store,
                    logger: logger
                )
            else {
                Issue.record("GitHub EMU is group-centric")
                return
            }
            let channel = try await h.channel()
            try await Self.push(c, h.token)
            let calm = try await reconciler.plan(channels: [channel]).steps.map(\.description)
            #expect(!calm.isEmpty)
            h.emulator.setFaults(Self.faults(seed: 3))
            for _ in 0..<3 {
                let stormy = try await reconciler.plan(channels: [channel]).steps.map(\.description)
                #expect(stormy == calm)
            }
            #expect(waits.withLock { $0 } > 0)
            #expect(
                h.emulator.state().counters.requestsInsideRetryAfter == 0,
                "\(Self.violations(h.emulator.state().counters))"
            )
        }
    }
}
