import BridgeConfig
import Connectors
import Emulators
import Foundation
import Membership
import SCIM
import Store
import Sync
import TestSupport
import Testing

/// An IdP pushes into a channel over real HTTP; the outbox worker delivers through `GroupCentricSync`
/// and the Microsoft Graph connector (client credentials) to the Graph emulator over real HTTP, which
/// checks every request against Microsoft's OpenAPI description of Graph.
@Suite("Sync to Microsoft Entra ID through Graph, with name-collision policies")
struct MSGraphEndToEndTests {
    typealias H = MSGraphHarness

    /// What every test ends with: nothing dead-lettered, no request outside the OpenAPI description,
    /// none inside a `Retry-After` window.
    static func expectClean(_ h: SyncHarness<MSGraphEmulator>, sourceLocation: SourceLocation = #_sourceLocation)
        async throws
    {
        let state = h.emulator.state()
        #expect(state.contractViolations.isEmpty, "\(state.contractViolations)", sourceLocation: sourceLocation)
        #expect(state.retryAfterViolations.isEmpty, "\(state.retryAfterViolations)", sourceLocation: sourceLocation)
        let dead = try await h.deadLetters()
        #expect(dead.isEmpty, "\(dead)", sourceLocation: sourceLocation)
    }

    @Test(arguments: [false, true])
    func aPingOnePushWithRenameRemovalDisableAndDeleteLandsExactly(certificate: Bool) async throws {
        try await H.with(policy: .overwrite, certificate: certificate) { h, c in
            let ids = try await pushPingOneSample(c, h.token)
            try await h.drain()
            var state = h.emulator.state()
            #expect(h.members(of: "Engineering") == ["alice@example.com", "bob@example.com"])
            #expect(h.members(of: "Sales") == ["carol@example.com"])
            let sales = try #require(state.group(named: "Sales"))
            #expect(sales["securityEnabled"] == true && sales["mailEnabled"] == false)
            let alice = try #require(state.user(principalName: "alice@example.com"))
            #expect(alice["accountEnabled"] == true)
            #expect(alice["passwordProfile"]?["forceChangePasswordNextSignIn"] == true)

            try await pushPingOneFollowUp(c, h.token, ids)
            try await h.drain()
            state = h.emulator.state()
            #expect(state.group(named: "Sales") == nil)
            #expect(h.members(of: "Sales EMEA") == ["carol@example.com"])
            #expect(h.members(of: "Engineering") == ["alice@example.com"])
            #expect(state.user(principalName: "carol@example.com")?["accountEnabled"] == false)

            #expect(try await c.delete("/scim/v2/pingone/Groups/\(ids["Sales"]!)", token: h.token).status == 204)
            try await h.drain()
            state = h.emulator.state()
            #expect(state.groups(named: "Sales EMEA").isEmpty)
            #expect(state.groups.count == 1)
            #expect(state.users.count == 3)
            #expect(state.tokensIssued == 1, "one token, cached")
            try await Self.expectClean(h)
        }
    }

    @Test func aUserDeletedWithRemoveActionDeleteGoesToDeletedUsers() async throws {
        try await H.with(policy: .overwrite, removal: .delete) { h, c in
            let ids = try await pushPingOneSample(c, h.token)
            try await h.drain()
            #expect(try await c.delete("/scim/v2/pingone/Users/\(ids["bob"]!)", token: h.token).status == 204)
            try await h.drain()
            let state = h.emulator.state()
            #expect(state.user(principalName: "bob@example.com") == nil)
            #expect(state.deletedUsers.contains { $0["userPrincipalName"] == "bob@example.com" })
            #expect(h.members(of: "Engineering") == ["alice@example.com"])
            try await Self.expectClean(h)
        }
    }

    /// 20 % of Graph requests fail (throttling with `Retry-After`, outages, dropped connections, lost
    /// answers) and Graph sees new objects only a second after creating them; the target still
    /// converges with nothing dead-lettered and no call inside a `Retry-After` window.
    @Test func convergesUnderInjectedFaultsLostAnswersAndReplicationDelay() async throws {
        let faults = FaultPlan(
            seed: 18,
            random: [
                .init(probability: 0.05, fault: .tooManyRequests(retryAfter: 2)),
                .init(probability: 0.05, fault: .serviceUnavailable(retryAfter: 0)),
                .init(probability: 0.04, fault: .dropConnection),
                .init(probability: 0.06, fault: .loseResponse),
            ]
        )
        try await H.with(
            policy: .overwrite,
            faults: faults,
            configure: {
                $0.replicationDelay = .seconds(1)
                // Under the faults, several users are created at once: a request sent just before a
                // 429 reached the bridge may arrive later than the default grace when the whole suite
                // loads the machine (a call in the last second of a 2 s window still counts).
                // This test is about convergence; the Retry-After discipline
                // at the default grace is MSGraphScaleTests' and RetryAfterViolationTests'.
                $0.inFlightGrace = .seconds(1)
            }
        ) { h, c in
            let ids = try await pushPingOneSample(c, h.token)
            try await c.addMember(ids["alice"]!, to: ids["Sales"]!, token: h.token)
            try await pushPingOneFollowUp(c, h.token, ids)
            let ops = try #require(
                try await c.post("/scim/v2/pingone/Groups", token: h.token, Bodies.group("Ops", members: [ids["bob"]!]))
                    .body?["id"]?.stringValue
            )
            try await h.drain()
            #expect(try await c.delete("/scim/v2/pingone/Groups/\(ops)", token: h.token).status == 204)
            try await h.drain()
            let state = h.emulator.state()
            #expect(h.members(of: "Engineering") == ["alice@example.com"])
            #expect(h.members(of: "Sales EMEA") == ["carol@example.com", "alice@example.com"])
            #expect(state.groups(named: "Sales").isEmpty)
            #expect(state.groups(named: "Ops").isEmpty, "created, then deleted")
            #expect(state.groups.count == 2, "no duplicate from a lost answer")
            #expect(state.user(principalName: "carol@example.com")?["accountEnabled"] == false)
            #expect(state.counters.faultsInjected > 3)
            try await Self.expectClean(h)
        }
    }

