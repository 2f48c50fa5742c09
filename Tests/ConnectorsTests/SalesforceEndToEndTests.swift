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

@testable import Server

/// An IdP pushes into a channel over real HTTP; the outbox worker delivers through `UserCentricSync`
/// and the Salesforce connector (JWT bearer sessions) to the Salesforce emulator over real HTTP; the
/// emulated org must end up holding exactly what the collision policy says (DESIGN.md).
@Suite("Sync to Salesforce, with name-collision policies")
struct SalesforceEndToEndTests {
    @Test func planShowsDriftAndSyncRepairsIt() async throws {
        try await SalesforceHarness.with(policy: .overwrite) { h, c in
            _ = try await pushPingOneSample(c, h.token)
            try await h.drain()
            let state = h.emulator.state()
            let eng = try #require(state.groups(named: "Engineering").first?["Id"]?.stringValue)
            let sales = try #require(state.groups(named: "Sales").first?["Id"]?.stringValue)
            let alice = try #require(state.user(username: "alice@example.com")?["Id"]?.stringValue)
            let foreign = try #require(state.user(username: "foreign@example.com")?["Id"]?.stringValue)
            // Drift made behind the bridge's back, through the org's own API.
            try await h.connector.removeMembership(user: alice, group: eng)
            try await h.connector.addMembership(user: foreign, group: sales)
            try await h.connector.renameGroup(id: sales, displayName: "Sales (old)")

            let reconciler = UserCentricReconciler(sync: try h.sync())
            let channel = try await h.channel()
            let plan = try await reconciler.plan(channels: [channel])
            #expect(
                Set(plan.steps.map(\.description)) == [
                    "insert member \(alice) into group \(eng) (Engineering)",
                    "delete member \(foreign) from group \(sales) (Sales)",
                    "rename group \(sales) \"Sales (old)\" -> \"Sales\"",
                ]
            )
            // Planning changed nothing.
            #expect(h.members(of: "Engineering") == ["bob@example.com"])

            try await reconciler.execute(plan.steps, channels: [channel])
            #expect(h.members(of: "Engineering") == ["alice@example.com", "bob@example.com"])
            #expect(h.members(of: "Sales") == ["carol@example.com"])
            #expect(try await reconciler.plan(channels: [channel]).steps.isEmpty)
        }
    }

    @Test func aGroupWhoseCreationAnswerWasLostIsFinishedNotBlockedAsACollision() async throws {
        try await SalesforceHarness.with(policy: .fail) { h, c in
            // The org creates "Sales" but the answer never arrives: the retry finds a group of that name.
            h.emulator.failNext(1, method: "POST", pathPrefix: "/sobjects/Group", with: .loseResponse)
            let ids = try await pushPingOneSample(c, h.token)
            try await h.drain()
            let state = h.emulator.state()
            #expect(state.counters.faults["lose"] == 1)
            #expect(state.groups(named: "Sales").count == 1)
            #expect(h.members(of: "Sales") == ["carol@example.com"])
            let mapping = try await h.bridge.store.mapping(
                target: "sfdc",
                channel: try await h.channel(),
                kind: .group,
                canonicalID: ids["Sales"]!
            )
            #expect(mapping?.origin == .created)
            #expect(mapping?.detail == "Sales", "the link is finished")
            let blocked = try await h.bridge.store.auditEntries(target: "sfdc").filter { $0.action == "blocked" }.map(
                \.resourceKey
            )
            #expect(blocked == ["group:\(ids["Engineering"]!)"], "only the real collision is blocked")
            // The bridge owns it: deleting the source group deletes it.
            #expect(try await c.delete("/scim/v2/pingone/Groups/\(ids["Sales"]!)", token: h.token).status == 204)
            try await h.drain()
            #expect(h.emulator.state().groups(named: "Sales").isEmpty)
            #expect(try await h.deadLetters().isEmpty)
        }
    }

    @Test func aMemberTheOrgRefusesIsSkippedAndJoinsOnceProvisioned() async throws {
        // bob's username is taken in another org: creating him is DUPLICATE_USERNAME, every time.
        try await SalesforceHarness.with(policy: .overwrite, configure: { $0.takenUsernames = ["bob@example.com"] }) {
            h,
            c in
            let ids = try await pushPingOneSample(c, h.token)
            try await h.drain()
            // Engineering is linked without bob instead of being dead-lettered with him.
            #expect(h.members(of: "Engineering") == ["alice@example.com"])
            #expect(h.members(of: "Sales") == ["carol@example.com"])
            let dead = try await h.deadLetters()
            #expect(dead.count == 1 && dead.allSatisfy { $0.hasPrefix("user:\(ids["bob"]!)") }, "\(dead)")
            let skipped = try await h.bridge.store.auditEntries(target: "sfdc").filter { $0.action == "member skipped" }
            // Skipped by the link and again by the group's membership event, each audited.
            #expect(!skipped.isEmpty)
            #expect(
                skipped.allSatisfy {
                    $0.resourceKey == "group:\(ids["Engineering"]!)" && $0.detail["user"]?.stringValue == ids["bob"]
                }
            )

            // The IdP gives bob a free username: he is provisioned and joins the group that skipped him.
            _ = try await c.put("/scim/v2/pingone/Users/\(ids["bob"]!)", token: h.token, Bodies.user("bob@example.org"))
            try await h.drain()
            #expect(h.members(of: "Engineering") == ["alice@example.com", "bob@example.org"])
        }
    }

    @Test func aPingOnePushWithRenameRemovalAndDisableLandsExactly() async throws {
        try await SalesforceHarness.with(policy: .overwrite) { h, c in
            let ids = try await pushPingOneSample(c, h.token)
            try await h.drain()
            var state = h.emulator.state()
            #expect(h.members(of: "Engineering") == ["alice@example.com", "bob@example.com"])
            #expect(h.members(of: "Sales") == ["carol@example.com"])
            let alice = try #require(state.user(username: "alice@example.com"))
            #expect(alice["FirstName"] == "Test")
            #expect(alice["LastName"] == "alice@example.com")
            #expect(alice["Alias"] == "taliceex")
            #expect(alice["ProfileId"]?.stringValue == SalesforceEmulator.standardProfileID)
            #expect(alice["IsActive"] == true)
            #expect(state.groups(named: "Sales").first?["DeveloperName"]?.stringValue?.hasPrefix("Sales_") == true)

            try await pushPingOneFollowUp(c, h.token, ids)
            try await h.drain()
            state = h.emulator.state()
            #expect(state.groups(named: "Sales").isEmpty)
            #expect(h.members(of: "Sales EMEA") == ["carol@example.com"])
            #expect(h.members(of: "Engineering") == ["alice@example.com"])
            #expect(state.user(username: "carol@example.com")?["IsActive"] == false)
            #expect(state.user(username: "bob@example.com")?["IsActive"] == true)
            #expect(state.users.count == 5)  // the three, the seeded foreign user and the integration user
            #expect(state.org.all("Group").count == 2)
            #expect(state.org.all("GroupMember").count == 2)
            #expect(try await h.deadLetters().isEmpty)
        }
    }

    @Test func failLeavesTheSameNamedGroupUntouchedAndReportsItBlocked() async throws {
        try await SalesforceHarness.with(policy: .fail) { h, c in
            let ids = try await pushPingOneSample(c, h.token)
            try await h.drain()
            try await h.expectCollidingGroupBlocked(ids: ids, foreign: "foreign@example.com")
            // The blocked group's members were never read: `fail` touches nothing of it.
            let engineering = try #require(h.emulator.state().groups(named: "Engineering").first?["Id"]?.stringValue)
            #expect(!h.emulator.recordedRequests.contains { $0.soql?.contains(engineering) == true })
            try await h.expectBlockedGroupUntouchedByChanges(c, ids: ids, foreign: "foreign@example.com")
            #expect(try await h.deadLetters().isEmpty)
        }
    }

    @Test func mergeKeepsForeignMembersAndLaterRemovesOnlyBridgeInsertedOnes() async throws {
        try await SalesforceHarness.with(policy: .merge) { h, c in
            let ids = try await pushPingOneSample(c, h.token)
            try await h.drain()
            try await h.expectMergeAdopted(foreign: "foreign@example.com")
            try await h.expectMergeRemovesOnlyBridgeAddedMembers(c, ids: ids, foreign: "foreign@example.com")
            #expect(h.emulator.state().groups(named: "Engineering").count == 1)
            #expect(try await h.deadLetters().isEmpty)
        }
    }

    @Test func overwriteMakesMembersExactlyTheSourceAndOwnsTheGroup() async throws {
        try await SalesforceHarness.with(policy: .overwrite) { h, c in
            let ids = try await pushPingOneSample(c, h.token)
            try await h.drain()
            #expect(h.members(of: "Engineering") == ["alice@example.com", "bob@example.com"])
            let adoption = try #require(
                try await h.bridge.store.auditEntries(target: "sfdc").first { $0.action.hasPrefix("adopted") }
            )
            #expect(adoption.detail["membersRemoved"]?.arrayValue?.count == 1)
            #expect(try await c.delete("/scim/v2/pingone/Groups/\(ids["Engineering"]!)", token: h.token).status == 204)
            try await h.drain()
            #expect(h.emulator.state().groups(named: "Engineering").isEmpty)
            #expect(h.emulator.state().user(username: "foreign@example.com")?["IsActive"] == true)
            #expect(try await h.deadLetters().isEmpty)
        }
    }

    /// 20 % of API requests fail (403 REQUEST_LIMIT_EXCEEDED, 500, 503, dropped connections); the
    /// org still converges with nothing dead-lettered.
    @Test func convergesUnderInjectedFaults() async throws {
        let faults = FaultPlan(
            seed: 7,
            random: [
                .init(probability: 0.08, fault: .status(403)),
                .init(probability: 0.05, fault: .internalServerError),
                .init(probability: 0.04, fault: .serviceUnavailable(retryAfter: 0)),
                .init(probability: 0.03, fault: .dropConnection),
                .init(probability: 0.03, fault: .loseResponse),
            ]
        )
        try await SalesforceHarness.with(policy: .overwrite, configure: { $0.faults = faults }) { h, c in
            let ids = try await pushPingOneSample(c, h.token)
            try await c.addMember(ids["alice"]!, to: ids["Sales"]!, token: h.token)
            try await pushPingOneFollowUp(c, h.token, ids)
            try await h.drain()
            let state = h.emulator.state()
            #expect(h.members(of: "Engineering") == ["alice@example.com"])
            #expect(h.members(of: "Sales EMEA") == ["carol@example.com", "alice@example.com"])
            #expect(state.user(username: "carol@example.com")?["IsActive"] == false)
            #expect(state.users.count == 5)
            #expect(state.org.all("Group").count == 2)
            #expect(state.counters.faults["403", default: 0] > 0)
            #expect(state.counters.faultsInjected > 3)
            #expect(try await h.deadLetters().isEmpty)
        }
    }

    /// The org's API allocation (4 calls for the "day" here) runs out during the push: each 403
    /// `REQUEST_LIMIT_EXCEEDED` pauses the connector (200 ms here, a minute by default) and the call
    /// is retried; once the allocation is renewed (the test lifts it) everything converges, with
    /// nothing dead-lettered.
    @Test func anExhaustedRequestAllocationIsWaitedOut() async throws {
        try await SalesforceHarness.with(
            policy: .overwrite,
            configure: { $0.requestLimit = RateLimit(requests: 4, perSeconds: 86_400) }
        ) { h, c in
            _ = try await pushPingOneSample(c, h.token)
            try await h.drain(between: {
                if h.emulator.state().limitRefusals > 0 { h.emulator.setRequestLimit(nil) }
            })
            #expect(h.members(of: "Engineering") == ["alice@example.com", "bob@example.com"])
            #expect(h.members(of: "Sales") == ["carol@example.com"])
            #expect(h.emulator.state().limitRefusals > 0)
            let dead = try await h.deadLetters()
            #expect(dead.isEmpty, "\(dead)")
        }
    }

    /// Sessions time out after 2 s and are also revoked after every delivery round: each
    /// `INVALID_SESSION_ID` is answered by a new session and one retry, never by a dead letter.
    @Test func aSessionExpiringMidSyncIsRenewed() async throws {
        try await SalesforceHarness.with(policy: .overwrite, configure: { $0.tokenLifetime = .seconds(2) }) { h, c in
            try await h.pushWhileTokensExpire(c, lifetime: .seconds(2), revoke: { h.emulator.expireAllTokens() })
            let state = h.emulator.state()
            #expect(state.unauthorized > 0)
            #expect(state.tokensIssued >= 2)
            #expect(await h.tokensIssued() == state.tokensIssued)
        }
    }

    /// `memberships: permissionSets`: canonical groups become permission sets and memberships
    /// assignments; the seeded same-labelled set is adopted under `merge`.
    @Test func groupsMapToPermissionSetsWhenConfigured() async throws {
        var settings = SalesforceHarness.standardSettings
        settings.memberships = .permissionSets
        try await SalesforceHarness.with(policy: .merge, settings: settings) { h, c in
            let ids = try await pushPingOneSample(c, h.token)
            try await h.drain()
            var state = h.emulator.state()
            #expect(
                state.assigneeUsernames(ofPermissionSetLabeled: "Engineering") == [
                    "foreign@example.com", "alice@example.com", "bob@example.com",
                ]
            )
            #expect(state.assigneeUsernames(ofPermissionSetLabeled: "Sales") == ["carol@example.com"])
            #expect(state.org.all("Group").count == 1)  // only the seeded public group
            #expect(state.memberUsernames(ofGroupNamed: "Engineering") == ["foreign@example.com"])
            try await pushPingOneFollowUp(c, h.token, ids)
            try await h.drain()
            state = h.emulator.state()
            #expect(state.permissionSet(labeled: "Sales") == nil)
            #expect(state.assigneeUsernames(ofPermissionSetLabeled: "Sales EMEA") == ["carol@example.com"])
            #expect(
                state.assigneeUsernames(ofPermissionSetLabeled: "Engineering") == [
                    "foreign@example.com", "alice@example.com",
                ]
            )
            #expect(try await c.delete("/scim/v2/pingone/Groups/\(ids["Sales"]!)", token: h.token).status == 204)
            try await h.drain()
            #expect(h.emulator.state().permissionSet(labeled: "Sales EMEA") == nil)
            #expect(try await h.deadLetters().isEmpty)
        }
    }

    /// A username taken in another org is provisioned under the configured suffix; with `freeze`,
    /// disabling and deleting a user freeze its login and leave it active.
    @Test func usernameSuffixAndFreezeDeprovisioning() async throws {
        var settings = SalesforceHarness.standardSettings
        settings.deprovisioning = .freeze
        settings.usernameSuffix = ".acme"
        try await SalesforceHarness.with(
            policy: .overwrite,
            settings: settings,
            configure: { $0.takenUsernames = ["alice@example.com"] }
        ) { h, c in
            let ids = try await pushPingOneSample(c, h.token)
            try await h.drain()
            var state = h.emulator.state()
            let alice = try #require(state.user(username: "alice@example.com.acme"))
            #expect(alice["FederationIdentifier"] == "alice@example.com")
            #expect(h.members(of: "Engineering") == ["alice@example.com.acme", "bob@example.com.acme"])
            try await c.disableUser(ids["carol"]!, userName: "carol@example.com", token: h.token)
            #expect(try await c.delete("/scim/v2/pingone/Users/\(ids["bob"]!)", token: h.token).status == 204)
            try await h.drain()
            state = h.emulator.state()
            for name in ["carol", "bob"] {
                let user = try #require(state.user(username: "\(name)@example.com.acme"))
                #expect(user["IsActive"] == true)
                #expect(state.login(ofUser: user["Id"]?.stringValue ?? "")?["IsFrozen"] == true)
            }
            #expect(state.login(ofUser: alice["Id"]?.stringValue ?? "")?["IsFrozen"] == false)
            #expect(try await h.deadLetters().isEmpty)
        }
    }

    /// Without a suffix, a username another org holds cannot be provisioned: the entry fails
    /// permanently, telling the operator which setting fixes it, and the other users go through.
    @Test func aUsernameTakenInAnotherOrgNamesTheFix() async throws {
        try await SalesforceHarness.with(policy: .overwrite, configure: { $0.takenUsernames = ["alice@example.com"] }) {
            h,
            c in
            _ = try await pushPingOneSample(c, h.token)
            try await h.drain()
            let dead = try await h.deadLetters()
            #expect(!dead.isEmpty)
            #expect(dead.allSatisfy { $0.contains("usernameSuffix") })
            #expect(h.emulator.state().user(username: "alice@example.com") == nil)
            #expect(h.members(of: "Sales") == ["carol@example.com"])
        }
    }
}
