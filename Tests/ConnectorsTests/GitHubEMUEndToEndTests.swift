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

/// PingOne pushes into a channel over real HTTP; `GitHubEMUConnector` delivers to the GitHub EMU
/// emulator over real HTTP; the emulator, which enforces GitHub's OpenAPI contract, must end up
/// holding exactly the expected users, groups and members.
@Suite("GitHub EMU end to end")
struct GitHubEMUEndToEndTests {
    typealias H = GitHubEMUHarness

    /// Users, three groups, memberships, then a rename, a member removal, a disable, a deprovision
    /// (DELETE: suspended on GitHub under `removeAction: disable`) and a group delete.
    /// Returns the bridge ids by name.
    func pingOnePush(_ h: SyncHarness<GitHubEMUEmulator>, _ c: SCIMClient) async throws -> [String: String] {
        var ids: [String: String] = [:]
        for name in ["alice", "bob", "carol", "dave"] {
            let r = try await c.post("/scim/v2/pingone/Users", token: h.token, H.user(name))
            ids[name] = try #require(r.body?["id"]?.stringValue)
        }
        for (group, members) in [("Engineering", ["alice", "bob"]), ("Sales", ["carol"]), ("Ops", ["dave", "alice"])] {
            let r = try await c.post(
                "/scim/v2/pingone/Groups",
                token: h.token,
                Bodies.group(group, members: members.map { ids[$0]! })
            )
            ids[group] = try #require(r.body?["id"]?.stringValue)
        }
        try await h.drain()
        try await c.renameGroup(ids["Sales"]!, to: "Sales EMEA", token: h.token)
        try await c.removeMember(ids["bob"]!, from: ids["Engineering"]!, token: h.token)
        // PingOne disables with PATCH active false (a user update), and deprovisions with DELETE.
        _ = try await c.patch(
            "/scim/v2/pingone/Users/\(ids["bob"]!)",
            token: h.token,
            Bodies.patch([["op": "replace", "path": "active", "value": false]])
        )
        #expect(try await c.delete("/scim/v2/pingone/Users/\(ids["dave"]!)", token: h.token).status == 204)
        try await h.drain()
        #expect(try await c.delete("/scim/v2/pingone/Groups/\(ids["Ops"]!)", token: h.token).status == 204)
        try await h.drain()
        return ids
    }

