import BridgeConfig
import Connectors
import Emulators
import Foundation
import Logging
import Membership
import SCIM
import Store
import Sync
import TestSupport
import Testing

@testable import Server

/// After an outage, the scheduled reconciliation repairs the target; the dead letters of what it
/// found in sync are settled (audited, no longer reported as failed), on every kind.
@Suite("Dead letters settled by reconciliation")
struct DeadLetterSettlementTests {
    /// Three users and a group, pushed while the target refuses everything (a permanent 403): every
    /// change is dead-lettered. Returns how many.
    static func pushIntoAnOutage(_ c: SCIMClient, _ token: String, drain: () async throws -> Void) async throws {
        var ids: [String] = []
        for name in ["ann", "ben", "cy"] {
            let email = "\(name)@example.com"
            ids.append(
                try #require(
                    try await c.post("/scim/v2/pingone/Users", token: token, Bodies.user(email, email: email)).body?[
                        "id"
                    ]?.stringValue
                )
            )
        }
        #expect(
            try await c.post("/scim/v2/pingone/Groups", token: token, Bodies.group("Outage", members: ids)).status
                == 201
        )
        try await drain()
    }

    /// The scheduled pass after the outage: repairs, then settles; nothing is dead any more, and the
    /// settlements are in the audit log.
    static func reconcileAfterTheOutage<R: TargetReconciler>(_ reconciler: R, minimumDead: Int = 4) async throws {
        let store = reconciler.store
        let dead = try await store.outboxCounts(target: reconciler.target)["dead"] ?? 0
        #expect(dead >= minimumDead, "the outage dead-lettered the changes")
        var logger = Logger(label: "settle-test")
        logger.logLevel = .critical
        let service = ReconcileService(
            reconciler: reconciler,
            channelNames: ["pingone"],
            period: .seconds(10),
            logger: logger
        )
        #expect(await service.reconcileOnce() ?? 0 > 0)
        let counts = try await store.outboxCounts(target: reconciler.target)
        #expect(counts["dead"] ?? 0 == 0)
        #expect(counts["settled"] == dead)
        #expect(try await store.deadOutboxEntries(target: reconciler.target, limit: 10).isEmpty)
        let settled = try await store.auditEntries(target: reconciler.target).filter {
            $0.action == "dead letter settled by reconciliation"
        }
        #expect(settled.count == dead)
        #expect(try await store.targetState(reconciler.target)?.lastReconciled != nil)
        #expect(await service.reconcileOnce() == 0)
    }

    @Test func genericSCIM() async throws {
        try await SCIMHarness.with(policy: .merge, maxAttempts: 3) { h, c in
            h.emulator.failNext(10_000, with: .status(403))
            try await Self.pushIntoAnOutage(c, h.token, drain: { try await h.drain() })
            h.emulator.setFaults(.none)
            try await Self.reconcileAfterTheOutage(Reconciler(sync: try h.sync()))
            #expect(h.members(of: "Outage") == ["ann@example.com", "ben@example.com", "cy@example.com"])
        }
    }

    @Test func gitHubEMU() async throws {
        try await GitHubEMUHarness.with(policy: .merge) { h, c in
            h.emulator.failNext(10_000, with: .status(403))
            try await Self.pushIntoAnOutage(c, h.token, drain: { try await h.drain() })
            h.emulator.setFaults(.none)
            try await Self.reconcileAfterTheOutage(Reconciler(sync: try h.sync(GroupCentricSync.self)))
            #expect(h.members(of: "Outage") == ["ann@example.com", "ben@example.com", "cy@example.com"])
        }
    }

    @Test func slack() async throws {
        try await SlackHarness.with { h, c in
            h.emulator.failNext(10_000, with: .status(403))
            try await Self.pushIntoAnOutage(c, h.token, drain: { try await h.drain() })
            h.emulator.setFaults(.none)
            try await Self.reconcileAfterTheOutage(Reconciler(sync: try h.sync(GroupCentricSync.self)))
            #expect(h.members(of: "Outage") == ["ann@example.com", "ben@example.com", "cy@example.com"])
        }
    }

    @Test func googleWorkspace() async throws {
        try await GoogleHarness.with(policy: .merge) { h, c in
            // Google's 403 is its rate limit (waited out, never dead-lettered): the outage refuses with 400.
            // The users' changes die; the group is linked without the members the target refused.
            h.emulator.failNext(10_000, with: .status(400))
            try await Self.pushIntoAnOutage(c, h.token, drain: { try await h.drain() })
            h.emulator.setFaults(.none)
            try await Self.reconcileAfterTheOutage(
                UserCentricReconciler(sync: try h.sync(UserCentricSync.self)),
                minimumDead: 3
            )
            #expect(h.members(of: "Outage").count == 3)
        }
    }

    @Test func salesforce() async throws {
        // Salesforce's 403 is its request limit (retryable, after a pause): three attempts, not fifty,
        // keep the outage short.
        try await SalesforceHarness.with(policy: .merge, maxAttempts: 3) { h, c in
            h.emulator.failNext(10_000, with: .status(403))
            try await Self.pushIntoAnOutage(c, h.token, drain: { try await h.drain() })
            h.emulator.setFaults(.none)
            try await Self.reconcileAfterTheOutage(UserCentricReconciler(sync: try h.sync(UserCentricSync.self)))
        }
    }
}
