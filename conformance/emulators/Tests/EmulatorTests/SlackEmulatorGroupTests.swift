import Emulators
import Foundation
import SCIM
import Testing

/// The Slack emulator's groups: `S…` ids, the v2 PATCH shapes (add, remove with a quoted or bare
/// filter value, replace, rename), PUT replacing all members, DELETE, members that must be active
/// users, the 15,000-member cap and the `displayName eq` filter.
@Suite struct SlackEmulatorGroupTests {
    /// Three active users and their ids.
    func users(_ client: EmulatorClient) async throws -> [String] {
        var ids: [String] = []
        for name in ["ann", "ben", "cat"] {
            ids.append(try #require(try await client.post("/Users", slackUser(name)).id))
        }
        return ids
    }

    func members(_ reply: EmulatorClient.Reply) -> [String] {
        (reply.body?["members"]?.arrayValue ?? []).compactMap { $0["value"]?.stringValue }
    }

    @Test func createNeedsADisplayNameAndGivesAnSID() async throws {
        try await withSlack { client, _ in
            let u = try await users(client)
            #expect(
                try await client.post("/Groups", ["members": [["value": .string(u[0])]]]).body
                    == slackError("missing_schema_element", 400)
            )
            let r = try await client.post("/Groups", groupBody("Eng", members: [u[0]]))
            #expect(r.status == 201)
            #expect(r.id?.hasPrefix("S") == true)
            #expect(members(r) == [u[0]])
            #expect(r.body?["members"]?.arrayValue?.first?["display"] == "ann")
        }
    }

    @Test func patchAddsRemovesQuotedAndBareAndReplaces() async throws {
        try await withSlack { client, _ in
            let u = try await users(client)
            let g = try #require(try await client.post("/Groups", groupBody("Eng")).id)
            let added = try await client.patch(
                "/Groups/\(g)",
                patchBody([
                    ["op": "add", "path": "members", "value": .array(u.map { ["value": .string($0)] })]
                ])
            )
            #expect(members(added) == u)
            let quoted = try await client.patch(
                "/Groups/\(g)",
                patchBody([["op": "remove", "path": .string("members[value eq \"\(u[0])\"]")]])
            )
            #expect(members(quoted) == [u[1], u[2]])
            let bare = try await client.patch(
                "/Groups/\(g)",
                patchBody([["op": "Remove", "path": .string("members[value eq \(u[1])]")]])
            )
            #expect(members(bare) == [u[2]])
            let absent = try await client.patch(
                "/Groups/\(g)",
                patchBody([["op": "remove", "path": .string("members[value eq \(u[1])]")]])
            )
            #expect(absent.status == 200)
            let replaced = try await client.patch(
                "/Groups/\(g)",
                patchBody([
                    [
                        "op": "replace", "path": "members",
                        "value": [["value": .string(u[0])], ["value": .string(u[1])]],
                    ],
                    ["op": "replace", "path": "displayName", "value": "Engineering"],
                ])
            )
            #expect(members(replaced) == [u[0], u[1]])
            #expect(replaced.body?["displayName"] == "Engineering")
            let cleared = try await client.patch("/Groups/\(g)", patchBody([["op": "remove", "path": "members"]]))
            #expect(members(cleared).isEmpty)
        }
    }

    @Test func putReplacesAllMembersAndOmittingThemEmptiesTheGroup() async throws {
        try await withSlack { client, _ in
            let u = try await users(client)
            let g = try #require(try await client.post("/Groups", groupBody("Eng", members: u)).id)
            #expect(members(try await client.put("/Groups/\(g)", groupBody("Eng", members: [u[2]]))) == [u[2]])
            let emptied = try await client.put("/Groups/\(g)", groupBody("Eng"))
            #expect(emptied.status == 200)
            #expect(members(emptied).isEmpty)
        }
    }

