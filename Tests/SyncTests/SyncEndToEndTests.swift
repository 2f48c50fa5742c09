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

/// An IdP pushes into a channel over real HTTP; the outbox worker delivers to the SCIM emulator over
/// real HTTP; the emulator must end up holding exactly what the collision policy says.
@Suite("Sync to a generic SCIM target, with name-collision policies")
struct SyncEndToEndTests {
    @Test func failLeavesTheSameNamedGroupUntouchedAndReportsItBlocked() async throws {
        try await SCIMHarness.with(policy: .fail) { h, c in
            let ids = try await pushPingOneSample(c, h.token)
            try await h.drain()
            try await h.expectCollidingGroupBlocked(ids: ids, foreign: "foreign@example.com")
            #expect(try await h.mapping(group: ids["Engineering"]!)?.detail?.contains("onNameCollision") == true)
            try await h.expectBlockedGroupUntouchedByChanges(c, ids: ids, foreign: "foreign@example.com")
        }
    }

    @Test func mergeKeepsForeignMembersAndLaterRemovesOnlyBridgeAddedOnes() async throws {
        try await SCIMHarness.with(policy: .merge) { h, c in
            let ids = try await pushPingOneSample(c, h.token)
            try await h.drain()
            #expect(h.members(of: "Engineering") == ["foreign@example.com", "alice@example.com", "bob@example.com"])
            let audit = try await h.bridge.store.auditEntries(target: "acme")
            let adoption = try #require(audit.first { $0.action.hasPrefix("adopted") })
            #expect(adoption.detail["membersKept"]?.arrayValue?.count == 1)

            try await h.expectMergeRemovesOnlyBridgeAddedMembers(c, ids: ids, foreign: "foreign@example.com")
            #expect(h.emulator.state().group(named: "Engineering") != nil)
        }
    }

