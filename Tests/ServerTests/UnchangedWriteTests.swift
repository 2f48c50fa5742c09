import Foundation
import HTTPTypes
import Membership
import SCIM
import TestSupport
import Testing

@testable import Server
@testable import Store

/// A PUT or PATCH that changes nothing keeps the version and `lastModified` (RFC 7644 §3.5.2.1: such
/// an operation "SHALL NOT change the modify timestamp") and writes nothing; errors stay errors.
@Suite("Writes that change nothing")
struct UnchangedWriteTests {
    /// The SQL statements that write.
    /// The statements that write resources, edges or the outbox: the channel's last request, noted
    /// beside any request at most every 10 s (`ChannelActivity`), is no change of the resource.
    static func writes(_ statements: [String]) -> [String] {
        statements.filter { s in
            ["INSERT", "UPDATE", "DELETE"].contains { s.uppercased().hasPrefix($0) }
                && !s.hasPrefix("UPDATE channel SET last_request")
        }
    }

    @Test func resendingAUserKeepsItsVersionAndWritesNothing() async throws {
        try await withTestBridge { bridge in
            let token = try await bridge.channel("default")
            try await bridge.run { c in
                let body = Bodies.user("resync", email: "resync@example.com")
                let created = try await c.post("/scim/v2/default/Users", token: token, body)
                let id = try #require(created.body?["id"]?.stringValue)
                try await Task.sleep(for: .milliseconds(5))  // a new lastModified would differ
                bridge.statements.reset()
                let same = try await c.put("/scim/v2/default/Users/\(id)", token: token, body)
                #expect(same.status == 200)
                #expect(same.headers[.eTag] == created.headers[.eTag])
                #expect(same.body?["meta"]?["lastModified"] == created.body?["meta"]?["lastModified"])
                #expect(Self.writes(bridge.statements.all).isEmpty, "\(Self.writes(bridge.statements.all))")

                let changed = try await c.put(
                    "/scim/v2/default/Users/\(id)",
                    token: token,
                    Bodies.user("resync", email: "new@example.com")
                )
                #expect(changed.status == 200)
                #expect(changed.headers[.eTag] != created.headers[.eTag])
                #expect(changed.body?["meta"]?["lastModified"] != created.body?["meta"]?["lastModified"])
            }
        }
    }

    @Test func addingPresentMembersOrRemovingAbsentOnesKeepsTheGroupVersion() async throws {
        try await withTestBridge { bridge in
            let token = try await bridge.channel("default")
            try await bridge.run { c in
                let a = try #require(
                    try await c.post("/scim/v2/default/Users", token: token, Bodies.user("a")).body?["id"]?.stringValue
                )
                let b = try #require(
                    try await c.post("/scim/v2/default/Users", token: token, Bodies.user("b")).body?["id"]?.stringValue
                )
                let group = try await c.post(
                    "/scim/v2/default/Groups",
                    token: token,
                    Bodies.group("Team", members: [a])
                )
                let gid = try #require(group.body?["id"]?.stringValue)
                let userBefore = try await c.get("/scim/v2/default/Users/\(a)", token: token)
                bridge.statements.reset()

                let again = try await c.patch(
                    "/scim/v2/default/Groups/\(gid)",
                    token: token,
                    Bodies.patch([["op": "add", "path": "members", "value": [["value": .string(a)]]]])
                )
                #expect(again.status == 200)
                #expect(again.headers[.eTag] == group.headers[.eTag])
                let absent = try await c.patch(
                    "/scim/v2/default/Groups/\(gid)",
                    token: token,
                    Bodies.patch([["op": "remove", "path": .string("members[value eq \"\(b)\"]")]])
                )
                #expect(absent.status == 200)
                #expect(absent.headers[.eTag] == group.headers[.eTag])
                #expect(absent.body?["meta"]?["lastModified"] == group.body?["meta"]?["lastModified"])
                let sameMembers = try await c.put(
                    "/scim/v2/default/Groups/\(gid)",
                    token: token,
                    Bodies.group("Team", members: [a])
                )
                #expect(sameMembers.headers[.eTag] == group.headers[.eTag])
                #expect(Self.writes(bridge.statements.all).isEmpty, "\(Self.writes(bridge.statements.all))")
                // The member's own version did not move either.
                #expect(
                    try await c.get("/scim/v2/default/Users/\(a)", token: token).headers[.eTag]
                        == userBefore.headers[.eTag]
                )

