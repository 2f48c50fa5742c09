import Foundation
import GRDB
import HTTPTypes
import Membership
import SCIM
import TestSupport
import Testing

@testable import Server
@testable import Store

@Suite("Group membership over HTTP: concurrency, cost, and IdP regressions")
struct GroupMembershipEndpointTests {
    func createUsers(_ n: Int, prefix: String, _ c: SCIMClient, token: String) async throws -> [String] {
        var ids: [String] = []
        for i in 0..<n {
            let r = try await c.post("/scim/v2/default/Users", token: token, Bodies.user("\(prefix)\(i)"))
            ids.append(try #require(r.body?["id"]?.stringValue))
        }
        return ids
    }

    func memberIDs(_ group: String, _ c: SCIMClient, token: String) async throws -> Set<String> {
        let r = try await c.get("/scim/v2/default/Groups/\(group)", token: token)
        return Set(r.body?["members"]?.arrayValue?.compactMap { $0["value"]?.stringValue } ?? [])
    }

    @Test func fiftyConcurrentSingleMemberPatchesLoseNothing() async throws {
        try await withTestBridge { bridge in
            let token = try await bridge.channel("default")
            try await bridge.run { c in
                let users = try await createUsers(50, prefix: "c", c, token: token)
                let existing = try await createUsers(3, prefix: "e", c, token: token)
                let g = try #require(
                    try await c.post(
                        "/scim/v2/default/Groups",
                        token: token,
                        Bodies.group("Parallel", members: existing)
                    ).body?["id"]?.stringValue
                )
                try await withThrowingTaskGroup(of: Int.self) { tasks in
                    for u in users {
                        tasks.addTask {
                            try await c.patch(
                                "/scim/v2/default/Groups/\(g)",
                                token: token,
                                Bodies.patch([["op": "add", "path": "members", "value": [["value": .string(u)]]]])
                            ).status
                        }
                    }
                    for try await status in tasks { #expect(status == 200) }
                }
                let members = try await memberIDs(g, c, token: token)
                #expect(members == Set(users + existing))
                #expect(members.count == 53)
            }
        }
    }

    /// A SELECT on the edges that names no member: it reads the group's whole member list.
    static func readsWholeMemberList(_ sql: String) -> Bool {
        sql.contains("membership") && sql.uppercased().hasPrefix("SELECT") && !sql.contains("member_id IN (")
            && !sql.contains("member_id = ")
    }

    @Test func addingOneMemberToA100kGroupDoesNotReadTheMemberList() async throws {
        try await withTestBridge { bridge in
            let token = try await bridge.channel("default")
            let channel = try #require(try await bridge.store.channel(named: "default"))
            let group = try await bridge.store.create(
                .group,
                in: channel,
                resource: ["schemas": [.string(SchemaRegistry.groupSchema)], "displayName": "Huge"],
                members: []
            )
            // 100,000 users and edges, written in one transaction (seeding through HTTP would take minutes).
            try await bridge.store.pool.write { db in
                let user = try db.makeStatement(
                    sql: """
                        INSERT INTO scim_user (channel_key, id, user_name_fold, display, attributes, version, created, last_modified)
                        VALUES (?, ?, ?, ?, '{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"x"}', 1, 0, 0)
                        """
                )
                let edge = try db.makeStatement(
                    sql:
                        "INSERT INTO membership (channel_key, group_id, member_id, member_kind) VALUES (?, ?, ?, 'User')"
                )
                for i in 0..<100_000 {
                    let id = String(format: "seed-%06d", i)
                    try user.execute(arguments: [channel.key, id, id, id])
                    try edge.execute(arguments: [channel.key, group.id, id])
                }
            }
            try await bridge.run { c in
                let newcomer = try #require(
                    try await c.post("/scim/v2/default/Users", token: token, Bodies.user("newcomer")).body?["id"]?
                        .stringValue
                )
                bridge.statements.reset()
                let r = try await c.patch(
                    "/scim/v2/default/Groups/\(group.id)?excludedAttributes=members",
                    token: token,
                    Bodies.patch([["op": "add", "path": "members", "value": [["value": .string(newcomer)]]]])
                )
                #expect(r.status == 200)
                let statements = bridge.statements.all
                // No statement selected the group's edges: every membership access names its members.
                let membershipReads = statements.filter(Self.readsWholeMemberList)
                #expect(membershipReads.isEmpty, "\(membershipReads)")
                #expect(statements.contains { $0.contains("INSERT OR IGNORE INTO membership") })
                #expect(statements.count < 20, "\(statements.count) statements for a one-member PATCH")

                bridge.statements.reset()
                let removed = try await c.patch(
                    "/scim/v2/default/Groups/\(group.id)?excludedAttributes=members",
                    token: token,
                    Bodies.patch([["op": "remove", "path": .string("members[value eq \"\(newcomer)\"]")]])
                )
                #expect(removed.status == 200)
                #expect(!bridge.statements.all.contains(where: Self.readsWholeMemberList))
            }
            let count = try await bridge.store.pool.read { db in
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM membership WHERE group_id = ?", arguments: [group.id])
            }
            #expect(count == 100_000)
        }
    }

