import BridgeConfig
import Connectors
import Emulators
import Logging
import Membership
import SCIM
import Sync
import TestSupport
import Testing

/// Scheduled reconciliation, as `serve` runs it every `reconcileEvery`.
@Suite("Scheduled reconciliation")
struct ReconcileServiceTests {
    @Test func repairsDriftAndWaitsForQueuedChanges() async throws {
        try await SCIMHarness.with(policy: .overwrite) { h, c in
            let ids = try await pushPingOneSample(c, h.token)
            try await h.drain()
            var logger = Logger(label: "reconcile-test")
            logger.logLevel = .critical
            let service = ReconcileService(
                reconciler: Reconciler(sync: try h.sync()),
                channelNames: ["pingone"],
                period: .seconds(3600),
                logger: logger
            )
            #expect(await service.reconcileOnce() == 0)

            // Someone removes a member on the target, behind the bridge's back.
            let state = h.emulator.state()
            let eng = try #require(state.group(named: "Engineering")?["id"]?.stringValue)
            let alice = try #require(
                state.users.first { $0["userName"]?.stringValue == "alice@example.com" }?["id"]?.stringValue
            )
            try await h.connector.removeMembers(groupID: eng, members: [alice])
            #expect(h.members(of: "Engineering") == ["bob@example.com"])

            // While a change is queued, the pass is skipped rather than racing the worker.
            try await c.addMember(ids["bob"]!, to: ids["Sales"]!, token: h.token)
            #expect(await service.reconcileOnce() == nil)
            #expect(h.members(of: "Engineering") == ["bob@example.com"])

            try await h.drain()
            #expect(await service.reconcileOnce() == 1)
            #expect(h.members(of: "Engineering") == ["alice@example.com", "bob@example.com"])
            #expect(await service.reconcileOnce() == 0)
        }
    }
}
