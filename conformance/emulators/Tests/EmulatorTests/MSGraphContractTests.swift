import Emulators
import Foundation
import NIOHTTP1
import SCIM
import TestSupport
import Testing

@Suite("OpenAPIContract on the Microsoft Graph provisioning extract")
struct MSGraphContractTests {
    @Test func theRepositorysDescriptionLoadsWithItsPaths() throws {
        let contract = try msgraphContract()
        #expect(contract.basePath == "/v1.0")
        #expect(contract.pathTemplates.contains("/groups/{group-id}/members/$ref"))
        #expect(contract.pathTemplates.count == 8)
    }

    @Test func aValidUserCreatePasses() throws {
        let contract = try msgraphContract()
        #expect(contract.violations(method: "POST", path: "/users", query: [], body: MSGraphBodies.user("ok")).isEmpty)
        #expect(
            contract.violations(
                method: "GET",
                path: "/v1.0/users",
                query: [("$filter", "userPrincipalName eq 'a@example.com'"), ("$top", "50"), ("$select", "id,mail")],
                body: nil
            ).isEmpty
        )
        let group = MSGraphBodies.securityGroup("G", members: ["00000000-0000-4000-8000-000000000001"])
        #expect(contract.violations(method: "POST", path: "/groups", query: [], body: group).isEmpty)
    }

    @Test func eachBreachIsOnePreciseViolation() throws {
        let contract = try msgraphContract()
        #expect(
            contract.violations(method: "PATCH", path: "/groups/abc", query: [], body: ["foo": 1])
                == ["PATCH /groups/{group-id}: body property 'foo' is not in microsoft.graph.group"]
        )
        #expect(
            contract.violations(method: "PATCH", path: "/users/abc", query: [], body: ["accountEnabled": "no"])
                == ["PATCH /users/{user-id}: body property 'accountEnabled' must be a boolean, not a string"]
        )
        #expect(
            contract.violations(
                method: "POST",
                path: "/users",
                query: [],
                body: ["passwordProfile": ["password": "x", "pin": "1"]]
            ) == ["POST /users: body property 'passwordProfile.pin' is not in microsoft.graph.passwordProfile"]
        )
        #expect(
            contract.violations(method: "GET", path: "/users", query: [("$skip", "5")], body: nil)
                == ["GET /users: query parameter '$skip' is not declared"]
        )
        #expect(
            contract.violations(method: "GET", path: "/groups", query: [("$top", "many")], body: nil)
                == ["GET /groups: query parameter '$top' must be an integer, not 'many'"]
        )
        #expect(
            contract.violations(method: "GET", path: "/devices", query: [], body: nil)
                == ["GET /devices: no path of the description matches /devices"]
        )
        #expect(
            contract.violations(method: "PUT", path: "/groups/abc", query: [], body: ["displayName": "x"])
                == [
                    "PUT /groups/{group-id}: the description has no PUT operation on this path (only DELETE, GET, PATCH)"
                ]
        )
        #expect(
            contract.violations(
                method: "GET",
                path: "/users/abc",
                query: [],
                headers: [("ConsistencyLevel", "eventual")],
                body: nil
            ) == ["GET /users/{user-id}: header 'ConsistencyLevel' is not declared for this operation"]
        )
        #expect(
            contract.violations(
                method: "POST",
                path: "/users",
                query: [],
                body: ["members@odata.bind": ["https://graph.microsoft.com/v1.0/directoryObjects/x"]]
            ) == ["POST /users: body property 'members@odata.bind' is not in microsoft.graph.user"]
        )
    }

    @Test func theEmulatorChecksEveryRequestAndEachRequestOfABatch() async throws {
        let contract = try msgraphContract()
        try await withMSGraph({ $0.contract = contract }) { client, emulator in
            let c = try await client.authorized()
            var user = MSGraphBodies.user("k").objectValue!
            user["externalId"] = "x-1"
            #expect(try await c.send(.POST, "/users", .object(user)).status == 201)
            let reply = try await c.send(
                .POST,
                "/$batch",
                [
                    "requests": [
                        batchItem("1", "GET", "/users?$skip=1"),
                        batchItem("2", "PATCH", "/groups/abc", body: ["bogus": true]),
                        batchItem("3", "GET", "/users?$top=5"),
                    ]
                ]
            )
            #expect(reply.status == 200)
            #expect(
                emulator.state().contractViolations == [
                    "POST /users: body property 'externalId' is not in microsoft.graph.user",
                    "GET /users: query parameter '$skip' is not declared",
                    "PATCH /groups/{group-id}: body property 'bogus' is not in microsoft.graph.group",
                ]
            )
        }
    }
}