    /// A user Graph does not see yet (replication delay): the member add is retried, not failed, and
    /// lands once Graph sees the user. The delay is long and then lifted, so that no timing decides.
    @Test func aMemberGraphDoesNotSeeYetIsRetriedNotFailed() async throws {
        try await H.with(policy: .overwrite) { h, c in
            let ids = try await pushPingOneSample(c, h.token)
            try await h.drain()
            let engineering = try #require(h.emulator.state().group(named: "Engineering")?["id"]?.stringValue)

            // The connector alone: the add of a user created a moment ago is retryable, with a pause.
            h.emulator.setReplicationDelay(.seconds(60))
            let erin = try await h.connector.createUser(["userName": "erin@example.com", "active": true])
            await #expect(throws: TargetError.self) {
                try await h.connector.addMembers(groupID: engineering, members: [erin])
            }
            do {
                try await h.connector.addMembers(groupID: engineering, members: [erin])
            } catch TargetError.retryable(let detail, let after) {
                #expect(detail.contains("replication delay") && after == .seconds(2), "\(detail)")
            }

            // Through the bridge: the IdP adds dave; the event waits, nothing is dead-lettered.
            let dave = try #require(
                try await c.post("/scim/v2/pingone/Users", token: h.token, Bodies.user("dave@example.com")).body?["id"]?
                    .stringValue
            )
            try await c.addMember(dave, to: ids["Engineering"]!, token: h.token)
            for _ in 0..<3 { _ = try await h.worker.drainOnce() }
            #expect(!h.members(of: "Engineering").contains("dave@example.com"))
            #expect(try await h.bridge.store.outboxCounts(target: h.target)["pending", default: 0] > 0, "retried")
            #expect(try await h.deadLetters().isEmpty)

