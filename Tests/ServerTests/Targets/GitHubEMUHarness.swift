import BridgeConfig
import AsyncHTTPClient
import Connectors
import Emulators
import Foundation
import Logging
import Membership
import SCIM
import Store
import Sync
import Testing

@testable import Server

/// A bridge whose channel `pingone` fans out to target `github`: the GitHub EMU emulator on
/// loopback, reached by `GitHubEMUConnector` through a `TargetWorker`, as in `SyncEndToEndTests`.
struct GitHubEMUHarness: Sendable {
    static let target = "github"
    let bridge: TestBridge
    let token: String
    let worker: TargetWorker
    let emulator: GitHubEMUEmulator

    struct Options: Sendable {
        var policy: CollisionPolicy = .fail
        var removal: UserRemoval = .disable
        var faults: FaultPlan = .none
        var groupPatchAnswer: GitHubEMUEmulator.GroupPatchAnswer = .noContent
        /// The emulator's budget (nil: unlimited) and the connector's token bucket, which must stay below it.
        var emulatorLimit: Emulators.RateLimit? = nil
        var connectorPerMinute = 600_000
        var connectorBurst = 1000
        var concurrency = 4
        var limits = LimitSettings()
        /// Seeds a same-named group "Engineering" holding the foreign user "outsider".
        var collidingGroup = false
    }

    static func with(_ options: Options = Options(), _ body: @Sendable (GitHubEMUHarness, SCIMClient) async throws -> Void) async throws {
        let bridge = try TestBridge.make()
        defer { bridge.cleanUp() }
        let token = try await bridge.channel("pingone")
        let channel = try #require(try await bridge.store.channel(named: "pingone"))
        try await bridge.store.setTargets([target], for: channel)
        let emulator = GitHubEMUEmulator(
            configuration: .init(enterprise: "acme", rateLimit: options.emulatorLimit, faults: options.faults, groupPatchAnswer: options.groupPatchAnswer))
        if options.collidingGroup {
            try emulator.seed(users: [["id": "foreign-1", "userName": "outsider@example.com"]])
            try emulator.seed(groups: [["displayName": "Engineering", "externalId": "okta-eng", "members": [["value": "foreign-1"]]]])
        }
        try await withRunningEmulator(emulator) { url, emulator in
            var logger = Logger(label: "github-emu-test")
            logger.logLevel = .critical
            let transport = HTTPTransport(
                client: HTTPClient.shared, baseURL: url.absoluteString,
                bucket: Connectors.TokenBucket(requestsPerMinute: options.connectorPerMinute, burst: options.connectorBurst),
                timeout: .seconds(5), authorization: { "Bearer \(GitHubEMUEmulator.defaultToken)" })
            let sync = GroupCentricSync(
                target: target, store: bridge.store, connector: GitHubEMUConnector(transport: transport), policy: options.policy,
                userRemoval: options.removal, logger: logger)
            let worker = TargetWorker(
                target: target, store: bridge.store, sync: sync, concurrency: options.concurrency, maxAttempts: 50,
                backoff: Backoff(base: .milliseconds(5), cap: .milliseconds(50)), logger: logger)
            try await bridge.run(limits: options.limits) { client in
                try await body(GitHubEMUHarness(bridge: bridge, token: token, worker: worker, emulator: emulator), client)
            }
        }
    }

    /// Delivers until nothing is pending; gives up only when the backlog has not shrunk for 30 s.
    func drain() async throws {
        var best = Int.max
        var lastProgress = ContinuousClock.now
        while ContinuousClock.now - lastProgress < .seconds(30) {
            try await worker.drainOnce()
            let pending = try await bridge.store.outboxCounts(target: Self.target)["pending"] ?? 0
            if pending == 0 { return }
            if pending < best {
                best = pending
                lastProgress = ContinuousClock.now
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        Issue.record("outbox stalled: \(best) entries pending with no progress for 30 s")
    }

    func members(of group: String) -> Set<String> { emulator.state().memberNames(of: group) }

    func deadLetters() async throws -> [String] {
        try await bridge.store.deadOutboxEntries(target: Self.target, limit: 10).map { "\($0.resourceKey): \($0.lastError ?? "")" }
    }

    func mapping(group id: String) async throws -> TargetMapping? {
        let channel = try #require(try await bridge.store.channel(named: "pingone"))
        return try await bridge.store.mapping(target: Self.target, channel: channel, kind: .group, canonicalID: id)
    }

    /// A PingOne-style user: name, a work email, active.
    static func user(_ name: String, active: Bool = true) -> JSONValue {
        Bodies.user("\(name)@example.com", email: "\(name)@example.com", active: active)
    }
}
