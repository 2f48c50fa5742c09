import BridgeConfig
import Emulators
import Foundation
import Membership
import SCIM
import Store
import Sync
import TestSupport
import Testing

@testable import Server

/// The name-collision table of DESIGN.md against GitHub: an enterprise that already has a group
/// "Engineering" holding a member the bridge does not know ("outsider").
@Suite("GitHub EMU name collisions")
struct GitHubEMUCollisionTests {
    typealias H = GitHubEMUHarness

    func push(_ h: SyncHarness<GitHubEMUEmulator>, _ c: SCIMClient) async throws -> [String: String] {
        var ids: [String: String] = [:]
        for name in ["alice", "bob", "carol"] {
            ids[name] = try #require(
                try await c.post("/scim/v2/pingone/Users", token: h.token, H.user(name)).body?["id"]?.stringValue
            )
        }
        ids["Engineering"] = try #require(
            try await c.post(
                "/scim/v2/pingone/Groups",
                token: h.token,
                Bodies.group("Engineering", members: [ids["alice"]!, ids["bob"]!])
            )
            .body?["id"]?.stringValue
        )
        ids["Sales"] = try #require(
            try await c.post("/scim/v2/pingone/Groups", token: h.token, Bodies.group("Sales", members: [ids["carol"]!]))
                .body?["id"]?.stringValue
        )
        try await h.drain()
        return ids
    }

    @Test func failLeavesTheGitHubGroupUntouchedAndBlocked() async throws {
        try await H.with(policy: .fail, collidingGroup: true) { h, c in
            let ids = try await push(h, c)
            try await h.expectCollidingGroupBlocked(ids: ids, foreign: "outsider@example.com")
            try await h.expectBlockedGroupUntouchedByChanges(c, ids: ids, foreign: "outsider@example.com")
            let engineering = try #require(h.emulator.state().group(named: "Engineering"))
            #expect(engineering["externalId"] == "okta-eng")
            // Not one write reached the blocked group.
            let id = try #require(engineering["id"]?.stringValue)
            #expect(!h.emulator.requests.contains { $0.path.hasSuffix("/Groups/\(id)") && $0.method != "GET" })
            #expect(try await h.deadLetters().isEmpty)
        }
    }

    @Test func mergeKeepsTheOutsiderAndLaterRemovesOnlyBridgeAddedMembers() async throws {
        try await H.with(policy: .merge, collidingGroup: true) { h, c in
            let ids = try await push(h, c)
            #expect(h.members(of: "Engineering") == ["outsider@example.com", "alice@example.com", "bob@example.com"])
            try await h.expectMergeRemovesOnlyBridgeAddedMembers(c, ids: ids, foreign: "outsider@example.com")
            #expect(h.emulator.state().group(named: "Engineering") != nil)
            #expect(try await h.deadLetters().isEmpty)
        }
    }

    @Test func overwriteRemovesTheOutsiderAndOwnsTheGroup() async throws {
        try await H.with(policy: .overwrite, collidingGroup: true) { h, c in
            let ids = try await push(h, c)
            #expect(h.members(of: "Engineering") == ["alice@example.com", "bob@example.com"])
            // The outsider loses the membership, not the account.
            #expect(h.emulator.state().user(named: "outsider@example.com") != nil)
            #expect(try await c.delete("/scim/v2/pingone/Groups/\(ids["Engineering"]!)", token: h.token).status == 204)
            try await h.drain()
            #expect(h.emulator.state().group(named: "Engineering") == nil)
            #expect(try await h.deadLetters().isEmpty)
        }
    }
}
