import Foundation
import GRDB
import Membership
import SCIM
import Testing

@testable import Store

/// The store side of target health and reconciliation state.
@Suite("Target state in the store")
struct TargetStateStoreTests {
    static func at(_ seconds: Int64, ms: Int32 = 0) -> SCIMDateTime { SCIMDateTime(seconds: seconds, nanoseconds: ms * 1_000_000) }

    @Test func nothingIsKnownOfATargetUntilSomethingIsRecorded() async throws {
        let bridge = try TestBridge.make()
        defer { bridge.cleanUp() }
        let store = bridge.store
        #expect(try await store.targetState("acme") == nil)
        #expect(try await store.targetStates().isEmpty)

        try await store.recordSuccess(target: "acme", at: Self.at(1_700_000_000, ms: 250))
        #expect(try await store.targetState("acme") == TargetState(target: "acme", lastSuccess: Self.at(1_700_000_000, ms: 250)))
        #expect(try await store.targetState("other") == nil)
    }

    @Test func eachRecordChangesItsColumnsAndLeavesTheOthers() async throws {
        let bridge = try TestBridge.make()
        defer { bridge.cleanUp() }
        let store = bridge.store
        try await store.recordReconciled(target: "acme", at: Self.at(100))
        try await store.recordInitialSync(target: "acme", started: Self.at(50))
        try await store.recordSuccess(target: "acme", at: Self.at(120))
        try await store.recordHealth(target: "acme", health: .failing, error: "503 from target", at: Self.at(130))
        try await store.recordReconciled(target: "acme", at: Self.at(200))
        try await store.recordHealth(target: "beta", health: .paused, error: nil, at: Self.at(10))

        let acme = try #require(try await store.targetState("acme"))
        #expect(acme == TargetState(
            target: "acme", lastReconciled: Self.at(200), initialSyncStarted: Self.at(50), health: .failing,
            lastError: "503 from target", lastErrorAt: Self.at(130), lastSuccess: Self.at(120)))
        #expect(acme.initialSyncRunning)
        #expect(try await store.targetStates().map(\.target) == ["acme", "beta"])
        #expect(try await store.targetState("beta") == TargetState(target: "beta", health: .paused))
    }

    @Test func aRecoveryKeepsTheLastErrorAndANewErrorReplacesIt() async throws {
        let bridge = try TestBridge.make()
        defer { bridge.cleanUp() }
        let store = bridge.store
        try await store.recordHealth(target: "acme", health: .unauthenticated, error: "401: token expired", at: Self.at(10))
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

    @Test func everyHealthRoundTripsAndOthersAreRefused() async throws {
        let bridge = try TestBridge.make()
        defer { bridge.cleanUp() }
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

    @Test func anInitialSyncRunsFromItsStartToItsEndAndAgain() async throws {
        let bridge = try TestBridge.make()
        defer { bridge.cleanUp() }
        let store = bridge.store
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

    // MARK: - Upgrade

    @Test func aStoreCreatedBeforeTheMigrationOpensWithItsOutbox() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("scim-bridge-test-\(UUID().uuidString)")
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
                        """)
            }
            #expect(try await old.read { db in try db.tableExists("target_state") } == false)
            try old.close()
        }

        let store = try SQLiteStore(path: path, durability: .normal)
        #expect(try await store.pool.read { db in try db.tableExists("target_state") })
        #expect(try await store.targetState("acme") == nil)
        try await store.recordReconciled(target: "acme", at: Self.at(5))
        #expect(try await store.targetState("acme")?.lastReconciled == Self.at(5))

        #expect(try await store.channel(named: "default") != nil)
        #expect(try await store.deadOutboxEntries(target: "acme", limit: 10).map(\.resourceKey) == ["user:u0"])
    }
}
