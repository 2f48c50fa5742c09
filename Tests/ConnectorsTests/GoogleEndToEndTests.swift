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
/// and the Google connector (service-account JWT auth) to the Google emulator over real HTTP; the
/// emulator must end up holding exactly what the collision policy says.
@Suite("Sync to Google Workspace, with name-collision policies")
struct GoogleEndToEndTests {
    @Test func aPingOnePushWithRenameRemovalAndDisableLandsExactly() async throws {
        try await GoogleHarness.with(policy: .overwrite) { h, c in
            let ids = try await pushPingOneSample(c, h.token)
            try await h.drain()
            var state = h.emulator.state()
            #expect(h.members(of: "Engineering") == ["alice@example.com", "bob@example.com"])
            #expect(h.members(of: "Sales") == ["carol@example.com"])
            #expect(state.group(named: "Sales")?["email"] == "sales@example.com")
            let alice = try #require(state.user(email: "alice@example.com"))
            #expect(alice["name"]?["givenName"] == "Test")
            #expect(alice["name"]?["familyName"] == "alice@example.com")
            #expect(alice["suspended"] == false)

            try await pushPingOneFollowUp(c, h.token, ids)
            try await h.drain()
            state = h.emulator.state()
            #expect(state.group(named: "Sales") == nil)
            #expect(h.members(of: "Sales EMEA") == ["carol@example.com"])
            #expect(h.members(of: "Engineering") == ["alice@example.com"])
            #expect(state.user(email: "carol@example.com")?["suspended"] == true)
            #expect(state.user(email: "bob@example.com")?["suspended"] == false)
            #expect(state.users.count == 5)  // the three, and the seeded foreign user and admin
            #expect(state.groups.count == 2)
            #expect(try await h.deadLetters().isEmpty)
        }
    }

    @Test func failLeavesTheSameNamedGroupUntouchedAndReportsItBlocked() async throws {
        try await GoogleHarness.with(policy: .fail) { h, c in
            let ids = try await pushPingOneSample(c, h.token)
            try await h.drain()
            try await h.expectCollidingGroupBlocked(ids: ids, foreign: "foreign@example.com")
            // The blocked group's members were never read: `fail` touches nothing of it.
            #expect(h.emulator.state().counters.requests("GET", "/groups/{groupKey}/members") == 0)
            try await h.expectBlockedGroupUntouchedByChanges(c, ids: ids, foreign: "foreign@example.com")
        }
    }

    @Test func aGroupWhoseCreationAnswerWasLostIsFinishedNotBlockedAsACollision() async throws {
        try await GoogleHarness.with(policy: .fail) { h, c in
            // Google creates "Sales" but the answer is lost: the retry finds a group of that name.
            h.emulator.failNext(1, method: "POST", pathPrefix: "/groups", with: .loseResponse)
            let ids = try await pushPingOneSample(c, h.token)
            try await h.drain()
            #expect(h.emulator.state().counters.faults["lose"] == 1)
            #expect(h.members(of: "Sales") == ["carol@example.com"])
            let mapping = try await h.bridge.store.mapping(
                target: "google",
                channel: try await h.channel(),
                kind: .group,
                canonicalID: ids["Sales"]!
            )
            #expect(mapping?.origin == .created)
            let blocked = try await h.bridge.store.auditEntries(target: "google").filter { $0.action == "blocked" }.map(
                \.resourceKey
            )
            #expect(blocked == ["group:\(ids["Engineering"]!)"], "only the real collision is blocked")
        }
    }

    @Test func mergeKeepsForeignMembersAndLaterRemovesOnlyBridgeInsertedOnes() async throws {
        try await GoogleHarness.with(policy: .merge) { h, c in
            let ids = try await pushPingOneSample(c, h.token)
            try await h.drain()
            try await h.expectMergeAdopted(foreign: "foreign@example.com")
            try await h.expectMergeRemovesOnlyBridgeAddedMembers(c, ids: ids, foreign: "foreign@example.com")
            #expect(h.emulator.state().group(named: "Engineering") != nil)
        }
    }