    @Test func deletedGroupsAreGoneAndUnknownOnesAreNoSuchGroup() async throws {
        try await withSlack { client, emulator in
            let u = try await users(client)
            let g = try #require(try await client.post("/Groups", groupBody("Eng", members: u)).id)
            #expect(try await client.delete("/Groups/\(g)").status == 204)
            #expect(try await client.get("/Groups/\(g)").body == slackError("no_such_group", 404))
            #expect(
                try await client.patch("/Groups/\(g)", patchBody([["op": "remove", "path": "members"]])).body
                    == slackError("no_such_group", 404)
            )
            #expect(emulator.state().users.count == 3)  // users are kept
        }
    }

    @Test func deactivatedGuestAndUnknownUsersCannotBeAdded() async throws {
        try await withSlack { client, _ in
            let u = try await users(client)
            let guest = try #require(
                try await client.post(
                    "/Users",
                    slackUser(
                        "guest",
                        extra: [
                            "urn:ietf:params:scim:schemas:extension:slack:guest:2.0:User": ["type": "multi"]
                        ]
                    )
                ).id
            )
            _ = try await client.delete("/Users/\(u[0])")
            let g = try #require(try await client.post("/Groups", groupBody("Eng", members: [u[1]])).id)
            for id in [u[0], guest] {
                let r = try await client.patch(
                    "/Groups/\(g)",
                    patchBody([["op": "add", "path": "members", "value": [["value": .string(id)]]]])
                )
                #expect(r.body == slackError("unable_to_add_deleted_or_guest_to_group", 400))
            }
            #expect(
                try await client.post("/Groups", groupBody("Ops", members: [u[0]])).body
                    == slackError("unable_to_add_deleted_or_guest_to_group", 400)
            )
            let unknown = try await client.patch(
                "/Groups/\(g)",
                patchBody([["op": "add", "path": "members", "value": [["value": "U404"]]]])
            )
            #expect(unknown.body == slackError("no_such_group_members", 400))
            // Nothing of a refused request is applied.
            #expect(members(try await client.get("/Groups/\(g)")) == [u[1]])
        }
    }

    @Test func moreThanFifteenThousandMembersInOneRequestIsTooManyUsers() async throws {
        try await withSlack { client, _ in
            let g = try #require(try await client.post("/Groups", groupBody("Big")).id)
            let ids = (0..<15_001).map { "U\($0)" }
            let r = try await client.patch(
                "/Groups/\(g)",
                patchBody([["op": "add", "path": "members", "value": .array(ids.map { ["value": .string($0)] })]])
            )
            #expect(r.body == slackError("too_many_users", 400))
        }
    }

    @Test func groupsAreFilteredByDisplayNameOnly() async throws {
        try await withSlack { client, _ in
            _ = try await client.post("/Groups", groupBody("Eng"))
            _ = try await client.post("/Groups", groupBody("Sales"))
            let r = try await client.get("/Groups?filter=" + encode(#"displayName eq "sales""#))
            #expect(r.resources.map { $0["displayName"]?.stringValue } == ["Sales"])
            #expect(
                try await client.get("/Groups?filter=" + encode(#"displayName co "a""#)).body
                    == slackError("invalid_filter_group", 400)
            )
            #expect(
                try await client.get("/Groups?filter=" + encode(#"id eq "S1""#)).body
                    == slackError("invalid_filter_group", 400)
            )
            #expect(try await client.get("/Groups").body?["totalResults"] == 2)
        }
    }

    @Test func seededGroupsMayHoldForeignMembers() async throws {
        try await withSlack { client, emulator in
            let seeded = try emulator.seed(
                channels: ["eng-announce"],
                users: [slackUser("outsider").objectValue!],
                groups: [["displayName": "Engineering", "members": [["value": "U0000000001"]]]]
            )
            #expect(seeded.groups.first?["members"]?.arrayValue?.first?["value"] == "U0000000001")
            #expect(
                try await client.post("/Users", slackUser("eng-announce", emails: ["x@example.com"])).body
                    == slackError("username_taken", 409)
            )
        }
    }
}