                // A real change still moves both versions.
                let added = try await c.patch(
                    "/scim/v2/default/Groups/\(gid)",
                    token: token,
                    Bodies.patch([
                        ["op": "add", "path": "members", "value": [["value": .string(a)], ["value": .string(b)]]]
                    ])
                )
                #expect(added.status == 200)
                #expect(added.headers[.eTag] != group.headers[.eTag])
                let members =
                    try await c.get("/scim/v2/default/Groups/\(gid)", token: token).body?["members"]?.arrayValue ?? []
                #expect(Set(members.compactMap { $0["value"]?.stringValue }) == [a, b])
                let replaced = try await c.put(
                    "/scim/v2/default/Groups/\(gid)",
                    token: token,
                    Bodies.group("Team", members: [b])
                )
                #expect(replaced.headers[.eTag] != added.headers[.eTag])
            }
        }
    }

    @Test("a delta too large for the read-side check is still a no-op in the writer")
    func largeUnchangedDeltaKeepsTheVersion() async throws {
        try await withTestBridge { bridge in
            let store = bridge.store
            let channel = try await store.createChannel(named: "c")
            var ids: [String] = []
            for i in 0..<(SQLiteStore.unchangedCheckLimit + 20) {
                ids.append(
                    try await store.create(.user, in: channel, resource: StoredBodies.user("big\(i)"), members: []).id
                )
            }
            let group = try await store.create(.group, in: channel, resource: StoredBodies.group("Big"), members: ids)
            let user = try #require(try await store.get(.user, id: ids[0], in: channel))
            bridge.statements.reset()
            let again = try await store.modify(
                .group,
                id: group.id,
                in: channel,
                ifMatch: nil,
                membership: .delta(add: ids, remove: [])
            ) {
                $0.attributes
            }
            #expect(again.version == group.version)
            #expect(again.lastModified == group.lastModified)
            // It went to the writer (the check was skipped), which inserted nothing and bumped nothing.
            #expect(bridge.statements.all.contains { $0.hasPrefix("INSERT OR IGNORE INTO membership") })
            #expect(!bridge.statements.all.contains { $0.uppercased().hasPrefix("UPDATE") })
            #expect(try await store.get(.user, id: ids[0], in: channel)?.version == user.version)
        }
    }

    @Test func anUnchangingWriteStillAnswersItsErrors() async throws {
        try await withTestBridge { bridge in
            let token = try await bridge.channel("default")
            try await bridge.run { c in
                let created = try await c.post("/scim/v2/default/Users", token: token, Bodies.user("strict"))
                let id = try #require(created.body?["id"]?.stringValue)
                // A stale If-Match is refused even when the body would change nothing.
                let stale = try await c.put(
                    "/scim/v2/default/Users/\(id)",
                    token: token,
                    Bodies.user("strict"),
                    headers: [.ifMatch: "W/\"999\""]
                )
                #expect(stale.status == 412)
                #expect(
                    try await c.put(
                        "/scim/v2/default/Users/\(id)",
                        token: token,
                        Bodies.user("strict"),
                        headers: [.ifMatch: created.headers[.eTag] ?? ""]
                    ).status == 200
                )
                // A PATCH the engine refuses is refused, not taken for "no change".
                let bad = try await c.patch(
                    "/scim/v2/default/Users/\(id)",
                    token: token,
                    Bodies.patch([["op": "replace", "path": "nosuch[", "value": "x"]])
                )
                #expect(bad.status == 400)
                #expect(bad.scimType == "invalidPath")
                // An absent resource is 404 whatever the body.
                #expect(
                    try await c.put(
                        "/scim/v2/default/Users/00000000-0000-0000-0000-000000000000",
                        token: token,
                        Bodies.user("strict")
                    ).status == 404
                )
                // A group gaining a member that does not exist is refused.
                let g = try #require(
                    try await c.post("/scim/v2/default/Groups", token: token, Bodies.group("G")).body?["id"]?
                        .stringValue
                )
                let unknown = try await c.patch(
                    "/scim/v2/default/Groups/\(g)",
                    token: token,
                    Bodies.patch([["op": "add", "path": "members", "value": [["value": "no-such-user"]]]])
                )
                #expect(unknown.status == 400)
                #expect(unknown.scimType == "invalidValue")
            }
        }
    }
}
