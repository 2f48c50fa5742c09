import BridgeConfig
import Connectors
import Emulators
import Foundation
import GRDB
import Membership
import SCIM
import Store
import Sync
import Synchronization
import TestSupport
import Testing

@testable import Server

/// A target worker contains every failure it meets: nothing it does ends it, and each failure is
/// classified and retried or dead-lettered as its kind says.
@Suite("Worker failure containment")
struct WorkerFailureTests {
    /// Target `acme` on the SCIM emulator, delivered by an in-process worker that dead-letters after 3 attempts.
    func withWorker(
        auth: TargetAuth? = nil,
        _ body: @Sendable (TestBridge, String, TargetWorker, SCIMEmulator, SCIMClient) async throws -> Void
    ) async throws {
        var options = SyncOptions(target: "acme")
        options.maxAttempts = 3
        options.backoff = Backoff(base: .milliseconds(1), cap: .milliseconds(5))
        options.auth = auth
        try await withSyncHarness(SCIMEmulator(), options) { h, client in
            try await body(h.bridge, h.token, h.worker, h.emulator, client)
        }
    }

    /// The store refuses to mark a delivered entry done (a trigger raises, as a full disk or a broken
    /// file would): the worker goes on, the entry stays pending, and once the store works again the
    /// change is delivered again (idempotently) and completed.
    @Test func aStoreErrorWhileCompletingAnEntryIsContained() async throws {
        try await withWorker { bridge, token, worker, emulator, client in
            let db = try DatabaseQueue(path: bridge.directory.appendingPathComponent("test.sqlite").path)
            try await db.write { db in
                try db.execute(
                    sql: """
                        CREATE TRIGGER injected_failure BEFORE UPDATE OF state ON outbox WHEN NEW.state = 'done'
                        BEGIN SELECT RAISE(ABORT, 'injected store failure'); END
                        """
                )
            }
            #expect(
                try await client.post("/scim/v2/pingone/Users", token: token, Bodies.user("alice@example.com")).status
                    == 201
            )
            try await worker.drainOnce()
            #expect(emulator.state().users.count == 1)
            #expect(try await bridge.store.outboxCounts(target: "acme")["pending"] == 1)

            try await db.write { try $0.execute(sql: "DROP TRIGGER injected_failure") }
            try await worker.drainOnce()
            #expect(try await bridge.store.outboxCounts(target: "acme")["pending"] ?? 0 == 0)
            #expect(emulator.state().users.count == 1)
        }
    }

    /// A target that keeps failing (503 on every call) is reported `failing` after five failed
    /// deliveries in a row, once, and `healthy` again on the first success.
    @Test func aTargetThatKeepsFailingIsReportedFailingThenHealthy() async throws {
        try await withWorker { bridge, token, worker, emulator, client in
            emulator.failNext(10_000, with: .serviceUnavailable())
            for name in ["ann", "ben", "cy", "dee", "eve", "fay"] {
                #expect(
                    try await client.post("/scim/v2/pingone/Users", token: token, Bodies.user("\(name)@example.com"))
                        .status == 201
                )
            }
            var rounds = 0
            while rounds < 100, try await bridge.store.targetState("acme")?.health != .failing {
                try await worker.drainOnce()
                try await Task.sleep(for: .milliseconds(10))
                rounds += 1
            }
            let failing = try #require(try await bridge.store.targetState("acme"))
            #expect(failing.health == .failing)
            #expect(failing.lastError?.contains("503") == true)

            emulator.setFaults(.none)
            rounds = 0
            while rounds < 200, (try await bridge.store.outboxCounts(target: "acme")["pending"] ?? 0) > 0 {
                try await worker.drainOnce()
                try await Task.sleep(for: .milliseconds(10))
                rounds += 1
            }
            #expect(try await bridge.store.targetState("acme")?.health == .healthy)
            #expect(emulator.state().users.count == 6)
        }
    }

    /// A credential that cannot be read is the target's problem: the entry keeps its attempts (it is
    /// not at fault), is never dead-lettered for it, the worker reports the target unhealthy and probes
    /// one entry at a time; once the credential reads again, everything is delivered.
    @Test func anUnreadableCredentialWaitsWithoutDeadLetters() async throws {
        // The token's file does not exist yet, as when a mounted secret has gone missing.
        let file = FileManager.default.temporaryDirectory.appendingPathComponent(
            "scim-bridge-token-\(UUID().uuidString)"
        )
        defer { try? FileManager.default.removeItem(at: file) }
        try await withWorker(auth: .bearer(Secret(.file(file.path)))) { bridge, token, worker, emulator, client in
            for name in ["alice", "bob", "carol"] {
                #expect(
                    try await client.post("/scim/v2/pingone/Users", token: token, Bodies.user("\(name)@example.com"))
                        .status == 201
                )
            }
            for _ in 0..<5 { try await worker.drainOnce() }
            #expect(worker.health.isAuthenticating)
            #expect(worker.health.authenticationFailure?.contains("cannot be read") == true)
            let counts = try await bridge.store.outboxCounts(target: "acme")
            #expect(counts["dead"] ?? 0 == 0)
            #expect(counts["pending"] == 3)
            #expect(emulator.state().users.isEmpty)
            #expect(emulator.state().counters.requests.isEmpty)

            try Data(SCIMEmulator.defaultToken.utf8).write(to: file)
            // Due again after the probe delay, which doubles with each failed attempt (seconds here).
            var rounds = 0
            while rounds < 150, (try await bridge.store.outboxCounts(target: "acme")["pending"] ?? 0) > 0 {
                try await worker.drainOnce()
                try await Task.sleep(for: .milliseconds(100))
                rounds += 1
            }
            #expect(try await bridge.store.outboxCounts(target: "acme")["pending"] ?? 0 == 0)
            #expect(emulator.state().users.count == 3)
            #expect(!worker.health.isAuthenticating)
        }
    }
}
