import Emulators
import Foundation
import SCIM
import Testing

/// Seeding (Swift and admin API), the state view with its counters, and reset.
@Suite struct SeedingAndStateTests {
    /// A target that already has a group named like one the bridge will push, holding members the
    /// bridge does not manage.
    @Test func sameNamedGroupWithForeignMembers() async throws {
        try await withEmulator { client, emulator in
            let seeded = try emulator.seed(
                users: [
                    [
                        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "id": "foreign-1",
                        "userName": "outsider",
                    ]
                ],
                groups: [
                    [
                        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": "Engineering",
                        "members": [["value": "foreign-1"]],
                    ]
                ]
            )
            #expect(seeded.users.first?["id"]?.stringValue == "foreign-1")
            let groupID = try #require(seeded.groups.first?["id"]?.stringValue)

            // The bridge's create collides; its lookup by name finds the foreign member.
            let clash = try await client.post("/Groups", groupBody("engineering"))
            #expect(clash.status == 409)
            let found = try await client.get("/Groups?filter=displayName%20eq%20%22Engineering%22")
            #expect(found.resources.first?["id"]?.stringValue == groupID)
            #expect(found.resources.first?["members"]?.arrayValue?.first?["value"]?.stringValue == "foreign-1")
            // Seeding does not count as traffic.
            #expect(emulator.state().counters.requests("POST", "/Groups") == 1)
        }
    }

    @Test func seedOverTheAdminAPI() async throws {
        try await withEmulator { client, emulator in
            let body: JSONValue = [
                "users": [["schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "u1", "id": "u1"]],
                "groups": [
                    [
                        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": "g1",
                        "members": [["value": "u1"]],
                    ]
                ],
            ]
            let reply = try await client.send("POST", "/_emulator/seed", body)
            #expect(reply.status == 201)
            #expect(reply.body?["groups"]?.arrayValue?.first?["members"]?.arrayValue?.count == 1)
            #expect(emulator.state().user(named: "U1") != nil)

            // All or nothing: a bad group leaves no user behind.
            let bad: JSONValue = [
                "users": [["schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "u2"]],
                "groups": [
                    [
                        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": "g2",
                        "members": [["value": "nobody"]],
                    ]
                ],
            ]
            #expect(try await client.send("POST", "/_emulator/seed", bad).status == 400)
            #expect(emulator.state().user(named: "u2") == nil)
        }
    }

    @Test func stateCountsRequestsByTemplate() async throws {
        try await withEmulator { client, _ in
            let id = try #require(try await client.post("/Users", userBody("a")).id)
            _ = try await client.get("/Users/\(id)")
            _ = try await client.get("/Users/\(id)")
            _ = try await client.get("/Users?filter=userName%20eq%20%22a%22")
            _ = try await client.get("/Users/missing")

            let state = try await client.get("/_emulator/state")
            #expect(state.status == 200)
            #expect(state.body?["users"]?.arrayValue?.first?["userName"]?.stringValue == "a")
            let counters = try #require(state.body?["counters"])
            #expect(counters["requests"]?["POST /Users"]?.integerValue == 1)
            #expect(counters["requests"]?["GET /Users/{id}"]?.integerValue == 3)
            #expect(counters["requests"]?["GET /Users"]?.integerValue == 1)
            #expect(counters["totalRequests"]?.integerValue == 5)
            #expect(counters["responses"]?["404"]?.integerValue == 1)
            #expect(counters["tooManyRequests"]?.integerValue == 0)
            // The admin API itself is not counted.
            #expect(counters["requests"]?.objectValue?.keys.contains { $0.contains("_emulator") } == false)
        }
    }

    @Test func resetForgetsEverything() async throws {
        try await withEmulator(.init(rateLimit: .perMinute(1_000))) { client, emulator in
            try emulator.seed(users: [["schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "x"]])
            _ = try await client.get("/Users")
            emulator.failNext(5, with: .internalServerError)
            emulator.setRateLimit(.perMinute(1))

            #expect(try await client.send("POST", "/_emulator/reset").status == 204)
            let state = emulator.state()
            #expect(state.users.isEmpty && state.groups.isEmpty)
            #expect(state.counters == EmulatorCounters())
            #expect(state.faults == FaultPlan())
            #expect(state.rateLimit == .perMinute(1_000))
            #expect(try await client.get("/Users").body?["totalResults"]?.integerValue == 0)

            emulator.reset()
            #expect(emulator.state().counters.totalRequests == 0)
        }
    }
}
