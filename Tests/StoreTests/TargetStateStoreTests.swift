import Foundation
import GRDB
import Membership
import SCIM
import TestSupport
import Testing

@testable import Store

/// The store side of target health, reconciliation state and settled dead letters (on every backend,
/// except what reads SQLite's own tables).
@Suite("Target state and settled dead letters in the store")
struct TargetStateStoreTests {
    static func at(_ seconds: Int64, ms: Int32 = 0) -> SCIMDateTime {
        SCIMDateTime(seconds: seconds, nanoseconds: ms * 1_000_000)
    }

    @Test(arguments: StoreBackend.available)
    func nothingIsKnownOfATargetUntilSomethingIsRecorded(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
            #expect(try await store.targetState("acme") == nil)
            #expect(try await store.targetStates().isEmpty)

            try await store.recordSuccess(target: "acme", at: Self.at(1_700_000_000, ms: 250))
            #expect(
                try await store.targetState("acme")
                    == TargetState(target: "acme", lastSuccess: Self.at(1_700_000_000, ms: 250))
            )
            #expect(try await store.targetState("other") == nil)
        }
    }

    @Test(arguments: StoreBackend.available)
    func eachRecordChangesItsColumnsAndLeavesTheOthers(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
            try await store.recordReconciled(target: "acme", at: Self.at(100))
            try await store.recordInitialSync(target: "acme", started: Self.at(50))
            try await store.recordSuccess(target: "acme", at: Self.at(120))
            try await store.recordHealth(target: "acme", health: .failing, error: "503 from target", at: Self.at(130))
            try await store.recordReconciled(target: "acme", at: Self.at(200))
            try await store.recordHealth(target: "beta", health: .paused, error: nil, at: Self.at(10))

            let acme = try #require(try await store.targetState("acme"))
            #expect(
                acme
                    == TargetState(
                        target: "acme",
                        lastReconciled: Self.at(200),
                        initialSyncStarted: Self.at(50),
                        health: .failing,
                        lastError: "503 from target",
                        lastErrorAt: Self.at(130),
                        lastSuccess: Self.at(120)
                    )
            )
            #expect(acme.initialSyncRunning)
            #expect(try await store.targetStates().map(\.target) == ["acme", "beta"])
            #expect(try await store.targetState("beta") == TargetState(target: "beta", health: .paused))
        }
    }

    @Test(arguments: StoreBackend.available)
    func aRecoveryKeepsTheLastErrorAndANewErrorReplacesIt(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
            try await store.recordHealth(
                target: "acme",
                health: .unauthenticated,
                error: "401: token expired",
                at: Self.at(10)
            )
            try await store.recordHealth(target: "acme", health: .healthy, error: nil, at: Self.at(20))
            var state = try #require(try await store.targetState("acme"))
            #expect(state.health == .healthy)
            #expect(state.lastError == "401: token expired")
            #expect(state.lastErrorAt == Self.at(10))

            try await store.recordHealth(target: "acme", health: .failing, error: "timeout", at: Self.at(30))
            state = try #require(try await store.targetState("acme"))
            #expect(state.health == .failing)
            #expect(state.lastError == "timeout")
            #expect(state.lastErrorAt == Self.at(30))
        }
    }

    @Test func everyHealthRoundTripsAndOthersAreRefused() async throws {
        try await withTestBridge { bridge in
            let store = bridge.store
            for health in TargetHealth.allCases {
                try await store.recordHealth(target: "acme", health: health, error: nil, at: Self.at(1))
                #expect(try await store.targetState("acme")?.health == health)
            }
            // The column holds a closed set of values.
            await #expect(throws: DatabaseError.self) {
                try await store.pool.write { db in
                    try db.execute(sql: "UPDATE target_state SET health = 'degraded' WHERE target = 'acme'")
                }
            }
        }
    }

    @Test(arguments: StoreBackend.available)
    func anInitialSyncRunsFromItsStartToItsEndAndAgain(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
            try await store.recordInitialSync(target: "acme", started: Self.at(10))
            #expect(try await store.targetState("acme")?.initialSyncRunning == true)
            try await store.recordInitialSync(target: "acme", finished: Self.at(20))
            var state = try #require(try await store.targetState("acme"))
            #expect(!state.initialSyncRunning)
            #expect(state.initialSyncStarted == Self.at(10))
            #expect(state.initialSyncFinished == Self.at(20))
            #expect(state.lastReconciled == nil)  // never fully reconciled

            // Started again: the previous end no longer says anything about this run.
            try await store.recordInitialSync(target: "acme", started: Self.at(30))
            state = try #require(try await store.targetState("acme"))
            #expect(state.initialSyncRunning)
            #expect(state.initialSyncStarted == Self.at(30))
            #expect(state.initialSyncFinished == nil)
        }
    }

    // MARK: - Settled dead letters

    /// A channel fanning out to `acme` and `beta`, with outbox entries for `users`, the first
    /// `deadCount` of them dead-lettered on `acme` (their one entry each).
    func outboxWithDeadLetters(_ store: any BridgeStore, users: [String], deadCount: Int) async throws -> Channel {
        let channel = try await store.createChannel(named: "default")
        for u in users {
            try await store.enqueue([.userUpserted(id: u)], target: "acme", channel: channel)
            try await store.enqueue([.userUpserted(id: u)], target: "beta", channel: channel)
        }
        let due = try await store.dueOutboxEntries(target: "acme", limit: 100, now: Self.at(4_000_000_000))
        for e in due.prefix(deadCount) {
            try await store.failOutboxEntry(
                e.seq,
                attempts: 8,
                nextAttempt: Self.at(0),
                error: "409 from acme (\(e.resourceKey))",
                dead: true
            )
        }
        // The same resources dead on `beta` too: settling on `acme` must not touch them.
        for e in try await store.dueOutboxEntries(target: "beta", limit: 100, now: Self.at(4_000_000_000)).prefix(
            deadCount
        ) {
            try await store.failOutboxEntry(e.seq, attempts: 8, nextAttempt: Self.at(0), error: "beta", dead: true)
        }
        return channel
    }

    @Test(arguments: StoreBackend.available)
    func settlingMovesOnlyThatTargetsDeadEntriesOfThoseKeys(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let users = ["u0", "u1", "u2", "u3"]
            let channel = try await outboxWithDeadLetters(store, users: users, deadCount: 3)
            // A later, still pending change of a settled resource stays pending.
            try await store.enqueue([.userDeleted(id: "u0")], target: "acme", channel: channel)

            #expect(
                try await store.deadResourceKeys(target: "acme", channel: channel) == ["user:u0", "user:u1", "user:u2"]
            )
            let settled = try await store.settleDeadOutboxEntries(
                target: "acme",
                channel: channel,
                resourceKeys: ["user:u0", "user:u1", "user:u3", "user:unknown"]
            )
            #expect(settled.map(\.resourceKey) == ["user:u0", "user:u1"])
            #expect(settled.allSatisfy { $0.state == .settled && $0.target == "acme" && $0.channel == channel })
            #expect(settled.map(\.lastError) == ["409 from acme (user:u0)", "409 from acme (user:u1)"])
            #expect(settled.map(\.event) == [.userUpserted(id: "u0"), .userUpserted(id: "u1")])
            #expect(settled.map(\.seq) == settled.map(\.seq).sorted())

            #expect(try await store.deadResourceKeys(target: "acme", channel: channel) == ["user:u2"])
            #expect(
                try await store.deadResourceKeys(target: "beta", channel: channel) == ["user:u0", "user:u1", "user:u2"]
            )
            let counts = try await store.outboxCounts(target: "acme")
            #expect(counts["dead"] == 1)
            #expect(counts["settled"] == 2)
            #expect(counts["pending"] == 2)  // u3's upsert and u0's delete
            #expect(try await store.deadOutboxEntries(target: "acme", limit: 10).map(\.resourceKey) == ["user:u2"])

            // Settling again finds nothing: it is idempotent.
            #expect(
                try await store.settleDeadOutboxEntries(target: "acme", channel: channel, resourceKeys: ["user:u0"])
                    .isEmpty
            )
            #expect(try await store.settleDeadOutboxEntries(target: "acme", channel: channel, resourceKeys: []).isEmpty)

            // Only the dead entry is retried; settled ones never go back to the queue.
            #expect(try await store.retryDeadOutboxEntries(target: "acme") == 1)
            let afterRetry = try await store.outboxCounts(target: "acme")
            #expect(afterRetry["settled"] == 2)
            #expect(afterRetry["dead"] == nil)
            // Later than any lease the reads above took (a PostgreSQL claim holds an entry until it runs out).
            let due = try await store.dueOutboxEntries(target: "acme", limit: 10, now: Self.at(4_000_100_000))
            #expect(Set(due.map(\.resourceKey)) == ["user:u0", "user:u2", "user:u3"])
            #expect(due.first { $0.resourceKey == "user:u0" }?.event == .userDeleted(id: "u0"))
        }
    }

    @Test(arguments: StoreBackend.available)
    func settlingIsScopedToTheChannel(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let channel = try await outboxWithDeadLetters(store, users: ["u0"], deadCount: 1)
            let other = try await store.createChannel(named: "other")
            #expect(try await store.deadResourceKeys(target: "acme", channel: other).isEmpty)
            #expect(
                try await store.settleDeadOutboxEntries(target: "acme", channel: other, resourceKeys: ["user:u0"])
                    .isEmpty
            )
            #expect(try await store.deadResourceKeys(target: "acme", channel: channel) == ["user:u0"])
        }
    }

    @Test(arguments: StoreBackend.available)
    func resourceStatusesDoNotReportSettledEntries(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let channel = try await outboxWithDeadLetters(store, users: ["u0", "u1", "u2"], deadCount: 3)
            try await store.setMapping(
                TargetMapping(
                    target: "acme",
                    channel: channel,
                    kind: .user,
                    canonicalID: "u0",
                    targetID: "t0",
                    origin: .created
                )
            )
            // u1: settled, then changed again; its pending change must not show the settled entry's error.
            try await store.enqueue([.userUpserted(id: "u1")], target: "acme", channel: channel)
            _ = try await store.settleDeadOutboxEntries(
                target: "acme",
                channel: channel,
                resourceKeys: ["user:u0", "user:u1"]
            )

            let statuses = Dictionary(
                uniqueKeysWithValues: try await store.resourceStatuses(target: "acme", state: nil, limit: 100).map {
                    ($0.resourceKey, $0)
                }
            )
            #expect(statuses["user:u0"]?.state == .synced)
            #expect(statuses["user:u0"]?.undelivered == 0)
            #expect(statuses["user:u0"]?.lastError == nil)
            #expect(statuses["user:u1"]?.state == .pending)
            #expect(statuses["user:u1"]?.undelivered == 1)
            #expect(statuses["user:u1"]?.lastError == nil)
            #expect(statuses["user:u2"]?.state == .failed)
            #expect(
                try await store.resourceStatuses(target: "acme", state: .failed, limit: 100).map(\.resourceKey) == [
                    "user:u2"
                ]
            )
        }
    }

    @Test func settlingManyKeysRunsInBatches() async throws {
        try await withTestBridge { bridge in
            let store = bridge.store
            let users = (0..<1_200).map { "u\($0)" }
            let channel = try await store.createChannel(named: "default")
            try await store.setTargets(["acme"], for: channel)
            try await store.enqueue(users.map { .userUpserted(id: $0) }, target: "acme", channel: channel)
            try await store.pool.write { db in try db.execute(sql: "UPDATE outbox SET state = 'dead'") }
            let keys = try await store.deadResourceKeys(target: "acme", channel: channel)
            #expect(keys.count == 1_200)
            let settled = try await store.settleDeadOutboxEntries(
                target: "acme",
                channel: channel,
                resourceKeys: Array(keys)
            )
            #expect(settled.count == 1_200)
            #expect(try await store.outboxCounts(target: "acme") == ["settled": 1_200])
        }
    }

    // MARK: - Upgrade

    @Test func aStoreCreatedBeforeTheMigrationOpensWithItsOutbox() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "scim-bridge-test-\(UUID().uuidString)"
        )
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("old.sqlite").path
        // The schema as the previous release left it, with a dead letter in its outbox.
        do {
            let old = try DatabaseQueue(path: path)
            try SQLiteMigrations.migrator.migrate(old, upTo: "v3-user-stamp")
            try await old.write { db in
                try db.execute(sql: "INSERT INTO channel (name, created) VALUES ('default', 0)")
                try db.execute(
                    sql: """
                        INSERT INTO outbox (channel_key, target, resource_key, event, state, attempts, next_attempt, last_error, created, updated)
                        VALUES (1, 'acme', 'user:u0', '{"type":"user.upserted","id":"u0"}', 'dead', 8, 0, 'gone', 0, 0)
                        """
                )
            }
            #expect(try await old.read { db in try db.tableExists("target_state") } == false)
            try old.close()
        }

        let store = try SQLiteStore(path: path, durability: .normal)
        #expect(try await store.pool.read { db in try db.tableExists("target_state") })
        #expect(try await store.targetState("acme") == nil)
        try await store.recordReconciled(target: "acme", at: Self.at(5))
        #expect(try await store.targetState("acme")?.lastReconciled == Self.at(5))

        let channel = try #require(try await store.channel(named: "default"))
        #expect(try await store.deadResourceKeys(target: "acme", channel: channel) == ["user:u0"])
        let settled = try await store.settleDeadOutboxEntries(
            target: "acme",
            channel: channel,
            resourceKeys: ["user:u0"]
        )
        #expect(settled.map(\.lastError) == ["gone"])
        #expect(try await store.outboxCounts(target: "acme") == ["settled": 1])
    }
}