    /// A member the target already had at adoption is not the bridge's; once reconciliation has had to
    /// re-add it (after someone removed it on the target), it is, and a later source removal takes it away.
    @Test func mergeCountsMembersReAddedByReconciliationAsBridgeAdded() async throws {
        try await SCIMHarness.with(policy: .merge) { h, c in
            let ids = try await pushPingOneSample(c, h.token)
            let shared = try #require(
                try await c.post("/scim/v2/pingone/Users", token: h.token, Bodies.user("foreign@example.com")).body?[
                    "id"
                ]?.stringValue
            )
            try await c.addMember(shared, to: ids["Engineering"]!, token: h.token)
            try await h.drain()
            #expect(h.members(of: "Engineering") == ["foreign@example.com", "alice@example.com", "bob@example.com"])

            // Drift: the shared member is removed on the target; sync puts it back.
            let state = h.emulator.state()
            let eng = try #require(state.group(named: "Engineering")?["id"]?.stringValue)
            let sharedOnTarget = try #require(state.user(named: "foreign@example.com")?["id"]?.stringValue)
            try await h.connector.removeMembers(groupID: eng, members: [sharedOnTarget])
            let reconciler = Reconciler(sync: try h.sync())
            let channel = try #require(try await h.bridge.store.channel(named: "pingone"))
            try await reconciler.execute(try await reconciler.plan(channels: [channel]).steps, channels: [channel])
            #expect(h.members(of: "Engineering") == ["foreign@example.com", "alice@example.com", "bob@example.com"])

            // Now the source removes it: the bridge added it last, so the bridge removes it.
            try await c.removeMember(shared, from: ids["Engineering"]!, token: h.token)
            try await h.drain()
            #expect(h.members(of: "Engineering") == ["alice@example.com", "bob@example.com"])
        }
    }

    /// The target created the group, then the call adding its remaining members failed: the retry finds
    /// a same-named group, and must recognise it as the bridge's own rather than block it under `fail`.
    @Test func anInterruptedCreationIsFinishedNotTakenForACollision() async throws {
        try await SCIMHarness.with(policy: .fail) { h, c in
            var members: [String] = []
            for i in 0..<101 {  // one more than the connector sends in the POST
                members.append(
                    try #require(
                        try await c.post("/scim/v2/pingone/Users", token: h.token, Bodies.user("m\(i)@example.com"))
                            .body?["id"]?.stringValue
                    )
                )
            }
            try await h.drain()
            h.emulator.failNext(1, method: "PATCH", pathPrefix: "/Groups", with: .status(503))
            let g = try #require(
                try await c.post("/scim/v2/pingone/Groups", token: h.token, Bodies.group("Big", members: members))
                    .body?["id"]?.stringValue
            )
            try await h.drain()
            #expect(h.members(of: "Big").count == 101)
            let channel = try #require(try await h.bridge.store.channel(named: "pingone"))
            let mapping = try await h.bridge.store.mapping(
                target: "acme",
                channel: channel,
                kind: .group,
                canonicalID: g
            )
            #expect(mapping?.origin == .created)
            #expect(try await h.bridge.store.auditEntries(target: "acme").contains { $0.action == "blocked" } == false)
            #expect(h.emulator.state().counters.faults.values.reduce(0, +) == 1)
        }
    }

    @Test func overwriteMakesMembersExactlyTheSourceAndOwnsTheGroup() async throws {
        try await SCIMHarness.with(policy: .overwrite) { h, c in
            let ids = try await pushPingOneSample(c, h.token)
            try await h.drain()
            #expect(h.members(of: "Engineering") == ["alice@example.com", "bob@example.com"])
            let audit = try await h.bridge.store.auditEntries(target: "acme")
            let adoption = try #require(audit.first { $0.action.hasPrefix("adopted") })
            #expect(adoption.detail["membersRemoved"]?.arrayValue?.count == 1)

            #expect(try await c.delete("/scim/v2/pingone/Groups/\(ids["Engineering"]!)", token: h.token).status == 204)
            try await h.drain()
            #expect(h.emulator.state().group(named: "Engineering") == nil)
        }
    }

    @Test func renameRemovalAndDisableReachTheTarget() async throws {
        try await SCIMHarness.with(policy: .overwrite) { h, c in
            let ids = try await pushPingOneSample(c, h.token)
            try await h.drain()
            try await c.renameGroup(ids["Sales"]!, to: "Sales EMEA", token: h.token)
            try await c.disableUser(ids["bob"]!, userName: "bob@example.com", token: h.token)
            try await h.drain()
            let state = h.emulator.state()
            #expect(state.group(named: "Sales") == nil)
            #expect(h.members(of: "Sales EMEA") == ["carol@example.com"])
            #expect(state.user(named: "bob@example.com")?["active"] == false)
        }
    }

    @Test func planShowsDriftAndSyncRepairsIt() async throws {
        try await SCIMHarness.with(policy: .overwrite) { h, c in
            _ = try await pushPingOneSample(c, h.token)
            try await h.drain()
            let state = h.emulator.state()
            let eng = try #require(state.group(named: "Engineering")?["id"]?.stringValue)
            let sales = try #require(state.group(named: "Sales")?["id"]?.stringValue)
            let alice = try #require(state.user(named: "alice@example.com")?["id"]?.stringValue)
            let foreign = try #require(state.user(named: "foreign@example.com")?["id"]?.stringValue)
            // Drift made behind the bridge's back, through the target's own API.
            let target = h.connector
            try await target.removeMembers(groupID: eng, members: [alice])
            try await target.addMembers(groupID: sales, members: [foreign])

            let reconciler = Reconciler(sync: try h.sync())
            let channel = try #require(try await h.bridge.store.channel(named: "pingone"))
            let plan = try await reconciler.plan(channels: [channel])
            #expect(plan.steps.count == 2)
            #expect(plan.steps.adds([alice], to: eng))
            #expect(plan.steps.removes([foreign], from: sales))
            // Planning changed nothing.
            #expect(h.members(of: "Engineering") == ["bob@example.com"])

            try await reconciler.execute(plan.steps, channels: [channel])
            #expect(h.members(of: "Engineering") == ["alice@example.com", "bob@example.com"])
            #expect(h.members(of: "Sales") == ["carol@example.com"])
            #expect(try await reconciler.plan(channels: [channel]).steps.isEmpty)
        }
    }

    @Test func syncExecutesThePlanPastAUserTheTargetRefusesAndNamesIt() async throws {
        try await SCIMHarness.with(policy: .overwrite) { h, c in
            _ = try await pushPingOneSample(c, h.token)
            try await h.drain()
            // Two users the target refused during delivery: drift the plan finds.
            h.emulator.failNext(2, method: "POST", pathPrefix: "/Users", with: .status(400))
            for name in ["erin", "frank"] {
                _ = try await c.post("/scim/v2/pingone/Users", token: h.token, Bodies.user("\(name)@example.com"))
            }
            try await h.drain()
            let reconciler = Reconciler(sync: try h.sync())
            let channel = try #require(try await h.bridge.store.channel(named: "pingone"))
            let plan = try await reconciler.plan(channels: [channel])
            #expect(plan.steps.count == 2)
            // The target refuses the first of them once more; the second step still runs.
            h.emulator.failNext(1, method: "POST", pathPrefix: "/Users", with: .status(400))
            await #expect {
                try await reconciler.execute(plan.steps, channels: [channel])
            } throws: { error in
                (error as? Reconciler.UsersRefused)?.refused.count == 1
            }
            let present = ["erin@example.com", "frank@example.com"].filter { h.emulator.state().user(named: $0) != nil }
            #expect(present.count == 1)
            #expect(try await reconciler.plan(channels: [channel]).steps.count == 1)
        }
    }

    @Test func aUserDeletedWhileItsCreationWentUnansweredIsRemovedFromTheTarget() async throws {
        try await SCIMHarness.with(policy: .overwrite, removal: .delete) { h, c in
            h.emulator.failNext(1, method: "POST", pathPrefix: "/Users", with: .loseResponse)
            let gina = try #require(
                try await c.post("/scim/v2/pingone/Users", token: h.token, Bodies.user("gina@example.com")).body?["id"]?
                    .stringValue
            )
            _ = try await h.worker.drainOnce()  // the target creates gina; the bridge never hears of it
            #expect(h.emulator.state().user(named: "gina@example.com") != nil)
            #expect(try await c.delete("/scim/v2/pingone/Users/\(gina)", token: h.token).status == 204)
            try await h.drain()
            #expect(
                h.emulator.state().user(named: "gina@example.com") == nil,
                "the bridge's own creation is found by its match key and removed"
            )
            #expect(try await h.bridge.store.deadOutboxEntries(target: "acme", limit: 10).isEmpty)
        }
    }

    /// After the sample push: group "Ops" is pushed and the target creates it, but its answer is lost.
    static func createOpsUnanswered(_ h: SyncHarness<SCIMEmulator>, _ c: SCIMClient) async throws -> String {
        _ = try await pushPingOneSample(c, h.token)
        try await h.drain()
        h.emulator.failNext(1, method: "POST", pathPrefix: "/Groups", with: .loseResponse)
        let ops = try #require(
            try await c.post("/scim/v2/pingone/Groups", token: h.token, Bodies.group("Ops")).body?["id"]?.stringValue
        )
        _ = try await h.worker.drainOnce()  // the target creates "Ops"; the bridge never hears of it
        return ops
    }

    @Test func aGroupRenamedWhileItsCreationWentUnansweredIsFinishedNotDuplicated() async throws {
        try await SCIMHarness.with(policy: .fail) { h, c in
            let ops = try await Self.createOpsUnanswered(h, c)
            try await c.renameGroup(ops, to: "Ops EMEA", token: h.token)
            try await h.drain()
            let state = h.emulator.state()
            #expect(state.group(named: "Ops") == nil)
            #expect(state.group(named: "Ops EMEA") != nil)
            #expect(state.groups.count == 3, "Engineering, Sales and Ops EMEA: no orphan")
            let channel = try #require(try await h.bridge.store.channel(named: "pingone"))
            #expect(
                try await h.bridge.store.mapping(target: "acme", channel: channel, kind: .group, canonicalID: ops)?
                    .origin == .created
            )
        }
    }

    @Test func aLostAnswerOnTheRenameThatFinishesACreationLeavesTheGroupTheBridgesOwn() async throws {
        try await SCIMHarness.with(policy: .fail) { h, c in
            let ops = try await Self.createOpsUnanswered(h, c)
            // Finishing the creation renames the group; the target applies the rename, the answer is lost.
            h.emulator.failNext(1, method: "PATCH", pathPrefix: "/Groups", with: .loseResponse)
            try await c.renameGroup(ops, to: "Ops EMEA", token: h.token)
            try await h.drain()
            let channel = try #require(try await h.bridge.store.channel(named: "pingone"))
            #expect(
                try await h.bridge.store.mapping(target: "acme", channel: channel, kind: .group, canonicalID: ops)?
                    .origin == .created,
                "the renamed group is still known as the bridge's own, not blocked as a same-named stranger"
            )
            #expect(try await c.delete("/scim/v2/pingone/Groups/\(ops)", token: h.token).status == 204)
            try await h.drain()
            let state = h.emulator.state()
            #expect(state.group(named: "Ops EMEA") == nil, "the deletion reaches the group the bridge created")
            #expect(state.groups.count == 2, "Engineering and Sales")
            #expect(try await h.bridge.store.deadOutboxEntries(target: "acme", limit: 10).isEmpty)
        }
    }

    @Test func overwriteAdoptionInterruptedByAFailedCallStillRemovesForeignMembers() async throws {
        try await SCIMHarness.with(policy: .overwrite) { h, c in
            // The adoption's first member call (add alice and bob) fails after the group was found.
            h.emulator.failNext(1, method: "PATCH", pathPrefix: "/Groups", with: .internalServerError)
            _ = try await pushPingOneSample(c, h.token)
            try await h.drain()
            #expect(h.members(of: "Engineering") == ["alice@example.com", "bob@example.com"])
            #expect(h.emulator.state().counters.faultsInjected == 1)
            let audit = try await h.bridge.store.auditEntries(target: "acme")
            #expect(audit.filter { $0.action.hasPrefix("adopted") }.count == 1)
        }
    }

    @Test func mergeAdoptionWhoseAddAnswerWasLostStillOwnsTheMembersItAdded() async throws {
        try await SCIMHarness.with(policy: .merge) { h, c in
            // The target applies the adoption's add but the answer is lost: the retry finds alice and
            // bob already present, and the bridge must still own them.
            h.emulator.failNext(1, method: "PATCH", pathPrefix: "/Groups", with: .loseResponse)
            let ids = try await pushPingOneSample(c, h.token)
            try await h.drain()
            #expect(h.members(of: "Engineering") == ["foreign@example.com", "alice@example.com", "bob@example.com"])
            try await c.removeMember(ids["alice"]!, from: ids["Engineering"]!, token: h.token)
            try await h.drain()
            #expect(h.members(of: "Engineering") == ["foreign@example.com", "bob@example.com"])
        }
    }

    @Test func aMemberTheTargetRefusesIsSkippedAndJoinsWhenItsRetrySucceeds() async throws {
        try await SCIMHarness.with(policy: .fail) { h, c in
            // Every attempt to create dana fails with 400: her own event's, the group link's and that of
            // the group's membership event.
            h.emulator.failNext(3, method: "POST", pathPrefix: "/Users", with: .status(400))
            let dana = try #require(
                try await c.post("/scim/v2/pingone/Users", token: h.token, Bodies.user("dana@example.com")).body?["id"]?
                    .stringValue
            )
            let ops = try #require(
                try await c.post("/scim/v2/pingone/Groups", token: h.token, Bodies.group("Ops", members: [dana])).body?[
                    "id"
                ]?.stringValue
            )
            try await h.drain()
            #expect(h.emulator.state().group(named: "Ops") != nil, "the group is linked without the refused member")
            #expect(h.members(of: "Ops").isEmpty)
            let dead = try await h.bridge.store.deadOutboxEntries(target: "acme", limit: 10).map(\.resourceKey)
            #expect(dead == ["user:\(dana)"])
            let skipped = try await h.bridge.store.auditEntries(target: "acme").filter { $0.action == "member skipped" }
            #expect(
                !skipped.isEmpty
                    && skipped.allSatisfy { $0.resourceKey == "group:\(ops)" && $0.detail["user"]?.stringValue == dana }
            )

            // An administrator requeues the dead letter; this time the target takes dana, and she joins Ops.
            #expect(try await h.bridge.store.retryDeadOutboxEntries(target: "acme") == 1)
            try await h.drain()
            #expect(h.members(of: "Ops") == ["dana@example.com"])
            #expect(
                try await h.bridge.store.bridgeAddedMembers(
                    target: "acme",
                    channel: try #require(try await h.bridge.store.channel(named: "pingone")),
                    group: ops
                ) == [dana]
            )
        }
    }

    @Test func convergesUnderInjectedFaults() async throws {
        let faults = FaultPlan(
            seed: 7,
            random: [
                .init(probability: 0.1, fault: .tooManyRequests(retryAfter: 0)),
                .init(probability: 0.05, fault: .internalServerError),
                .init(probability: 0.05, fault: .dropConnection),
                .init(probability: 0.05, fault: .loseResponse),
            ]
        )
        try await SCIMHarness.with(policy: .overwrite, faults: faults) { h, c in
            let ids = try await pushPingOneSample(c, h.token)
            try await c.addMember(ids["alice"]!, to: ids["Sales"]!, token: h.token)
            try await h.drain()
            #expect(h.members(of: "Engineering") == ["alice@example.com", "bob@example.com"])
            #expect(h.members(of: "Sales") == ["carol@example.com", "alice@example.com"])
            #expect(h.emulator.state().counters.faultsInjected > 0)
            #expect(try await h.bridge.store.outboxCounts(target: "acme")["dead"] == nil)
        }
    }
}