            h.emulator.setReplicationDelay(.zero)
            try await h.drain()
            #expect(h.members(of: "Engineering") == ["alice@example.com", "bob@example.com", "dave@example.com"])
            try await Self.expectClean(h)
        }
    }

    @Test func failLeavesTheSameNamedGroupUntouchedAndReportsItBlocked() async throws {
        try await H.with(policy: .fail, collidingGroup: true) { h, c in
            let ids = try await pushPingOneSample(c, h.token)
            try await h.drain()
            try await h.expectCollidingGroupBlocked(ids: ids, foreign: "foreign@example.com")
            try await h.expectBlockedGroupUntouchedByChanges(c, ids: ids, foreign: "foreign@example.com")
            try await Self.expectClean(h)
        }
    }

    @Test func mergeKeepsForeignMembersAndLaterRemovesOnlyBridgeAddedOnes() async throws {
        try await H.with(policy: .merge, collidingGroup: true) { h, c in
            let ids = try await pushPingOneSample(c, h.token)
            try await h.drain()
            try await h.expectMergeAdopted(foreign: "foreign@example.com")
            try await h.expectMergeRemovesOnlyBridgeAddedMembers(c, ids: ids, foreign: "foreign@example.com")
            #expect(h.emulator.state().groups(named: "Engineering").count == 1, "merge keeps the group")
            try await Self.expectClean(h)
        }
    }

    @Test func overwriteMakesMembersExactlyTheSourceAndOwnsTheGroup() async throws {
        try await H.with(policy: .overwrite, collidingGroup: true) { h, c in
            let ids = try await pushPingOneSample(c, h.token)
            try await h.drain()
            #expect(h.members(of: "Engineering") == ["alice@example.com", "bob@example.com"])
            #expect(try await c.delete("/scim/v2/pingone/Groups/\(ids["Engineering"]!)", token: h.token).status == 204)
            try await h.drain()
            #expect(h.emulator.state().groups(named: "Engineering").isEmpty, "overwrite owns the group: deleted")
            #expect(h.emulator.state().user(principalName: "foreign@example.com") != nil)
            try await Self.expectClean(h)
        }
    }

    /// Entra does not keep group names unique: with two "Engineering" groups on the tenant the bridge
    /// picks neither, under any policy, and names both ids in the mapping and the audit entry.
    @Test(arguments: [CollisionPolicy.fail, .merge, .overwrite])
    func twoSameNamedGroupsBlockUnderEveryPolicy(policy: CollisionPolicy) async throws {
        try await H.with(policy: policy) { h, c in
            let seeded = try h.emulator.seed(groups: [["displayName": "Engineering"], ["displayName": "Engineering"]])
            let ids = try await pushPingOneSample(c, h.token)
            try await h.drain()
            let mapping = try #require(try await h.mapping(group: ids["Engineering"]!))
            #expect(mapping.origin == .blocked)
            for id in seeded.groups { #expect(mapping.detail?.contains(id) == true, "\(mapping.detail ?? "")") }
            let audit = try await h.bridge.store.auditEntries(target: h.target).filter { $0.action == "blocked" }
            #expect(
                audit.contains { entry in
                    seeded.groups.allSatisfy { entry.detail["reason"]?.stringValue?.contains($0) == true }
                }
            )
            #expect(
                h.emulator.state().groups(named: "Engineering").allSatisfy {
                    h.emulator.state().memberPrincipalNames(ofGroupID: $0["id"]!.stringValue!).isEmpty
                }
            )
            #expect(h.members(of: "Sales") == ["carol@example.com"], "the other group is delivered")
            let plan = try await Reconciler(sync: try h.sync()).plan(channels: [try await h.channel()])
            let line = try #require(plan.blocked.first { $0.hasPrefix("pingone/Engineering") }, "\(plan.blocked)")
            for id in seeded.groups { #expect(line.contains(id), "\(line)") }
            try await Self.expectClean(h)
        }
    }

    /// Tokens live 2 s (the provider renews them five minutes early, so at once) and are revoked after
    /// every delivery round: each 401 costs a fresh token and one retry, never a dead letter.
    @Test(arguments: [false, true])
    func aTokenExpiringMidSyncCostsNoDeadLetter(certificate: Bool) async throws {
        try await H.with(policy: .overwrite, certificate: certificate, configure: { $0.tokenLifetime = .seconds(2) }) {
            h,
            c in
            try await h.pushWhileTokensExpire(c, lifetime: .seconds(2), revoke: { h.emulator.expireAllTokens() })
            let state = h.emulator.state()
            #expect(state.tokensIssued >= 2)
            #expect(await h.tokensIssued() == state.tokensIssued)
            try await Self.expectClean(h)
        }
    }

    /// Members Graph already has (added behind the bridge's back) fail a whole `members@odata.bind`
    /// request; the connector adds the others one by one and counts the present ones as done.
    @Test func anAddMeetingMembersAlreadyThereAddsTheOthers() async throws {
        try await H.with(policy: .merge, collidingGroup: true) { h, c in
            let ids = try await pushPingOneSample(c, h.token)
            try await h.drain()
            let engineering = try #require(h.emulator.state().group(named: "Engineering")?["id"]?.stringValue)
            let dave = try #require(
                try await c.post("/scim/v2/pingone/Users", token: h.token, Bodies.user("dave@example.com")).body?["id"]?
                    .stringValue
            )
            try await h.drain()
            let carolID = try #require(h.emulator.state().user(principalName: "carol@example.com")?["id"]?.stringValue)
            // carol joins on the tenant directly; then the IdP adds carol and dave in one PATCH.
            try await h.connector.addMembers(groupID: engineering, members: [carolID])
            _ = try await c.patch(
                "/scim/v2/pingone/Groups/\(ids["Engineering"]!)",
                token: h.token,
                Bodies.patch([
                    [
                        "op": "add", "path": "members",
                        "value": [["value": .string(ids["carol"]!)], ["value": .string(dave)]],
                    ]
                ])
            )
            try await h.drain()
            #expect(
                h.members(of: "Engineering")
                    == [
                        "foreign@example.com", "alice@example.com", "bob@example.com", "carol@example.com",
                        "dave@example.com",
                    ]
            )
            #expect(h.emulator.recordedRequests.contains { $0.inBatch && $0.path.hasSuffix("/members/$ref") })
            try await Self.expectClean(h)
        }
    }

    /// Drift made in Entra behind the bridge's back (a member removed, a foreign one added, a user
    /// disabled): `plan` shows the calls, `sync` makes them, and a second plan is empty.
    @Test func planShowsDriftAndSyncRepairsIt() async throws {
        try await H.with(policy: .overwrite) { h, c in
            _ = try await pushPingOneSample(c, h.token)
            try await h.drain()
            try h.emulator.seed(users: [["userPrincipalName": "foreign@example.com"]])
            let state = h.emulator.state()
            let eng = try #require(state.group(named: "Engineering")?["id"]?.stringValue)
            let sales = try #require(state.group(named: "Sales")?["id"]?.stringValue)
            let alice = try #require(state.user(principalName: "alice@example.com")?["id"]?.stringValue)
            let bob = try #require(state.user(principalName: "bob@example.com")?["id"]?.stringValue)
            let foreign = try #require(state.user(principalName: "foreign@example.com")?["id"]?.stringValue)
            try await h.connector.removeMembers(groupID: eng, members: [alice])
            try await h.connector.addMembers(groupID: sales, members: [foreign])
            try await h.connector.removeUser(id: bob, action: .disable)

            let reconciler = Reconciler(sync: try h.sync())
            let channel = try await h.channel()
            let plan = try await reconciler.plan(channels: [channel])
            #expect(plan.steps.count == 3, "\(plan.steps.map(\.description))")
            #expect(plan.steps.adds([alice], to: eng))
            #expect(plan.steps.removes([foreign], from: sales))
            #expect(plan.steps.contains { if case .user(.repair(_, _, bob, _, _)) = $0 { true } else { false } })
            #expect(h.members(of: "Engineering") == ["bob@example.com"], "planning changes nothing")

            try await reconciler.execute(plan.steps, channels: [channel])
            #expect(h.members(of: "Engineering") == ["alice@example.com", "bob@example.com"])
            #expect(h.members(of: "Sales") == ["carol@example.com"])
            #expect(h.emulator.state().user(principalName: "bob@example.com")?["accountEnabled"] == true)
            #expect(try await reconciler.plan(channels: [channel]).steps.isEmpty)
            try await Self.expectClean(h)
        }
    }

    /// Users and groups are listed through `@odata.nextLink` pages of at most 999.
    @Test func listsFollowNextLinks() async throws {
        try await H.with(policy: .overwrite) { h, _ in
            try h.emulator.seed(
                users: (0..<1_234).map { ["userPrincipalName": .string("u\($0)@example.com")] },
                groups: (0..<1_001).map { ["displayName": .string("g\($0)")] }
            )
            #expect(try await h.connector.listUsers().count == 1_234)
            #expect(try await h.connector.listGroups().count == 1_001)
            #expect(h.emulator.recordedRequests.contains { $0.queryValue("$skiptoken") != nil })
            try await Self.expectClean(h)
        }
    }
}