    @Test func overwriteMakesMembersExactlyTheSourceAndOwnsTheGroup() async throws {
        try await GoogleHarness.with(policy: .overwrite) { h, c in
            let ids = try await pushPingOneSample(c, h.token)
            try await h.drain()
            #expect(h.members(of: "Engineering") == ["alice@example.com", "bob@example.com"])
            let adoption = try #require(
                try await h.bridge.store.auditEntries(target: "google").first { $0.action.hasPrefix("adopted") }
            )
            #expect(adoption.detail["membersRemoved"]?.arrayValue?.count == 1)
            #expect(try await c.delete("/scim/v2/pingone/Groups/\(ids["Engineering"]!)", token: h.token).status == 204)
            try await h.drain()
            #expect(h.emulator.state().group(named: "Engineering") == nil)
            #expect(h.emulator.state().user(email: "foreign@example.com") != nil)
        }
    }

    /// 20 % of API requests fail (quota 403s, 500s, 503s, dropped connections) and every new group
    /// answers 404 for a second; the target still converges with nothing dead-lettered.
    @Test func convergesUnderInjectedFaultsAndPropagationDelay() async throws {
        let faults = FaultPlan(
            seed: 6,
            random: [
                .init(probability: 0.08, fault: .status(403)),
                .init(probability: 0.05, fault: .internalServerError),
                .init(probability: 0.04, fault: .serviceUnavailable(retryAfter: 0)),
                .init(probability: 0.03, fault: .dropConnection),
                .init(probability: 0.03, fault: .loseResponse),
            ]
        )
        try await GoogleHarness.with(policy: .overwrite, faults: faults, propagationDelay: .seconds(1)) { h, c in
            let ids = try await pushPingOneSample(c, h.token)
            try await c.addMember(ids["alice"]!, to: ids["Sales"]!, token: h.token)
            try await c.renameGroup(ids["Sales"]!, to: "Sales EMEA", token: h.token)
            try await c.disableUser(ids["bob"]!, userName: "bob@example.com", token: h.token)
            try await h.drain()
            let state = h.emulator.state()
            #expect(h.members(of: "Engineering") == ["alice@example.com", "bob@example.com"])
            #expect(h.members(of: "Sales EMEA") == ["carol@example.com", "alice@example.com"])
            #expect(state.user(email: "bob@example.com")?["suspended"] == true)
            #expect(state.counters.faults["403", default: 0] > 0)
            #expect(state.counters.faultsInjected > 3)
            #expect(state.counters.responses["404", default: 0] > 0)  // the propagation delay was met
            #expect(try await h.deadLetters().isEmpty)
        }
    }

    /// A token revoked behind the provider's back (it still believes it valid for an hour) is answered
    /// with 401; the transport gets a fresh one and retries, and nothing reaches the dead letters.
    @Test func aRevokedTokenIsReplacedAfterOne401() async throws {
        try await GoogleHarness.with(policy: .overwrite, tokenLifetime: .seconds(3600)) { h, c in
            let alice = try #require(
                try await c.post("/scim/v2/pingone/Users", token: h.token, Bodies.user("alice@example.com")).body?[
                    "id"
                ]?.stringValue
            )
            try await h.drain()
            #expect(h.emulator.state().tokensIssued == 1)
            h.emulator.expireAllTokens()
            _ = try await c.post(
                "/scim/v2/pingone/Groups",
                token: h.token,
                Bodies.group("after revocation", members: [alice])
            )
            try await h.drain()
            let state = h.emulator.state()
            #expect(h.members(of: "after revocation") == ["alice@example.com"])
            #expect(state.unauthorized >= 1)
            #expect(state.tokensIssued == 2)
            #expect(try await h.deadLetters().isEmpty)
        }
    }

    /// Tokens live 2 s (the provider renews them at half-life) and are also revoked after every
    /// delivery round: each 401 is answered by a fresh token and one retry, never by a dead letter.
    @Test func aTokenExpiringMidSyncIsRefreshed() async throws {
        try await GoogleHarness.with(policy: .overwrite, tokenLifetime: .seconds(2)) { h, c in
            try await h.pushWhileTokensExpire(c, lifetime: .seconds(2), revoke: { h.emulator.expireAllTokens() })
            let state = h.emulator.state()
            // Renewed before expiry at least once; revocations between rounds, when a round found one, cost a retry only.
            #expect(state.tokensIssued >= 2)
            #expect(await h.tokensIssued() == state.tokensIssued)
        }
    }

    /// Every request the connector sent is a method of the discovery document: HTTP method, path
    /// template, and only parameters the method (or every method) declares.
    @Test func everyRequestMatchesTheDiscoveryDocument() async throws {
        let document = try DiscoveryDocument.load()
        try await GoogleHarness.with(policy: .overwrite, removal: .delete) { h, c in
            let ids = try await pushPingOneSample(c, h.token)
            try await h.drain()
            _ = try await c.patch(
                "/scim/v2/pingone/Groups/\(ids["Sales"]!)",
                token: h.token,
                Bodies.patch([
                    ["op": "replace", "path": "displayName", "value": "Sales EMEA"],
                    ["op": "remove", "path": .string("members[value eq \"\(ids["carol"]!)\"]")],
                ])
            )
            try await c.disableUser(ids["alice"]!, userName: "alice@example.com", token: h.token)
            _ = try await c.delete("/scim/v2/pingone/Users/\(ids["bob"]!)", token: h.token)
            _ = try await c.delete("/scim/v2/pingone/Groups/\(ids["Engineering"]!)", token: h.token)
            try await h.drain()
            _ = try await h.connector.listUsers()
            _ = try await h.connector.listGroups()
            try await h.connector.testConnection()
            let requests = h.emulator.recordedRequests
            #expect(requests.count > 20)
            var used = Set<String>()
            for r in requests {
                let method = document.method(for: r)
                #expect(
                    method != nil,
                    "\(r.method) \(r.path)?\(r.parameters.joined(separator: "&")) matches no method of the discovery document"
                )
                if let method { used.insert(method) }
            }
            #expect(
                used.isSuperset(of: [
                    "users.get", "users.insert", "users.patch", "users.delete", "users.list", "groups.list",
                    "groups.insert",
                    "groups.patch", "groups.delete", "members.insert", "members.delete", "members.list",
                ])
            )
        }
    }
}
