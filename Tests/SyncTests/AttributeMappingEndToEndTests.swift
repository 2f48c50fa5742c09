import BridgeConfig
import Emulators
import Foundation
import Membership
import SCIM
import Sync
import Synchronization
import TestSupport
import Testing

/// `mapping.user` per kind, over real HTTP: a mapped attribute reaches the emulator as the template
/// makes it, the match key follows the mapped view, and reconciliation then finds nothing to repair
/// (bodies, match keys and comparisons all see the same view). Without `mapping`, the other
/// end-to-end suites show each kind's defaults unchanged.
@Suite("Attribute mappings per target")
struct AttributeMappingEndToEndTests {
    /// Alice Liddell as PingOne sends her.
    static let alice: JSONValue = [
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
        "userName": "alice@example.com",
        "name": ["givenName": "Alice", "familyName": "Liddell"],
        "displayName": "Alice Liddell",
        "emails": [["value": "alice@example.com", "type": "work", "primary": true]],
        "active": true,
    ]

    static let listedName = ["displayName": "{name.familyName | upper}, {name.givenName}"]
    static let firstDotLast = ["userName": "{name.givenName | lower}.{name.familyName | lower}@example.com"]

    @Test func genericSCIM() async throws {
        try await pushAlice(SCIMEmulator(), target: "acme", Self.listedName) { e in
            e.state().user(named: "alice@example.com")?["displayName"]?.stringValue
        }
        .expect("LIDDELL, Alice")
    }

    @Test func gitHubEMU() async throws {
        try await pushAlice(
            GitHubEMUEmulator(configuration: .init(enterprise: "acme")),
            target: "github",
            Self.listedName
        ) { e in
            e.state().user(named: "alice@example.com")?["displayName"]?.stringValue
        }
        .expect("LIDDELL, Alice")
    }

    @Test func slack() async throws {
        try await pushAlice(
            SlackEmulator(configuration: .init(recordRequests: false)),
            target: "slack",
            Self.listedName
        ) { e in
            e.state().user(email: "alice@example.com")?["displayName"]?.stringValue
        }
        .expect("LIDDELL, Alice")
    }

    @Test func microsoftGraph() async throws {
        let emulator = try MSGraphEmulator(
            configuration: .init(
                clientSecret: MSGraphEmulator.testSecret,
                certificatePEM: MSGraphTestKeys.certificatePEM,
                publicKeyPEM: MSGraphTestKeys.publicKeyPEM,
                verifiedDomains: ["example.com"],
                contract: try MSGraphHarness.contract()
            )
        )
        try await pushAlice(emulator, target: "entra", Self.listedName) { e in
            e.state().user(principalName: "alice@example.com")?["displayName"]?.stringValue
        }
        .expect("LIDDELL, Alice")
        #expect(emulator.state().contractViolations.isEmpty, "\(emulator.state().contractViolations)")
    }

    /// The mapped `userName` is the address Google derives `primaryEmail` from, and the match key.
    @Test func googleWorkspace() async throws {
        let emulator = try GoogleEmulator(configuration: .init(publicKeyPEM: GoogleTestKeys.publicKeyPEM))
        try emulator.seed(users: [["primaryEmail": "admin@example.com"]], groups: [])
        try await pushAlice(emulator, target: "google", Self.firstDotLast) { e in
            e.state().user(email: "alice.liddell@example.com")?["primaryEmail"]?.stringValue
        }
        .expect("alice.liddell@example.com")
        #expect(emulator.state().user(email: "alice@example.com") == nil)
    }

    /// The mapped `userName` becomes the `Username` and `FederationIdentifier`.
    @Test func salesforce() async throws {
        let emulator = try SalesforceEmulator(configuration: .init(publicKeyPEM: SalesforceTestKeys.publicKeyPEM))
        try await pushAlice(emulator, target: "sfdc", Self.firstDotLast, salesforce: SalesforceHarness.standardSettings)
        { e in
            e.state().user(username: "alice.liddell@example.com")?["FederationIdentifier"]?.stringValue
        }
        .expect("alice.liddell@example.com")
    }