    /// What the emulator must hold after `pingOnePush`.
    func expectPushedState(_ h: SyncHarness<GitHubEMUEmulator>, _ ids: [String: String]) throws {
        let state = h.emulator.state()
        #expect(
            Set(state.users.compactMap { $0["userName"]?.stringValue }) == [
                "alice@example.com", "bob@example.com", "carol@example.com", "dave@example.com",
            ]
        )
        #expect(state.user(named: "alice@example.com")?["active"] == true)
        #expect(state.user(named: "bob@example.com")?["active"] == false)  // disabled at the source
        #expect(state.user(named: "dave@example.com")?["active"] == false)  // deprovisioned: suspended, not deleted
        // GitHub's required externalId: the IdP's when it sends one (this push sends none), else the
        // userName (the connector is not given the bridge id; see GitHubEMUUserMapping).
        #expect(state.user(named: "alice@example.com")?["externalId"] == "alice@example.com")
        #expect(Set(state.groups.compactMap { $0["displayName"]?.stringValue }) == ["Engineering", "Sales EMEA"])
        #expect(state.memberNames(of: "Engineering") == ["alice@example.com"])
        #expect(state.memberNames(of: "Sales EMEA") == ["carol@example.com"])
        #expect(state.group(named: "Sales EMEA")?["externalId"]?.stringValue == ids["Sales"])
    }

    @Test(arguments: [GitHubEMUEmulator.GroupPatchAnswer.noContent, .group])
    func pingOnePushReachesGitHub(_ answer: GitHubEMUEmulator.GroupPatchAnswer) async throws {
        try await H.with(policy: .fail, groupPatchAnswer: answer) { h, c in
            let ids = try await pingOnePush(h, c)
            try expectPushedState(h, ids)
            let requests = h.emulator.requests
            // Renamed by PATCH, never PUT (which would empty the group); groups created without members.
            #expect(!requests.contains { $0.method == "PUT" && $0.path.contains("/Groups/") })
            #expect(
                requests.filter { $0.method == "POST" && $0.path.hasSuffix("/Groups") }.allSatisfy {
                    $0.body?.objectValue?.keys.contains("members") == false
                }
            )
            #expect(requests.contains { $0.method == "DELETE" && $0.path.contains("/Groups/") })
            #expect(!requests.contains { $0.method == "DELETE" && $0.path.contains("/Users/") })
            #expect(h.emulator.state().counters.responses[String(answer.rawValue)] ?? 0 > 0)
            #expect(try await h.deadLetters().isEmpty)
        }
    }

    @Test func deleteAsUserRemovalDeletesTheUserForGood() async throws {
        try await H.with(policy: .fail, removal: .delete) { h, c in
            let alice = try #require(
                try await c.post("/scim/v2/pingone/Users", token: h.token, H.user("alice")).body?["id"]?.stringValue
            )
            _ = try await c.post(
                "/scim/v2/pingone/Groups",
                token: h.token,
                Bodies.group("Engineering", members: [alice])
            )
            try await h.drain()
            #expect(h.members(of: "Engineering") == ["alice@example.com"])
            _ = try await c.delete("/scim/v2/pingone/Users/\(alice)", token: h.token)
            try await h.drain()
            #expect(h.emulator.state().user(named: "alice@example.com") == nil)
            #expect(h.members(of: "Engineering").isEmpty)
        }
    }

    @Test func convergesUnderTwentyPercentInjectedFaults() async throws {
        let faults = FaultPlan(
            seed: 2024,
            random: [
                .init(probability: 0.10, fault: .tooManyRequests(retryAfter: 0)),
                .init(probability: 0.05, fault: .internalServerError),
                .init(probability: 0.05, fault: .dropConnection),
                .init(probability: 0.05, fault: .loseResponse),
            ]
        )
        try await H.with(policy: .fail, faults: faults) { h, c in
            // GitHub's secondary rate limit can be a 403 with Retry-After: a wait, not a failure.
            h.emulator.failNext(2, method: "PATCH", pathPrefix: "/Groups", with: .status(403, retryAfter: 0))
            // And a connection dropped on the first user creation, whatever the random draws do.
            h.emulator.failNext(1, method: "POST", pathPrefix: "/Users", with: .dropConnection)
            let ids = try await pingOnePush(h, c)
            try expectPushedState(h, ids)
            let counters = h.emulator.state().counters
            #expect(counters.faultsInjected > 0)
            #expect(counters.faults["drop"] ?? 0 > 0)
            #expect(counters.faults["403"] == 2)
            #expect(try await h.deadLetters().isEmpty)
        }
    }

    /// Every request the connector sent during the push conforms to GitHub's OpenAPI description.
    @Test func everyRequestConformsToGitHubsOpenAPI() async throws {
        let validator = try GitHubOpenAPI.validator()
        try await H.with(policy: .merge, collidingGroup: true) { h, c in
            _ = try await pingOnePush(h, c)
            // Reconciliation's reads and the connection test go through the same contract.
            let connector = try h.sync(GroupCentricSync.self).connector
            try await connector.testConnection()
            _ = try await connector.listGroups()
            _ = try await connector.listUsers()
            let requests = h.emulator.requests
            #expect(requests.count > 20)
            for method in ["GET", "POST", "PUT", "PATCH", "DELETE"] {
                #expect(requests.contains { $0.method == method }, "no \(method) was exercised")
            }
            for r in requests {
                let problems = validator.problems(method: r.method, path: r.path, query: r.query, body: r.body)
                #expect(problems.isEmpty, "\(problems)")
            }
        }
    }

    /// The validator is not a rubber stamp: it flags what GitHub's document forbids.
    @Test func theOpenAPIValidatorFlagsNonConformingRequests() throws {
        let v = try GitHubOpenAPI.validator()
        let base = "/scim/v2/enterprises/acme"
        let user: JSONObject = [
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "externalId": "e", "userName": "u",
            "active": true, "displayName": "U",
            "emails": [["value": "u@x.com", "type": "work", "primary": true]],
        ]
        #expect(v.problems(method: "POST", path: "\(base)/Users", query: nil, body: .object(user)).isEmpty)
        var noExternalId = user
        noExternalId.removeValue(forKey: "externalId")
        #expect(
            v.problems(method: "POST", path: "\(base)/Users", query: nil, body: .object(noExternalId)).contains {
                $0.contains("externalId")
            }
        )
        var badRole = user
        badRole["roles"] = [["value": "admin"]]
        #expect(!v.problems(method: "PUT", path: "\(base)/Users/1", query: nil, body: .object(badRole)).isEmpty)
        #expect(!v.problems(method: "GET", path: "\(base)/Users", query: "attributes=id", body: nil).isEmpty)
        #expect(
            v.problems(method: "GET", path: "\(base)/Groups", query: "excludedAttributes=members&count=5", body: nil)
                .isEmpty
        )
        #expect(
            !v.problems(
                method: "POST",
                path: "\(base)/Groups",
                query: nil,
                body: ["schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": "G"]
            ).isEmpty
        )
        #expect(!v.problems(method: "GET", path: "\(base)/Schemas", query: nil, body: nil).isEmpty)
        #expect(
            !v.problems(method: "PATCH", path: "\(base)/Groups/1", query: nil, body: ["Operations": [["op": "add"]]])
                .isEmpty
        )
        // The documented erratum: PatchOp values of any type.
        #expect(
            v.problems(
                method: "PATCH",
                path: "\(base)/Groups/1",
                query: nil,
                body: [
                    "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                    "Operations": [["op": "add", "path": "members", "value": [["value": "1"]]]],
                ]
            ).isEmpty
        )
    }
}

/// GitHub's OpenAPI description, as copied into the repository for CI's clean clone.
enum GitHubOpenAPI {
    static var url: URL {
        URL(fileURLWithPath: #filePath)  // Tests/ConnectorsTests/<file>
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("conformance/specs/github-emu-scim.openapi.json")
    }

    static func validator() throws -> OpenAPIRequestValidator {
        try OpenAPIRequestValidator(
            contentsOf: url,
            anyValueAt: [
                "#/components/schemas/patch-schema/properties/Operations/items/properties/value":
                    "typed string, but GitHub's own examples send arrays of members and booleans (targets.md §E.5)"
            ]
        )
    }
}
