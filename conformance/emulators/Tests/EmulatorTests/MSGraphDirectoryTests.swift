import Emulators
import Foundation
import NIOHTTP1
import SCIM
import TestSupport
import Testing

@Suite("Microsoft Graph emulator: users")
struct MSGraphUserTests {
    @Test func creatingAUserNeedsTheRequiredFieldsAVerifiedDomainAndAFreeUPN() async throws {
        try await withMSGraph { client, emulator in
            let c = try await client.authorized()
            let created = try await c.send(.POST, "/users", MSGraphBodies.user("ann"))
            #expect(created.status == 201)
            #expect(created.body?["userPrincipalName"] == "ann@example.com")
            #expect(created.id != nil)
            for field in ["accountEnabled", "displayName", "mailNickname", "passwordProfile"] {
                var body = MSGraphBodies.user("bob").objectValue!
                body[field] = nil
                let refused = try await c.send(.POST, "/users", .object(body))
                #expect(refused.status == 400)
                #expect(refused.code == "Request_BadRequest")
                #expect(refused.message == "A value is required for property '\(field)' of resource 'User'.")
            }
            let domain = try await c.send(.POST, "/users", MSGraphBodies.user("bob", domain: "elsewhere.org"))
            #expect(domain.status == 400)
            #expect(
                domain.message?.hasPrefix("The domain portion of the userPrincipalName property is invalid.") == true
            )
            var accented = MSGraphBodies.user("bob").objectValue!
            accented["userPrincipalName"] = "bób@example.com"
            #expect(try await c.send(.POST, "/users", .object(accented)).message?.contains("userPrincipalName") == true)
            let duplicate = try await c.send(.POST, "/users", MSGraphBodies.user("ANN"))
            #expect(duplicate.status == 400)
            #expect(duplicate.code == "Request_BadRequest")
            #expect(
                duplicate.message == "Another object with the same value for property userPrincipalName already exists."
            )
            #expect(emulator.state().users.count == 1)
        }
    }

    @Test func aFederatedDomainsUserNeedsAnImmutableIDInsteadOfAPassword() async throws {
        try await withMSGraph({ $0.federatedDomains = ["fed.example.org"] }) { client, _ in
            let c = try await client.authorized()
            var body = MSGraphBodies.user("fed", domain: "fed.example.org").objectValue!
            body["passwordProfile"] = nil
            let refused = try await c.send(.POST, "/users", .object(body))
            #expect(refused.message == "A value is required for property 'onPremisesImmutableId' of resource 'User'.")
            body["onPremisesImmutableId"] = "ZmVkLTE="
            #expect(try await c.send(.POST, "/users", .object(body)).status == 201)
        }
    }

    @Test func filtersSelectAndPagingWithNextLinkOverMoreThanAPage() async throws {
        try await withMSGraph { client, _ in
            let c = try await client.authorized()
            try await c.send(
                .POST,
                "/_emulator/seed",
                ["users": .array((0..<250).map { ["userPrincipalName": .string("u\($0)@example.com")] })]
            )
            let one = try await c.send(.GET, "/users?$filter=userPrincipalName%20eq%20'U7@example.com'")
            #expect(one.status == 200)
            #expect(one.value.map { $0["userPrincipalName"] } == ["u7@example.com"])
            let starts = try await c.send(
                .GET,
                "/users?$filter=startsWith(userPrincipalName,'u24')&$select=id,accountEnabled"
            )
            #expect(starts.value.count == 11)
            #expect(starts.value.first?["accountEnabled"] == true)
            #expect(starts.value.first?["userPrincipalName"] == nil)
            let listed = try await c.send(
                .GET,
                "/users?$filter=userPrincipalName%20in%20('u1@example.com','u2@example.com')"
            )
            #expect(listed.value.count == 2)
            var seen: [String] = []
            var url: String? = "/users"
            var pages = 0
            while let next = url {
                let page = try await c.send(.GET, next)
                #expect(page.status == 200)
                #expect(page.value.count <= 100)
                seen += page.value.compactMap { $0["userPrincipalName"]?.stringValue }
                url = page.body?["@odata.nextLink"]?.stringValue.map { link in
                    #expect(link.contains("$skiptoken="))
                    return String(link.dropFirst((client.base + "/v1.0").count))
                }
                pages += 1
            }
            #expect(pages == 3)
            #expect(Set(seen).count == 250)
            let tooBig = try await c.send(.GET, "/users?$top=1000")
            #expect(tooBig.status == 400)
            #expect(try await c.send(.GET, "/users?$top=999").value.count == 250)
            #expect(try await c.send(.GET, "/users?$skip=10").status == 400)
        }
    }

    @Test func advancedQueriesNeedConsistencyLevelEventualAndCount() async throws {
        try await withMSGraph { client, _ in
            let c = try await client.authorized()
            try await c.send(
                .POST,
                "/_emulator/seed",
                ["users": [["userPrincipalName": "a@example.com"], ["userPrincipalName": "b@example.com"]]]
            )
            let plain = try await c.send(.GET, "/users?$filter=userPrincipalName%20ne%20'a@example.com'")
            #expect(plain.status == 400)
            #expect(plain.code == "Request_UnsupportedQuery")
            let eventual = try await c.send(
                .GET,
                "/users?$filter=userPrincipalName%20ne%20'a@example.com'&$count=true",
                headers: [("ConsistencyLevel", "eventual")]
            )
            #expect(eventual.status == 200)
            #expect(eventual.body?["@odata.count"] == 1)
            #expect(try await c.send(.GET, "/users?$filter=endsWith(mail,'x')").status == 400)
            #expect(try await c.send(.GET, "/users?$count=true").status == 400)
            #expect(try await c.send(.GET, "/users?$search=%22displayName:a%22").status == 400)
        }
    }

    @Test func deleteIsSoftRemovesMembershipsAndKeepsTheUPNTaken() async throws {
        try await withMSGraph { client, emulator in
            let c = try await client.authorized()
            let ids = try emulator.seed(
                users: [["userPrincipalName": "gone@example.com"]],
                groups: [["displayName": "Team", "members": ["gone@example.com"]]]
            )
            #expect(emulator.state().memberPrincipalNames(ofGroupNamed: "Team") == ["gone@example.com"])
            #expect(try await c.send(.DELETE, "/users/gone@example.com").status == 204)
            let state = emulator.state()
            #expect(state.users.isEmpty)
            #expect(state.deletedUsers.first?["userPrincipalName"] == "gone@example.com")
            #expect(state.deletedUsers.first?["deletedDateTime"]?.stringValue != nil)
            #expect(state.memberPrincipalNames(ofGroupNamed: "Team").isEmpty)
            #expect(try await c.send(.GET, "/users/\(ids.users[0])").status == 404)
            let again = try await c.send(.POST, "/users", MSGraphBodies.user("gone"))
            #expect(
                again.message == "Another object with the same value for property userPrincipalName already exists."
            )
        }
    }

    @Test func patchDisablesAndGetReadsByIDOrUPN() async throws {
        try await withMSGraph { client, _ in
            let c = try await client.authorized()
            let id = try #require(try await c.send(.POST, "/users", MSGraphBodies.user("pat")).id)
            #expect(try await c.send(.PATCH, "/users/\(id)", ["accountEnabled": false]).status == 204)
            let read = try await c.send(.GET, "/users/pat@example.com?$select=accountEnabled,id")
            #expect(read.body?["accountEnabled"] == false)
            #expect(read.body?["id"]?.stringValue == id)
            let unknown = try await c.send(.GET, "/users/nobody@example.com")
            #expect(unknown.status == 404)
            #expect(unknown.code == "Request_ResourceNotFound")
        }
    }
}

