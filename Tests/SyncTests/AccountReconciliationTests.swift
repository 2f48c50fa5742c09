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

/// Reconciliation repairs accounts, on every kind, over real HTTP against the emulators: after a
/// converged push (alice, bob, carol and dave in "Team"; bob then disabled and dave deleted at the
/// source), accounts are changed on the target behind the bridge's back: alice deactivated, bob and
/// dave enabled again, carol's family name changed. `plan` lists exactly those repairs; executing them
/// leaves the target as the identity provider says; a second plan is empty; the audit log holds them.
@Suite("Account reconciliation")
struct AccountReconciliationTests {
    static let names = ["alice", "bob", "carol", "dave"]

    /// The push, drained: canonical ids by name.
    static func push(_ c: SCIMClient, _ token: String, drain: () async throws -> Void) async throws -> [String: String]
    {
        var ids: [String: String] = [:]
        for name in names {
            let r = try await c.post(
                "/scim/v2/pingone/Users",
                token: token,
                Bodies.user("\(name)@example.com", email: "\(name)@example.com")
            )
            ids[name] = try #require(r.body?["id"]?.stringValue)
        }
        _ = try await c.post(
            "/scim/v2/pingone/Groups",
            token: token,
            Bodies.group("Team", members: names.map { ids[$0]! })
        )
        try await drain()
        _ = try await c.patch(
            "/scim/v2/pingone/Users/\(ids["bob"]!)",
            token: token,
            Bodies.patch([["op": "replace", "path": "active", "value": false]])
        )
        #expect(try await c.delete("/scim/v2/pingone/Users/\(ids["dave"]!)", token: token).status == 204)
        try await drain()
        return ids
    }

    /// The canonical user `name` as PingOne pushed it, with `changes`.
    static func canonical(_ name: String, _ changes: JSONObject = [:]) -> JSONObject {
        var o = Bodies.user("\(name)@example.com", email: "\(name)@example.com").objectValue ?? [:]
        for (k, v) in changes.members { o[k] = v }
        return o
    }

