import AsyncHTTPClient
package import BridgeConfig
import BridgeRuntime
import Emulators
package import Foundation
import Logging
package import Membership
import Server
package import Store
package import Sync
import Testing

/// A bridge whose channel `pingone` fans out to one target served by an emulator on loopback, the
/// target's connector and processor built by `TargetServices` from its configuration entry, as `serve`
/// builds them; only the worker's backoff is shortened (`SyncOptions.backoff`), so that retries take milliseconds.
package struct SyncHarness<Emulator: HarnessEmulator>: Sendable {
    package let bridge: TestBridge
    /// The bearer token of channel `pingone`.
    package let token: String
    package let emulator: Emulator
    /// Where the emulator listens (its API's base URL).
    package let emulatorURL: URL
    /// The target's configuration entry, as the configuration file would give it.
    package let settings: TargetSettings
    /// The connector `TargetServices` built for the target.
    package let connector: Emulator.Connector
    /// The target's outbox worker, running the processor `TargetServices` built.
    package let worker: TargetWorker
    /// The access tokens or sessions the connector obtained so far (0 for static credentials).
    package let tokensIssued: @Sendable () async -> Int

    /// The target's name: its outbox, mappings and audit entries are keyed by it.
    package var target: String { settings.name }

    /// Delivers until nothing is pending (retries included); `between` runs after each round. Gives up
    /// only when the backlog has not shrunk for 30 s, so a slow machine delays a test instead of failing it.
    package func drain(between: () -> Void = {}) async throws {
        var best = Int.max
        var lastProgress = ContinuousClock.now
        while ContinuousClock.now - lastProgress < .seconds(30) {
            try await worker.drainOnce()
            between()
            let pending = try await bridge.store.outboxCounts(target: target)["pending"] ?? 0
            if pending == 0 { return }
            if pending < best {
                best = pending
                lastProgress = ContinuousClock.now
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        Issue.record("outbox stalled: \(best) entries pending with no progress for 30 s")
    }

    /// The members of the target's group `group`, by the name the kind matches users on.
    package func members(of group: String) -> Set<String> { emulator.memberNames(of: group) }

    /// The target's dead letters (at most 10), as "resource key: last error".
    package func deadLetters() async throws -> [String] {
        try await bridge.store.deadOutboxEntries(target: target, limit: 10).map {
            "\($0.resourceKey): \($0.lastError ?? "")"
        }
    }

    /// The channel `pingone`.
    package func channel() async throws -> Channel { try #require(try await bridge.store.channel(named: "pingone")) }

    /// The target's mapping of canonical group `id`.
    package func mapping(group id: String) async throws -> TargetMapping? {
        try await bridge.store.mapping(target: target, channel: try await channel(), kind: .group, canonicalID: id)
    }

    /// The worker's processor as the projection the test needs (`GroupCentricSync` or `UserCentricSync`).
    package func sync<Processor>(_: Processor.Type = Processor.self) throws -> Processor {
        try #require(worker.sync as? Processor, "the target's processor is a \(type(of: worker.sync))")
    }
}

/// Stands up a `SyncHarness` on `emulator` (seeded by the caller) and runs `body` with it and a client
/// of the bridge's SCIM server. The bridge's folder is removed and the emulator shut down afterwards,
/// also when `body` throws.
package func withSyncHarness<Emulator: HarnessEmulator>(
    _ emulator: Emulator,
    _ options: SyncOptions,
    _ body: @Sendable (SyncHarness<Emulator>, SCIMClient) async throws -> Void
) async throws {
    try await withTestBridge { bridge in
        let token = try await bridge.channel("pingone")
        let channel = try #require(try await bridge.store.channel(named: "pingone"))
        try await bridge.store.setTargets([options.target], for: channel)
        try await withRunningEmulator(emulator) { url, emulator in
            let harness = try SyncHarness(bridge: bridge, token: token, emulator: emulator, url: url, options)
            try await bridge.run(limits: options.limits, admin: options.admin) { client in
                try await body(harness, client)
            }
        }
    }
}

/// One channel `pingone` fanned out to three targets, each on its own emulator with its own options
/// (names must differ): a `SyncHarness` for each, sharing the bridge and its SCIM client.
package func withFanOutHarness<A: HarnessEmulator, B: HarnessEmulator, C: HarnessEmulator>(
    _ a: (A, SyncOptions),
    _ b: (B, SyncOptions),
    _ c: (C, SyncOptions),
    _ body: @Sendable (SyncHarness<A>, SyncHarness<B>, SyncHarness<C>, SCIMClient) async throws -> Void
) async throws {
    try await withTestBridge { bridge in
        let token = try await bridge.channel("pingone")
        let channel = try #require(try await bridge.store.channel(named: "pingone"))
        try await bridge.store.setTargets([a.1.target, b.1.target, c.1.target], for: channel)
        try await withRunningEmulator(a.0) { urlA, emulatorA in
            try await withRunningEmulator(b.0) { urlB, emulatorB in
                try await withRunningEmulator(c.0) { urlC, emulatorC in
                    let ha = try SyncHarness(bridge: bridge, token: token, emulator: emulatorA, url: urlA, a.1)
                    let hb = try SyncHarness(bridge: bridge, token: token, emulator: emulatorB, url: urlB, b.1)
                    let hc = try SyncHarness(bridge: bridge, token: token, emulator: emulatorC, url: urlC, c.1)
                    try await bridge.run { client in try await body(ha, hb, hc, client) }
                }
            }
        }
    }
}

extension SyncHarness {
    /// The harness of one target on `emulator`, listening at `url`: its connector and processor built
    /// by `TargetServices` from the entry the emulator gives, with `options` applied.
    init(bridge: TestBridge, token: String, emulator: Emulator, url: URL, _ options: SyncOptions) throws {
        var logger = Logger(label: "sync-harness")
        logger.logLevel = .critical
        var settings = emulator.targetSettings(name: options.target, url: url)
        options.apply(to: &settings)
        let connection = try Emulator.connect(settings, tuning: options.tuning)
        let brake = settings.maxDeprovisions.map {
            DeprovisionGate(target: settings.name, limit: $0, store: bridge.store, logger: logger)
        }
        let worker = TargetWorker(
            target: settings.name,
            store: bridge.store,
            sync: TargetServices.processor(
                settings,
                connection.wired,
                store: bridge.store,
                brake: brake,
                logger: logger
            ),
            concurrency: settings.concurrency,
            maxAttempts: settings.maxAttempts,
            backoff: options.backoff,
            brake: brake,
            logger: logger
        )
        self.init(
            bridge: bridge,
            token: token,
            emulator: emulator,
            emulatorURL: url,
            settings: settings,
            connector: connection.connector,
            worker: worker,
            tokensIssued: connection.tokensIssued
        )
    }
}