/// Scale and randomised convergence.
@Suite("Sync convergence")
struct SyncConvergenceTests {
    @Test func thousandGroupsInOneChannelReachTheTarget() async throws {
        try await SCIMHarness.with(policy: .fail) { h, c in
            var users: [String] = []
            for i in 0..<10 {
                users.append(
                    try #require(
                        try await c.post("/scim/v2/pingone/Users", token: h.token, Bodies.user("u\(i)")).body?["id"]?
                            .stringValue
                    )
                )
            }
            for i in 0..<1000 {
                let r = try await c.post(
                    "/scim/v2/pingone/Groups",
                    token: h.token,
                    Bodies.group("team-\(i)", members: [users[i % 10]])
                )
                #expect(r.status == 201)
            }
            let t0 = ContinuousClock.now
            try await h.drain()
            print("1,000 groups delivered in \(ContinuousClock.now - t0): \(h.emulator.state().counters.requests)")
            let state = h.emulator.state()
            let names = Set(state.groups.compactMap { $0["displayName"]?.stringValue })
            #expect(names.count == 1001)  // the thousand, and the seeded "Engineering"
            #expect(h.members(of: "team-999") == ["u9"])
        }
    }

    /// Random inbound operations under random target faults always end with the target equal to the source.
    @Test(arguments: [11, 22, 33] as [UInt64])
    func randomOperationsConverge(seed: UInt64) async throws {
        let faults = FaultPlan(
            seed: seed,
            random: [
                .init(probability: 0.1, fault: .tooManyRequests(retryAfter: 0)),
                .init(probability: 0.05, fault: .serviceUnavailable(retryAfter: 0)),
                .init(probability: 0.05, fault: .dropConnection),
                .init(probability: 0.05, fault: .loseResponse),
            ]
        )
        try await SCIMHarness.with(policy: .overwrite, faults: faults, removal: .delete) { h, c in
            var rng = SplitMix(state: seed)
            var users: [String: String] = [:]  // userName -> id
            var groups: [String: String] = [:]  // displayName -> id
            for step in 0..<60 {
                switch rng.next() % 7 {
                case 0, 1:
                    let name = "user\(step)"
                    let r = try await c.post("/scim/v2/pingone/Users", token: h.token, Bodies.user(name))
                    users[name] = r.body?["id"]?.stringValue
                case 2:
                    let name = "group\(step)"
                    let members = users.values.filter { _ in rng.next() % 2 == 0 }
                    let r = try await c.post(
                        "/scim/v2/pingone/Groups",
                        token: h.token,
                        Bodies.group(name, members: Array(members))
                    )
                    groups[name] = r.body?["id"]?.stringValue
                case 3:
                    guard let g = groups.values.randomElement(using: &rng),
                        let u = users.values.randomElement(using: &rng)
                    else { continue }
                    let op: JSONValue =
                        rng.next() % 2 == 0
                        ? ["op": "add", "path": "members", "value": [["value": .string(u)]]]
                        : ["op": "remove", "path": .string("members[value eq \"\(u)\"]")]
                    _ = try await c.patch("/scim/v2/pingone/Groups/\(g)", token: h.token, Bodies.patch([op]))
                case 4:
                    guard let (name, id) = groups.randomElement(using: &rng) else { continue }
                    let renamed = "\(name)-r\(step)"
                    _ = try await c.patch(
                        "/scim/v2/pingone/Groups/\(id)",
                        token: h.token,
                        Bodies.patch([["op": "replace", "path": "displayName", "value": .string(renamed)]])
                    )
                    groups[name] = nil
                    groups[renamed] = id
                case 5:
                    guard let (name, id) = users.randomElement(using: &rng) else { continue }
                    _ = try await c.delete("/scim/v2/pingone/Users/\(id)", token: h.token)
                    users[name] = nil
                default:
                    guard let (name, id) = groups.randomElement(using: &rng) else { continue }
                    _ = try await c.delete("/scim/v2/pingone/Groups/\(id)", token: h.token)
                    groups[name] = nil
                }
                if rng.next() % 5 == 0 { try await h.worker.drainOnce() }  // deliver while changes keep arriving
            }
            try await h.drain()
            let state = h.emulator.state()
            // Users: exactly the source's (plus the seeded foreign one).
            let targetUsers = Set(state.users.compactMap { $0["userName"]?.stringValue }).subtracting([
                "foreign@example.com"
            ])
            #expect(targetUsers == Set(users.keys))
            // Groups: exactly the source's names, each with exactly the source's members.
            let targetGroups = Set(state.groups.compactMap { $0["displayName"]?.stringValue }).subtracting([
                "Engineering"
            ])
            #expect(targetGroups == Set(groups.keys))
            let namesByID = Dictionary(uniqueKeysWithValues: users.map { ($0.value, $0.key) })
            for (name, id) in groups {
                let source = try await c.get("/scim/v2/pingone/Groups/\(id)", token: h.token)
                let expected = Set(
                    source.body?["members"]?.arrayValue?.compactMap {
                        $0["value"]?.stringValue.flatMap { namesByID[$0] }
                    } ?? []
                )
                #expect(h.members(of: name) == expected, "group \(name)")
            }
            let dead = try await h.bridge.store.deadOutboxEntries(target: "acme", limit: 10)
            #expect(dead.isEmpty, "\(dead.map { "\($0.resourceKey): \($0.lastError ?? "")" })")
        }
    }
}

/// A small seeded generator so random tests replay exactly.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
