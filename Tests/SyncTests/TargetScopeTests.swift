import BridgeConfig
import BridgeRuntime
import Emulators
import Foundation
import Logging
import Membership
import SCIM
import Store
import Sync
import TestSupport
import Testing

/// `scope.groups`: a target receives only the groups its patterns and filter admit; a group that
/// leaves the scope is unlinked as its deletion would be; a changed scope is queued at start-up and
/// shown by `plan` first.
@Suite("Target scope")
struct TargetScopeTests {
    static func scope(include: [String] = [], exclude: [String] = [], filter: String? = nil) throws -> TargetScope {
        TargetScope(
            include: try include.map(GlobPattern.init),
            exclude: try exclude.map(GlobPattern.init),
            filter: try filter.map(TargetScope.groupFilter)
        )
    }

    /// The reconciler `plan` and `sync` would build for the harness's target under `settings`.
    static func reconciler(_ h: SyncHarness<MSGraphEmulator>, _ settings: TargetSettings) throws -> Reconciler {
        guard
            case .groupCentric(let reconciler) = TargetServices.reconciler(
                settings,
                .groupCentric(h.connector),
                store: h.bridge.store,
                logger: Self.quiet
            )
        else { throw CancellationError() }
        return reconciler
    }

    static var quiet: Logger {
        var logger = Logger(label: "scope")
        logger.logLevel = .critical
        return logger
    }

    static func scoped(_ scope: TargetScope) -> (inout SyncOptions) -> Void {
        { options in options.settings = { $0.scope = scope } }
    }

    @Test func globsMatchWithoutRegardToCase() throws {
        let eng = try GlobPattern("eng-*")
        #expect(eng.matches("ENG-platform") && eng.matches("eng-") && !eng.matches("engineering"))
        #expect(try GlobPattern("team-?").matches("Team-A") && !GlobPattern("team-?").matches("team-AB"))
        #expect(try GlobPattern("*ops*").matches("DevOps EMEA"))
        #expect(throws: GlobPattern.Invalid.self) { try GlobPattern("eng-[ab]") }
        #expect(throws: GlobPattern.Invalid.self) { try GlobPattern("") }
    }

    @Test func includeExcludeAndFilterAllDecide() throws {
        let s = try Self.scope(
            include: ["eng*", "sales"],
            exclude: ["eng-contractors"],
            filter: #"displayName ne "Sales""#
        )
        #expect(s.includes(group: ["displayName": "Engineering"]))
        #expect(!s.includes(group: ["displayName": "eng-contractors"]), "excluded")
        #expect(!s.includes(group: ["displayName": "Marketing"]), "not included")
        #expect(!s.includes(group: ["displayName": "Sales"]), "included by name, refused by the filter")
        #expect(TargetScope.everything.includes(group: ["displayName": "anything"]))
    }