    /// `mapping.group.displayName` names the group on a group-centric and a user-centric kind alike,
    /// follows a rename, and leaves reconciliation nothing to repair.
    @Test func aGroupMappingNamesTheGroupOnGitHubAndGoogle() async throws {
        let google = try GoogleEmulator(configuration: .init(publicKeyPEM: GoogleTestKeys.publicKeyPEM))
        try google.seed(users: [["primaryEmail": "admin@example.com"]], groups: [])
        func options(_ name: String) throws -> SyncOptions {
            var o = SyncOptions(target: name)
            let mapping = try AttributeMapping.groups([
                ("displayName", "idp-{displayName | lower | replace(\" \", \"-\")}")
            ])
            o.settings = { $0.groupMapping = mapping }
            return o
        }
        try await withFanOutHarness(
            (GitHubEMUEmulator(configuration: .init(enterprise: "acme")), try options("github")),
            (SlackEmulator(configuration: .init(recordRequests: false)), SyncOptions(target: "slack")),
            (google, try options("google"))
        ) { gh, slack, goog, c in
            let r = try await c.post("/scim/v2/pingone/Users", token: gh.token, Self.alice)
            let alice = try #require(r.body?["id"]?.stringValue)
            let g = try await c.post(
                "/scim/v2/pingone/Groups",
                token: gh.token,
                Bodies.group("Data Science", members: [alice])
            )
            let id = try #require(g.body?["id"]?.stringValue)
            for h in [gh, goog] as [any Drainable] { try await h.drainAll() }
            try await slack.drain()
            #expect(gh.emulator.state().groups.compactMap { $0["displayName"]?.stringValue } == ["idp-data-science"])
            #expect(goog.members(of: "idp-data-science") == ["alice@example.com"])
            #expect(
                slack.members(of: "Data Science") == ["alice@example.com"],
                "a target without the mapping keeps the name"
            )

            try await c.renameGroup(id, to: "ML Platform", token: gh.token)
            for h in [gh, goog] as [any Drainable] { try await h.drainAll() }
            #expect(gh.emulator.state().groups.compactMap { $0["displayName"]?.stringValue } == ["idp-ml-platform"])
            #expect(goog.members(of: "idp-ml-platform") == ["alice@example.com"])
            #expect(try await gh.plannedRepairs() == [])
            #expect(try await goog.plannedRepairs() == [])
        }
    }

    // MARK: - The steps

    /// What the emulator held after the push, checked by `expect`.
    struct Held {
        var value: String?
        func expect(_ wanted: String, sourceLocation: SourceLocation = #_sourceLocation) {
            #expect(value == wanted, sourceLocation: sourceLocation)
        }
    }

    /// Pushes Alice and a group holding her to a target with `templates` as its `mapping.user`, and
    /// returns what `read` finds on the emulator; reconciliation must then plan nothing.
    func pushAlice<E: HarnessEmulator>(
        _ emulator: E,
        target: String,
        _ templates: [String: String],
        salesforce: SalesforceSettings? = nil,
        read: @escaping @Sendable (E) -> String?
    ) async throws -> Held {
        var options = SyncOptions(target: target)
        options.salesforce = salesforce
        let mapping = try AttributeMapping.users(templates.map { ($0.key, $0.value) })
        options.settings = { $0.mapping = mapping }
        let held = Mutex<String?>(nil)
        try await withSyncHarness(emulator, options) { h, c in
            let r = try await c.post("/scim/v2/pingone/Users", token: h.token, Self.alice)
            let id = try #require(r.body?["id"]?.stringValue)
            _ = try await c.post("/scim/v2/pingone/Groups", token: h.token, Bodies.group("Readers", members: [id]))
            try await h.drain()
            let dead = try await h.deadLetters()
            #expect(dead.isEmpty, "\(dead)")
            held.withLock { $0 = read(h.emulator) }
            let repairs = try await h.plannedRepairs()
            #expect(repairs == [], "the mapped view is what the target holds")
        }
        return Held(value: held.withLock { $0 })
    }
}

extension SyncHarness {
    /// The calls reconciliation would make now, whichever side the kind keeps memberships on.
    func plannedRepairs() async throws -> [String] {
        let channel = try await channel()
        if let sync = worker.sync as? GroupCentricSync {
            return try await Reconciler(sync: sync).plan(channels: [channel]).steps.map(\.description)
        }
        let sync: UserCentricSync = try self.sync()
        return try await UserCentricReconciler(sync: sync).plan(channels: [channel]).steps.map(\.description)
    }
}

/// A harness whose outbox a test drains, whatever its emulator.
protocol Drainable: Sendable {
    func drainAll() async throws
}

extension SyncHarness: Drainable {
    func drainAll() async throws { try await drain() }
}