    // MARK: - The four regression cases of other servers, over HTTP

    @Test func entraRemoveWithValueArrayRemovesOnlyThoseMembers() async throws {
        try await withTestBridge { bridge in
            let token = try await bridge.channel("default")
            try await bridge.run { c in
                let u = try await createUsers(3, prefix: "r", c, token: token)
                let g = try #require(
                    try await c.post("/scim/v2/default/Groups", token: token, Bodies.group("R", members: u)).body?[
                        "id"
                    ]?.stringValue
                )
                let r = try await c.patch(
                    "/scim/v2/default/Groups/\(g)",
                    token: token,
                    Bodies.patch([["op": "Remove", "path": "members", "value": [["value": .string(u[1])]]]])
                )
                #expect(r.status == 200)
                #expect(try await memberIDs(g, c, token: token) == [u[0], u[2]])
            }
        }
    }

    @Test func putAndReplaceOfMembersReplaceExactly() async throws {
        try await withTestBridge { bridge in
            let token = try await bridge.channel("default")
            try await bridge.run { c in
                let u = try await createUsers(4, prefix: "p", c, token: token)
                let g = try #require(
                    try await c.post("/scim/v2/default/Groups", token: token, Bodies.group("P", members: [u[0], u[1]]))
                        .body?["id"]?.stringValue
                )
                #expect(
                    try await c.put(
                        "/scim/v2/default/Groups/\(g)",
                        token: token,
                        Bodies.group("P", members: [u[1], u[2]])
                    ).status == 200
                )
                #expect(try await memberIDs(g, c, token: token) == [u[1], u[2]])
                let r = try await c.patch(
                    "/scim/v2/default/Groups/\(g)",
                    token: token,
                    Bodies.patch([["op": "replace", "path": "members", "value": [["value": .string(u[3])]]]])
                )
                #expect(r.status == 200)
                #expect(try await memberIDs(g, c, token: token) == [u[3]])
            }
        }
    }

    @Test func replaceOfDisplayNameAloneLeavesMembers() async throws {
        try await withTestBridge { bridge in
            let token = try await bridge.channel("default")
            try await bridge.run { c in
                let u = try await createUsers(2, prefix: "d", c, token: token)
                let g = try #require(
                    try await c.post("/scim/v2/default/Groups", token: token, Bodies.group("Old", members: u)).body?[
                        "id"
                    ]?.stringValue
                )
                let r = try await c.patch(
                    "/scim/v2/default/Groups/\(g)",
                    token: token,
                    Bodies.patch([["op": "replace", "path": "displayName", "value": "New"]])
                )
                #expect(r.body?["displayName"] == "New")
                #expect(try await memberIDs(g, c, token: token) == Set(u))
                let pathless = try await c.patch(
                    "/scim/v2/default/Groups/\(g)",
                    token: token,
                    Bodies.patch([["op": "replace", "value": ["displayName": "Newer"]]])
                )
                #expect(pathless.body?["displayName"] == "Newer")
                #expect(try await memberIDs(g, c, token: token) == Set(u))
            }
        }
    }

    @Test func entraActiveFalseStringMeansFalse() async throws {
        try await withTestBridge { bridge in
            let token = try await bridge.channel("default")
            try await bridge.run { c in
                let id = try #require(
                    try await c.post("/scim/v2/default/Users", token: token, Bodies.user("entra")).body?["id"]?
                        .stringValue
                )
                let r = try await c.patch(
                    "/scim/v2/default/Users/\(id)",
                    token: token,
                    Bodies.patch([["op": "Replace", "path": "active", "value": "False"]])
                )
                #expect(r.status == 200)
                #expect(r.body?["active"] == false)
                #expect(try await c.get("/scim/v2/default/Users/\(id)", token: token).body?["active"] == false)
            }
        }
    }

    @Test func unknownMemberIsRejectedAndNothingChanges() async throws {
        try await withTestBridge { bridge in
            let token = try await bridge.channel("default")
            try await bridge.run { c in
                let u = try await createUsers(1, prefix: "k", c, token: token)
                let g = try #require(
                    try await c.post("/scim/v2/default/Groups", token: token, Bodies.group("K", members: u)).body?[
                        "id"
                    ]?.stringValue
                )
                let r = try await c.patch(
                    "/scim/v2/default/Groups/\(g)",
                    token: token,
                    Bodies.patch([
                        ["op": "replace", "path": "displayName", "value": "Changed"],
                        ["op": "add", "path": "members", "value": [["value": "no-such-user"]]],
                    ])
                )
                #expect(r.status == 400)
                #expect(r.scimType == "invalidValue")
                let after = try await c.get("/scim/v2/default/Groups/\(g)", token: token)
                #expect(after.body?["displayName"] == "K")
                #expect(try await memberIDs(g, c, token: token) == Set(u))
            }
        }
    }
}