    /// Only the in-scope group reaches Graph; renamed out of the scope it is deleted there (the bridge
    /// created it: `overwrite` owns it), renamed back in it is linked again.
    @Test func aGroupRenamedOutOfScopeIsUnlinkedAndBackInIsLinkedAgain() async throws {
        let scope = try Self.scope(include: ["eng*"])
        try await MSGraphHarness.with(policy: .overwrite, options: Self.scoped(scope)) { h, c in
            let ids = try await pushPingOneSample(c, h.token)
            try await h.drain()
            var state = h.emulator.state()
            #expect(state.groups.map { $0["displayName"]?.stringValue } == ["Engineering"], "Sales is out of scope")
            #expect(h.members(of: "Engineering") == ["alice@example.com", "bob@example.com"])

            try await c.renameGroup(ids["Engineering"]!, to: "R&D", token: h.token)
            try await h.drain()
            state = h.emulator.state()
            #expect(state.groups.isEmpty, "renamed out of the scope: unlinked as a deletion would be")
            #expect(try await h.mapping(group: ids["Engineering"]!) == nil)
            let audit = try await h.bridge.store.auditEntries(target: h.target)
            #expect(
                audit.contains {
                    $0.action == "unlinked: out of scope" && $0.resourceKey == "group:\(ids["Engineering"]!)"
                }
            )

            try await c.renameGroup(ids["Engineering"]!, to: "eng-platform", token: h.token)
            try await c.addMember(ids["carol"]!, to: ids["Sales"]!, token: h.token)  // still out of scope
            try await h.drain()
            #expect(h.members(of: "eng-platform") == ["alice@example.com", "bob@example.com"])
            #expect(h.emulator.state().groups.count == 1)
            #expect(try await h.deadLetters().isEmpty)
        }
    }

    /// Under `merge`, a group that leaves the scope keeps everyone but the members the bridge added.
    @Test func underMergeLeavingTheScopeRemovesOnlyTheBridgesMembers() async throws {
        let scope = try Self.scope(exclude: ["*-old"])
        try await MSGraphHarness.with(policy: .merge, collidingGroup: true, options: Self.scoped(scope)) { h, c in
            let ids = try await pushPingOneSample(c, h.token)
            try await h.drain()
            try await h.expectMergeAdopted(foreign: "foreign@example.com")
            try await c.renameGroup(ids["Engineering"]!, to: "Engineering-old", token: h.token)
            try await h.drain()
            #expect(h.members(of: "Engineering") == ["foreign@example.com"])
            #expect(try await h.deadLetters().isEmpty)
        }
    }

    /// A scope changed in the configuration: `plan` shows the unlink and the link first, start-up
    /// queues every group, and the worker applies the difference.
    @Test func aChangedScopeIsPlannedThenQueuedAtStartUpAndApplied() async throws {
        try await MSGraphHarness.with(policy: .overwrite) { h, c in
            _ = try await pushPingOneSample(c, h.token)
            try await h.drain()
            #expect(h.emulator.state().groups.count == 2)

            // The configuration now scopes the target to "Sales" only.
            var settings = h.settings
            settings.scope = try Self.scope(include: ["sales"])
            let reconciler = try Self.reconciler(h, settings)
            let channel = try await h.channel()
            let plan = try await reconciler.plan(channels: [channel])
            #expect(
                plan.steps.map(\.description).contains {
                    $0.hasPrefix("DELETE /Groups/") && $0.hasSuffix("(Engineering) out of scope")
                },
                "\(plan.steps.map(\.description))"
            )
            #expect(h.emulator.state().groups.count == 2, "planning changes nothing")

            let config = BridgeConfiguration(
                channels: [ChannelSettings(name: "pingone", targets: [settings.name])],
                targets: [settings]
            )
            try await TargetServices.prepare(config, store: h.bridge.store, logger: Self.quiet)
            #expect(try await h.bridge.store.outboxCounts(target: h.target)["pending"] == 2, "both groups queued")
            try await TargetServices.prepare(config, store: h.bridge.store, logger: Self.quiet)
            #expect(
                try await h.bridge.store.outboxCounts(target: h.target)["pending"] == 2,
                "once: the scope is recorded"
            )

            let worker = TargetWorker(
                target: settings.name,
                store: h.bridge.store,
                sync: TargetServices.processor(
                    settings,
                    .groupCentric(h.connector),
                    store: h.bridge.store,
                    logger: Self.quiet
                ),
                concurrency: 1,
                maxAttempts: 5,
                backoff: Backoff(base: .milliseconds(5), cap: .milliseconds(50)),
                logger: Self.quiet
            )
            while try await worker.drainOnce() {}
            #expect(h.emulator.state().groups.map { $0["displayName"]?.stringValue } == ["Sales"])
            #expect(try await reconciler.plan(channels: [channel]).steps.isEmpty)
        }
    }

    /// `users: groupMembers`: only members of in-scope groups are provisioned; one removed from its
    /// last in-scope group, or whose group leaves the scope, gets the removal action, and comes back
    /// when it enters the scope again.
    @Test func groupMembersOnlyFollowTheirGroupsInAndOutOfScope() async throws {
        var scope = try Self.scope(include: ["eng*"])
        scope.users = .groupMembers
        try await MSGraphHarness.with(policy: .overwrite, options: Self.scoped(scope)) { h, c in
            let ids = try await pushPingOneSample(c, h.token)
            try await h.drain()
            var state = h.emulator.state()
            #expect(
                Set(state.users.compactMap { $0["userPrincipalName"]?.stringValue }) == [
                    "alice@example.com", "bob@example.com",
                ]
            )

            try await c.removeMember(ids["bob"]!, from: ids["Engineering"]!, token: h.token)
            try await h.drain()
            state = h.emulator.state()
            #expect(
                state.user(principalName: "bob@example.com")?["accountEnabled"] == false,
                "bob left the scope: disabled"
            )
            #expect(state.user(principalName: "alice@example.com")?["accountEnabled"] == true)
            let audit = try await h.bridge.store.auditEntries(target: h.target)
            #expect(
                audit.contains {
                    $0.action == "user deprovisioned: out of scope" && $0.resourceKey == "user:\(ids["bob"]!)"
                }
            )

            try await c.addMember(ids["bob"]!, to: ids["Engineering"]!, token: h.token)
            try await h.drain()
            #expect(
                h.emulator.state().user(principalName: "bob@example.com")?["accountEnabled"] == true,
                "back in scope"
            )
            #expect(h.members(of: "Engineering") == ["alice@example.com", "bob@example.com"])

            try await c.renameGroup(ids["Engineering"]!, to: "R&D", token: h.token)
            try await h.drain()
            state = h.emulator.state()
            #expect(state.groups.isEmpty)
            #expect(
                state.users.allSatisfy { $0["accountEnabled"] == false },
                "members only through the group leave with it"
            )
            #expect(try await h.deadLetters().isEmpty)
        }
    }

    /// `userFilter`: a member the filter refuses is neither provisioned nor added; the group goes on
    /// without it, and the skip is audited.
    @Test func aUserFilterKeepsOutTheUsersItRefuses() async throws {
        var scope = TargetScope.everything
        scope.userFilter = try TargetScope.userFilter(#"userName sw "a""#)
        try await MSGraphHarness.with(policy: .overwrite, options: Self.scoped(scope)) { h, c in
            let ids = try await pushPingOneSample(c, h.token)
            try await h.drain()
            let state = h.emulator.state()
            #expect(state.users.compactMap { $0["userPrincipalName"]?.stringValue } == ["alice@example.com"])
            #expect(h.members(of: "Engineering") == ["alice@example.com"])
            #expect(h.members(of: "Sales").isEmpty)
            let audit = try await h.bridge.store.auditEntries(target: h.target)
            #expect(
                audit.contains {
                    $0.action == "member skipped: out of scope" && $0.detail["user"]?.stringValue == ids["bob"]
                }
            )
            #expect(try await h.deadLetters().isEmpty)
        }
    }

    /// A plan under a narrower user scope deprovisions the users now outside it.
    @Test func aPlanDeprovisionsTheUsersANarrowerUserScopeLeavesOut() async throws {
        try await MSGraphHarness.with(policy: .overwrite) { h, c in
            let ids = try await pushPingOneSample(c, h.token)
            try await h.drain()
            var settings = h.settings
            settings.scope = try Self.scope(include: ["engineering"])
            settings.scope.users = .groupMembers
            let reconciler = try Self.reconciler(h, settings)
            let channel = try await h.channel()
            let plan = try await reconciler.plan(channels: [channel])
            let carol = plan.steps.filter { $0.resourceKey == "user:\(ids["carol"]!)" }
            #expect(
                carol.map(\.description).contains {
                    $0.contains("carol@example.com") && $0.contains("active true -> false")
                },
                "\(plan.steps.map(\.description))"
            )
            #expect(plan.steps.contains { $0.description.contains("(Sales) out of scope") })
            try await reconciler.execute(plan.steps, channels: [channel])
            let state = h.emulator.state()
            #expect(state.user(principalName: "carol@example.com")?["accountEnabled"] == false)
            #expect(state.groups(named: "Sales").isEmpty)
            #expect(try await reconciler.plan(channels: [channel]).steps.isEmpty)
        }
    }
}