    /// The drift, made through the target's own API: returns the target's users by name as listed first.
    static func drift(_ directory: some TargetUserDirectory, listed: [TargetUser]) async throws -> [String: TargetUser]
    {
        var byName: [String: TargetUser] = [:]
        for name in names {
            byName[name] = try #require(
                listed.first { caseInsensitiveEquals($0.matchKey, "\(name)@example.com") },
                "\(name) not listed"
            )
        }
        #expect(byName["alice"]?.active == true && byName["bob"]?.active == false && byName["dave"]?.active == false)
        try await directory.removeUser(id: byName["alice"]!.id, action: .disable)
        #expect(try await directory.replaceUser(id: byName["bob"]!.id, canonical("bob")))
        #expect(try await directory.replaceUser(id: byName["dave"]!.id, canonical("dave")))
        #expect(
            try await directory.replaceUser(
                id: byName["carol"]!.id,
                canonical("carol", ["name": ["givenName": "Test", "familyName": "Changed"]])
            )
        )
        return byName
    }

    /// Plans, checks the account steps against `expected`, executes, and checks the outcome, the
    /// second plan and the audit log.
    static func repair<R: TargetReconciler>(
        _ reconciler: R,
        channel: Channel,
        ids: [String: String],
        expected: Set<String>,
        list: () async throws -> [TargetUser],
        familyName: (String) -> String = { "\($0)@example.com" }
    ) async throws {
        let plan = try await reconciler.plan(channels: [channel])
        let accountSteps = plan.steps.filter { $0.resourceKey.hasPrefix("user:") }
        #expect(Set(accountSteps.map(\.description)) == expected)
        #expect(accountSteps.count == expected.count)
        #expect(Set(accountSteps.map(\.resourceKey)) == Set(names.map { "user:\(ids[$0]!)" }))
        // Planning changed nothing.
        #expect(try await list().first { caseInsensitiveEquals($0.matchKey, "alice@example.com") }?.active == false)

        try await reconciler.execute(plan.steps, channels: [channel]) { _, _ in }
        let after = try await list()
        func account(_ name: String) -> TargetUser? {
            after.first { caseInsensitiveEquals($0.matchKey, "\(name)@example.com") }
        }
        #expect(account("alice")?.active == true)
        #expect(account("bob")?.active == false)
        #expect(account("carol")?.active == true)
        #expect(account("carol")?.attributes["name.familyName"] == familyName("carol"))
        #expect(account("dave")?.active != true)
        #expect(try await reconciler.plan(channels: [channel]).steps.map(\.description) == [])

        let audit = try await reconciler.store.auditEntries(target: reconciler.target)
            .filter { $0.action == "user repaired" || $0.action == "user deprovisioned again" }
        #expect(
            Set(audit.map { "\($0.action) \($0.resourceKey)" }) == [
                "user repaired user:\(ids["alice"]!)", "user deprovisioned again user:\(ids["bob"]!)",
                "user repaired user:\(ids["carol"]!)", "user deprovisioned again user:\(ids["dave"]!)",
            ]
        )
        #expect(audit.count == 4)
        let carol = audit.first { $0.resourceKey == "user:\(ids["carol"]!)" }
        #expect(
            carol?.detail["differences"]?.arrayValue?.contains {
                $0["attribute"] == "name.familyName" && $0["target"] == "Changed"
            } == true
        )
    }

    /// The push, the drift and the repair on a group-centric target (SCIM, GitHub EMU, Slack);
    /// `expected` gives the account steps planned, from the target's users by name.
    static func repairGroupCentric<E: HarnessEmulator>(
        _ h: SyncHarness<E>,
        _ c: SCIMClient,
        expected: ([String: TargetUser]) -> Set<String>
    ) async throws where E.Connector: GroupCentricConnector {
        let ids = try await push(c, h.token, drain: { try await h.drain() })
        let t = try await drift(h.connector, listed: try await h.connector.listUsers())
        try await repair(
            Reconciler(sync: try h.sync()),
            channel: try await h.channel(),
            ids: ids,
            expected: expected(t),
            list: { try await h.connector.listUsers() }
        )
    }

    @Test func genericSCIM() async throws {
        try await SCIMHarness.with(policy: .merge) { h, c in
            try await Self.repairGroupCentric(h, c) { t in
                [
                    "PUT /Users/\(t["alice"]!.id)  userName=alice@example.com active false -> true",
                    "PUT /Users/\(t["bob"]!.id)  userName=bob@example.com active true -> false",
                    #"PUT /Users/\#(t["carol"]!.id)  userName=carol@example.com name.familyName "Changed" -> "carol@example.com""#,
                    "PATCH /Users/\(t["dave"]!.id)  userName=dave@example.com active true -> false (deleted at the source)",
                ]
            }
            #expect(h.emulator.state().user(named: "dave@example.com")?["active"] == false)
        }
    }

    @Test func gitHubEMU() async throws {
        try await GitHubEMUHarness.with(policy: .merge) { h, c in
            try await Self.repairGroupCentric(h, c) { t in
                [
                    "PUT /Users/\(t["alice"]!.id)  userName=alice@example.com active false -> true",
                    "PUT /Users/\(t["bob"]!.id)  userName=bob@example.com active true -> false",
                    // GitHub's displayName is derived from the name, so it drifted with it.
                    #"PUT /Users/\#(t["carol"]!.id)  userName=carol@example.com displayName "Test Changed" -> "Test carol@example.com", name.familyName "Changed" -> "carol@example.com""#,
                    "PATCH /Users/\(t["dave"]!.id)  userName=dave@example.com active true -> false (deleted at the source)",
                ]
            }
            let state = h.emulator.state()
            #expect(state.user(named: "alice@example.com")?["active"] == true)
            #expect(state.user(named: "dave@example.com")?["active"] == false)
            #expect(state.user(named: "carol@example.com")?["displayName"] == "Test carol@example.com")
        }
    }

    /// The scheduled pass (`reconcileEvery`) makes the same repairs as `sync`.
    @Test func theScheduledReconciliationRepairsAccounts() async throws {
        try await GitHubEMUHarness.with(policy: .merge) { h, c in
            _ = try await Self.push(c, h.token, drain: { try await h.drain() })
            let sync = try h.sync(GroupCentricSync.self)
            _ = try await Self.drift(sync.connector, listed: try await sync.connector.listUsers())
            var logger = Logger(label: "reconcile-test")
            logger.logLevel = .critical
            let service = ReconcileService(
                reconciler: Reconciler(sync: sync),
                channelNames: ["pingone"],
                period: .seconds(10),
                logger: logger
            )
            #expect(await service.reconcileOnce() == 4)
            let state = h.emulator.state()
            #expect(state.user(named: "alice@example.com")?["active"] == true)
            #expect(state.user(named: "bob@example.com")?["active"] == false)
            #expect(state.user(named: "dave@example.com")?["active"] == false)
            #expect(state.user(named: "carol@example.com")?["name"]?["familyName"] == "carol@example.com")
            #expect(await service.reconcileOnce() == 0)
        }
    }

    @Test func slack() async throws {
        try await SlackHarness.with { h, c in
            try await Self.repairGroupCentric(h, c) { t in
                [
                    "PUT /Users/\(t["alice"]!.id)  userName=alice@example.com active false -> true",
                    "PUT /Users/\(t["bob"]!.id)  userName=bob@example.com active true -> false",
                    #"PUT /Users/\#(t["carol"]!.id)  userName=carol@example.com name.familyName "Changed" -> "carol@example.com""#,
                    // The harness removes users with `delete`, which on Slack deactivates.
                    "DELETE /Users/\(t["dave"]!.id)  userName=dave@example.com (deleted at the source, active on the target)",
                ]
            }
            let users = h.emulator.state().users
            let dave = users.first { $0["emails"]?.arrayValue?.first?["value"] == "dave@example.com" }
            #expect(dave?["active"] == false)
        }
    }

    /// The push, the drift and the repair on a user-centric target (Google, Salesforce), whose repairs
    /// read the same on both.
    static func repairUserCentric<E: HarnessEmulator>(_ h: SyncHarness<E>, _ c: SCIMClient) async throws
    where E.Connector: UserCentricConnector {
        let ids = try await push(c, h.token, drain: { try await h.drain() })
        let t = try await drift(h.connector, listed: try await h.connector.listUsers())
        try await repair(
            UserCentricReconciler(sync: try h.sync()),
            channel: try await h.channel(),
            ids: ids,
            expected: [
                "update user alice@example.com (\(t["alice"]!.id)): active false -> true",
                "update user bob@example.com (\(t["bob"]!.id)): active true -> false",
                #"update user carol@example.com (\#(t["carol"]!.id)): name.familyName "Changed" -> "carol@example.com""#,
                "suspend user dave@example.com (\(t["dave"]!.id)) again: deleted at the source, active on the target",
            ],
            list: { try await h.connector.listUsers() }
        )
    }

    @Test func googleWorkspace() async throws {
        try await GoogleHarness.with(policy: .merge) { h, c in
            try await Self.repairUserCentric(h, c)
        }
    }

    @Test func salesforce() async throws {
        try await SalesforceHarness.with(policy: .merge) { h, c in
            try await Self.repairUserCentric(h, c)
            #expect(h.emulator.state().user(username: "alice@example.com")?["IsActive"] == true)
            #expect(h.emulator.state().user(username: "dave@example.com")?["IsActive"] == false)
        }
    }

    /// Under freeze deprovisioning, a leaver's login unfrozen by hand is frozen again.
    @Test func salesforceFreeze() async throws {
        var settings = SalesforceHarness.standardSettings
        settings.deprovisioning = .freeze
        try await SalesforceHarness.with(policy: .merge, settings: settings) { h, c in
            try await Self.repairUserCentric(h, c)
        }
    }
}