@Suite("Microsoft Graph emulator: groups and members")
struct MSGraphGroupTests {
    @Test func securityAndMicrosoft365GroupsAndTheMailNicknameRules() async throws {
        try await withMSGraph { client, _ in
            let c = try await client.authorized()
            #expect(try await c.send(.POST, "/groups", MSGraphBodies.securityGroup("Engineering")).status == 201)
            let unified: JSONValue = [
                "displayName": "Sales", "mailEnabled": true, "mailNickname": "sales", "securityEnabled": false,
                "groupTypes": ["Unified"],
            ]
            let m365 = try await c.send(.POST, "/groups", unified)
            #expect(m365.status == 201)
            #expect(m365.body?["groupTypes"] == ["Unified"])
            let taken = try await c.send(.POST, "/groups", unified)
            #expect(taken.status == 400)
            #expect(taken.message == "Another object with the same value for property mailNickname already exists.")
            for bad in ["has space", "at@sign", "semi;colon", String(repeating: "n", count: 65), "accént"] {
                let refused = try await c.send(.POST, "/groups", MSGraphBodies.securityGroup("G", nickname: bad))
                #expect(refused.status == 400, "\(bad)")
                #expect(refused.message == "Invalid value specified for property 'mailNickname' of resource 'Group'.")
            }
            var noSecurity = MSGraphBodies.securityGroup("X").objectValue!
            noSecurity["securityEnabled"] = nil
            #expect(
                try await c.send(.POST, "/groups", .object(noSecurity)).message
                    == "A value is required for property 'securityEnabled' of resource 'Group'."
            )
        }
    }

    @Test func sameNamedGroupsAreAllReturnedByADisplayNameFilter() async throws {
        try await withMSGraph { client, emulator in
            let c = try await client.authorized()
            try emulator.seed(groups: [["displayName": "Ops"]])
            #expect(
                try await c.send(.POST, "/groups", MSGraphBodies.securityGroup("Ops", nickname: "ops2")).status == 201
            )
            let found = try await c.send(.GET, "/groups?$filter=displayName%20eq%20'ops'")
            #expect(found.value.count == 2)
            let state = emulator.state()
            #expect(state.groups(named: "Ops").count == 2)
            #expect(state.group(named: "Ops") == nil)
        }
    }

    @Test func bindAddsUpToTwentyMembersAndTheTwentyFirstFailsTheRequest() async throws {
        try await withMSGraph { client, emulator in
            let c = try await client.authorized()
            let users = try emulator.seed(users: (0..<21).map { ["userPrincipalName": .string("m\($0)@example.com")] })
                .users
            let created = try await c.send(
                .POST,
                "/groups",
                MSGraphBodies.securityGroup("Twenty", members: Array(users.prefix(20)))
            )
            #expect(created.status == 201)
            let group = try #require(created.id)
            #expect(emulator.state().memberIDs[group]?.count == 20)
            let tooMany = try await c.send(.POST, "/groups", MSGraphBodies.securityGroup("Big", members: users))
            #expect(tooMany.status == 400)
            #expect(emulator.state().groups(named: "Big").isEmpty)
            let patchTooMany = try await c.send(
                .PATCH,
                "/groups/\(group)",
                ["members@odata.bind": .array(users.map(MSGraphClient.reference))]
            )
            #expect(patchTooMany.status == 400)
            let twice = try await c.send(
                .PATCH,
                "/groups/\(group)",
                ["members@odata.bind": [MSGraphClient.reference(users[20]), MSGraphClient.reference(users[20])]]
            )
            #expect(twice.status == 400)
            #expect(twice.message?.contains("can only be present once as an add/remove change") == true)
        }
    }

    @Test func oneExistingMemberFailsTheWholeAddAndUnknownMembersAre404() async throws {
        try await withMSGraph { client, emulator in
            let c = try await client.authorized()
            let ids = try emulator.seed(
                users: [["userPrincipalName": "in@example.com"], ["userPrincipalName": "new@example.com"]],
                groups: [["displayName": "G", "members": ["in@example.com"]]]
            )
            let group = ids.groups[0]
            let both = try await c.send(
                .PATCH,
                "/groups/\(group)",
                ["members@odata.bind": [MSGraphClient.reference(ids.users[1]), MSGraphClient.reference(ids.users[0])]]
            )
            #expect(both.status == 400)
            #expect(both.code == "Request_BadRequest")
            #expect(
                both.message
                    == "One or more added object references already exist for the following modified properties: 'members'."
            )
            #expect(emulator.state().memberIDs[group] == [ids.users[0]])
            let ghost = "00000000-0000-4000-8000-00000000dead"
            let unknown = try await c.send(
                .POST,
                "/groups/\(group)/members/$ref",
                ["@odata.id": MSGraphClient.reference(ghost)]
            )
            #expect(unknown.status == 404)
            #expect(unknown.code == "Request_ResourceNotFound")
            #expect(
                unknown.message
                    == "Resource '\(ghost)' does not exist or one of its queried reference-property objects are not present."
            )
        }
    }

    @Test func refAddAndRemoveAndRemovingANonMemberIs404() async throws {
        try await withMSGraph { client, emulator in
            let c = try await client.authorized()
            let ids = try emulator.seed(users: [["userPrincipalName": "r@example.com"]], groups: [["displayName": "R"]])
            let (user, group) = (ids.users[0], ids.groups[0])
            let add = try await c.send(
                .POST,
                "/groups/\(group)/members/$ref",
                ["@odata.id": MSGraphClient.reference(user)]
            )
            #expect(add.status == 204)
            let again = try await c.send(
                .POST,
                "/groups/\(group)/members/$ref",
                ["@odata.id": MSGraphClient.reference(user)]
            )
            #expect(again.status == 400)
            let members = try await c.send(
                .GET,
                "/groups/\(group)/members/microsoft.graph.user?$select=userPrincipalName"
            )
            #expect(members.value.map { $0["userPrincipalName"] } == ["r@example.com"])
            #expect(members.value.first?["@odata.type"] == "#microsoft.graph.user")
            #expect(try await c.send(.DELETE, "/groups/\(group)/members/\(user)/$ref").status == 204)
            let gone = try await c.send(.DELETE, "/groups/\(group)/members/\(user)/$ref")
            #expect(gone.status == 404)
            #expect(gone.code == "Request_ResourceNotFound")
            #expect(emulator.state().memberIDs[group] == [])
        }
    }
}
