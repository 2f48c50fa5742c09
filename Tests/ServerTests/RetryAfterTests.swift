import AsyncHTTPClient
import Connectors
import Emulators
import Foundation
import Logging
import Membership
import SCIM
import Store
import Sync
import Synchronization
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
            ])
    }

    /// Users, groups and membership changes as an identity provider sends them.
    static func push(_ c: SCIMClient, _ token: String, users: Int = 24) async throws {
        var ids: [String] = []
        for i in 0..<users {
            let name = "person\(i)@example.com"
            ids.append(try #require(try await c.post("/scim/v2/pingone/Users", token: token, Bodies.user(name, email: name)).body?["id"]?.stringValue))
        }
        for g in 0..<4 {
            let members = ids.enumerated().filter { $0.offset % 4 == g }.map(\.element)
            let gid = try #require(try await c.post("/scim/v2/pingone/Groups", token: token, Bodies.group("team-\(g)", members: members)).body?["id"]?.stringValue)
            _ = try await c.patch(
                "/scim/v2/pingone/Groups/\(gid)", token: token,
                Bodies.patch([["op": "add", "path": "members", "value": [["value": .string(ids[(g + 1) % ids.count])]]]]))
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
        counters.retryAfterViolations.map { "\($0.method) \($0.path) \($0.millisecondsBeforeEnd) ms early (\($0.scope.name))" }
            .joined(separator: "; ")
    }

    @Test func gitHubEMUUnderFaultsIsNeverCalledInsideRetryAfter() async throws {
        var options = GitHubEMUHarness.Options()
        options.faults = Self.faults(seed: 7)
        try await GitHubEMUHarness.with(options) { h, c in
            try await Self.push(c, h.token)
            try await h.drain()
            try await Self.expectConverged(h.emulator.state().counters, groups: h.emulator.state().groups.count, dead: try await h.deadLetters())
        }
    }

    @Test func slackUnderFaultsAndLocksIsNeverCalledInsideRetryAfter() async throws {
        var options = SlackEndToEndTests.Options()
        options.faults = Self.faults(seed: 11)
        // Writes hold their user or group for a moment: concurrent writes meet `resource_locked`.
        options.updateDuration = .milliseconds(30)
        options.batchSize = 2
        try await SlackEndToEndTests().withHarness(options) { h, c in
            try await Self.push(c, h.token)
            try await h.drain()
            try await Self.expectConverged(h.emulator.state().counters, groups: h.emulator.state().groups.count, dead: try await h.deadLetters())
        }
    }

    /// `plan` under 20% faults prints the same plan as without them: throttled and failed reads are
    /// waited out (with a progress line) instead of ending the plan.
    @Test func planUnderFaultsPrintsTheSamePlan() async throws {
        let bridge = try TestBridge.make()
        defer { bridge.cleanUp() }
        let token = try await bridge.channel("pingone")
        let channel = try #require(try await bridge.store.channel(named: "pingone"))
        try await bridge.store.setTargets(["github"], for: channel)
        let emulator = GitHubEMUEmulator(configuration: .init(enterprise: "acme"))
        for i in 0..<150 {
            try emulator.seed(users: [["userName": .string("seeded\(i)@example.com")]])
        }
        try emulator.seed(groups: [["displayName": "team-1", "externalId": "x"]])
        try await withRunningEmulator(emulator) { url, emulator in
            var logger = Logger(label: "plan-test")
            logger.logLevel = .critical
            let waits = Mutex(0)
            let bucket = TokenBucket(requestsPerMinute: 600_000, burst: 1000)
            let transport = HTTPTransport(
                client: HTTPClient.shared, baseURL: url.absoluteString, bucket: bucket, timeout: .seconds(5),
                authorization: { "Bearer \(GitHubEMUEmulator.defaultToken)" }
            ).patient(.init(budget: .seconds(60)) { _ in waits.withLock { $0 += 1 } })
            let reconciler = Reconciler(
                sync: GroupCentricSync(
                    target: "github", store: bridge.store, connector: GitHubEMUConnector(transport: transport), policy: .merge,
                    userRemoval: .disable, logger: logger))
            try await bridge.run { c in try await Self.push(c, token) }
            let calm = try await reconciler.plan(channels: [channel]).steps.map(\.description)
            #expect(!calm.isEmpty)
            emulator.setFaults(Self.faults(seed: 3))
            for _ in 0..<3 {
                let stormy = try await reconciler.plan(channels: [channel]).steps.map(\.description)
                #expect(stormy == calm)
            }
            #expect(waits.withLock { $0 } > 0)
            #expect(emulator.state().counters.requestsInsideRetryAfter == 0, "\(Self.violations(emulator.state().counters))")
        }
    }
}