/// The issue's deployment: one PingOne channel fanned out to GitHub EMU (engineering groups and their
/// members only: every user is a paid seat), Slack (everyone) and Google (every group but the
/// contractors'); each emulator ends up holding exactly its scope.
@Suite("Target scope across three targets")
struct FanOutScopeTests {
    static func options(_ name: String, _ scope: TargetScope) -> SyncOptions {
        var options = SyncOptions(target: name)
        options.policy = .overwrite
        options.settings = { $0.scope = scope }
        return options
    }

    @Test func eachTargetHoldsExactlyItsScope() async throws {
        var github = try TargetScopeTests.scope(include: ["eng-*"], exclude: ["eng-contractors"])
        github.users = .groupMembers
        let google = try TargetScopeTests.scope(exclude: ["contractors"])
        let googleEmulator = try GoogleEmulator(configuration: .init(publicKeyPEM: GoogleTestKeys.publicKeyPEM))
        try googleEmulator.seed(users: [["primaryEmail": "admin@example.com"]])
        try await withFanOutHarness(
            (GitHubEMUEmulator(configuration: .init(enterprise: "acme")), Self.options("github", github)),
            (SlackEmulator(configuration: .init(recordRequests: false)), Self.options("slack", .everything)),
            (googleEmulator, Self.options("google", google))
        ) { gh, slack, goog, c in
            var ids: [String: String] = [:]
            for name in ["alice", "bob", "carol", "dave"] {
                let r = try await c.post("/scim/v2/pingone/Users", token: gh.token, GitHubEMUHarness.user(name))
                ids[name] = try #require(r.body?["id"]?.stringValue)
            }
            for (group, members) in [
                ("eng-platform", ["alice", "bob"]), ("eng-contractors", ["dave"]), ("Sales", ["carol"]),
                ("contractors", ["dave"]),
            ] {
                let r = try await c.post(
                    "/scim/v2/pingone/Groups",
                    token: gh.token,
                    Bodies.group(group, members: members.map { ids[$0]! })
                )
                ids[group] = try #require(r.body?["id"]?.stringValue)
            }
            try await gh.drain()
            try await slack.drain()
            try await goog.drain()

            let ghState = gh.emulator.state()
            #expect(ghState.groups.compactMap { $0["displayName"]?.stringValue } == ["eng-platform"])
            #expect(
                Set(ghState.users.compactMap { $0["userName"]?.stringValue }) == [
                    "alice@example.com", "bob@example.com",
                ]
            )
            #expect(slack.emulator.state().groups.count == 4)
            #expect(slack.emulator.state().users.count == 4)
            #expect(
                Set(goog.emulator.state().groups.compactMap { $0["name"]?.stringValue }) == [
                    "eng-platform", "eng-contractors", "Sales",
                ]
            )
            #expect(goog.members(of: "eng-contractors") == ["dave@example.com"])

            // Renamed out of GitHub's pattern: unlinked there, and its members, in no other in-scope
            // group, suspended; the others only see the rename.
            try await c.renameGroup(ids["eng-platform"]!, to: "platform", token: gh.token)
            try await gh.drain()
            try await slack.drain()
            try await goog.drain()
            let after = gh.emulator.state()
            #expect(after.groups.isEmpty)
            #expect(after.users.allSatisfy { $0["active"] == false })
            #expect(slack.members(of: "platform") == ["alice@example.com", "bob@example.com"])
            #expect(goog.members(of: "platform") == ["alice@example.com", "bob@example.com"])
            for h in [try await gh.deadLetters(), try await slack.deadLetters(), try await goog.deadLetters()] {
                #expect(h.isEmpty, "\(h)")
            }
        }
    }
}
