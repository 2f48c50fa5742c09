import BridgeConfig
import Connectors
import Emulators
import Foundation
import Membership
import SCIM
import Server
import Store
import Sync
import TestSupport
import Testing

/// `safety.maxDeprovisions` over real HTTP on the SCIM emulator: an IdP run that deletes more users
/// than the limit pauses the target at the limit, the admin API shows why, and a resume lets the rest
/// through; a reconciliation that plans more pauses before its first deprovision.
@Suite("Brake on mass deprovisioning")
struct DeprovisionBrakeEndToEndTests {
    static let adminToken = "admin-secret-for-brake-tests"

    /// Delivers until nothing more is due (a paused target has nothing due).
    static func deliver<E>(_ h: SyncHarness<E>) async throws {
        while try await h.worker.drainOnce() {}
    }

    @Test func anIdPRunDeletingSixHundredUsersStopsAtFiveHundredUntilResumed() async throws {
        let emulator = SCIMEmulator()
        var options = SyncOptions(target: "acme")
        options.removal = .delete
        options.concurrency = 8
        options.admin = AdminConfiguration(token: Self.adminToken, targets: ["acme"])
        #expect(options.maxDeprovisions == 500, "the default, like Entra's")
        try await withSyncHarness(emulator, options) { h, c in
            var ids: [String] = []
            for i in 0..<600 {
                let r = try await c.post("/scim/v2/pingone/Users", token: h.token, Bodies.user("user\(i)@example.com"))
                ids.append(try #require(r.body?["id"]?.stringValue))
            }
            try await h.drain()
            #expect(emulator.state().users.count == 600)

            for id in ids { #expect(try await c.delete("/scim/v2/pingone/Users/\(id)", token: h.token).status == 204) }
            try await Self.deliver(h)
            #expect(emulator.state().users.count == 100, "500 deleted, not one more")
            #expect(try await h.bridge.store.outboxCounts(target: "acme")["pending"] == 100)
            let status = try await c.get("/admin/status", token: Self.adminToken)
            let health = status.body?["targets"]?.arrayValue?.first?["health"]
            #expect(health?["state"] == "paused")
            let reason = health?["pausedReason"]?.stringValue ?? ""
            #expect(reason.contains("500 deprovisions") && reason.contains("safety.maxDeprovisions 500"), "\(reason)")
            // Inbound SCIM goes on while the target waits.
            #expect(
                try await c.post("/scim/v2/pingone/Users", token: h.token, Bodies.user("late@example.com")).status
                    == 201
            )

            let resumed = try await c.post("/admin/targets/acme/resume", token: Self.adminToken, [:])
            #expect(resumed.body?["resumed"] == true)
            try await h.drain()
            #expect(emulator.state().users.compactMap { $0["userName"]?.stringValue } == ["late@example.com"])
            #expect(try await h.bridge.store.targetState("acme")?.pausedReason == nil)
            #expect(try await h.deadLetters().isEmpty)
        }
    }

    @Test func aReconciliationPlanningMoreThanTheLimitPausesBeforeItsFirstDeprovision() async throws {
        let emulator = SCIMEmulator()
        var options = SyncOptions(target: "acme")
        options.maxDeprovisions = 5
        try await withSyncHarness(emulator, options) { h, c in
            var ids: [String] = []
            for i in 0..<4 {
                let r = try await c.post("/scim/v2/pingone/Users", token: h.token, Bodies.user("user\(i)@example.com"))
                ids.append(try #require(r.body?["id"]?.stringValue))
            }
            try await h.drain()
            for id in ids { _ = try await c.delete("/scim/v2/pingone/Users/\(id)", token: h.token) }
            try await h.drain()
            // Four disabled (four of five counted); someone enables them again on the target.
            for user in emulator.state().users {
                let id = try #require(user["id"]?.stringValue)
                var active = user
                active["active"] = true
                _ = try await h.connector.replaceUser(id: id, active)
            }
            let reconciler = Reconciler(sync: try h.sync())
            let channel = try await h.channel()
            let plan = try await reconciler.plan(channels: [channel]).steps
            #expect(plan.filter(\.deprovisions).count == 4)
            await #expect(throws: DeprovisionsPaused.self) {
                try await reconciler.execute(plan, channels: [channel])
            }
            #expect(emulator.state().users.allSatisfy { $0["active"] == true }, "paused before the first")
            #expect(try await h.bridge.store.targetState("acme")?.pausedReason?.contains("plans 4") == true)

            try await h.bridge.store.recordResume(target: "acme", at: .now)
            #expect(try await h.worker.brake?.isPaused() == false)
            try await reconciler.execute(plan, channels: [channel])
            #expect(emulator.state().users.allSatisfy { $0["active"] == false })
        }
    }
}
