import HTTPTypes
import SCIM
import TestSupport
import Testing

@testable import Server
@testable import Store

@Suite("Users and Groups over HTTP (RFC 7644 §3)")
struct ResourceEndpointTests {
    @Test func createGetAndLocation() async throws {
        try await withTestBridge { bridge in
            let token = try await bridge.channel("default")
            try await bridge.run { c in
                let created = try await c.post(
                    "/scim/v2/default/Users",
                    token: token,
                    Bodies.user("bjensen", email: "bjensen@example.com")
                )
                #expect(created.status == 201)
                #expect(created.headers[.contentType] == "application/scim+json")
                let id = try #require(created.body?["id"]?.stringValue)
                let location = try #require(created.headers[.location])
                #expect(location.hasSuffix("/scim/v2/default/Users/\(id)"))
                #expect(created.body?["meta"]?["location"]?.stringValue == location)
                #expect(created.headers[.eTag] == created.body?["meta"]?["version"]?.stringValue)

                let got = try await c.get("/scim/v2/default/Users/\(id)", token: token)
                #expect(got.status == 200)
                #expect(got.body?["userName"] == "bjensen")
                #expect(got.body?["meta"]?["resourceType"] == "User")
            }
        }
    }

    @Test func unknownUserIs404SCIMError() async throws {
        try await withTestBridge { bridge in
            let token = try await bridge.channel("default")
            try await bridge.run { c in
                let r = try await c.get("/scim/v2/default/Users/0", token: token)
                #expect(r.status == 404)
                #expect(r.body?["schemas"] == ["urn:ietf:params:scim:api:messages:2.0:Error"])
                #expect(r.body?["status"] == "404")
                #expect(r.headers[.contentType] == "application/scim+json")
            }
        }
    }

    @Test func duplicateUserNameDifferingOnlyInCaseIs409() async throws {
        try await withTestBridge { bridge in
            let token = try await bridge.channel("default")
            try await bridge.run { c in
                #expect(
                    try await c.post("/scim/v2/default/Users", token: token, Bodies.user("BJensen@Example.com")).status
                        == 201
                )
                let dup = try await c.post("/scim/v2/default/Users", token: token, Bodies.user("bjensen@example.COM"))
                #expect(dup.status == 409)
                #expect(dup.scimType == "uniqueness")
                #expect(dup.detail?.contains("userName") == true)
            }
        }
    }

    @Test func duplicateGroupDisplayNameIs409() async throws {
        try await withTestBridge { bridge in
            let token = try await bridge.channel("default")
            try await bridge.run { c in
                #expect(
                    try await c.post("/scim/v2/default/Groups", token: token, Bodies.group("Engineering")).status == 201
                )
                let dup = try await c.post("/scim/v2/default/Groups", token: token, Bodies.group("ENGINEERING"))
                #expect(dup.status == 409)
                #expect(dup.scimType == "uniqueness")
            }
        }
    }

    @Test func staleIfMatchIs412AndIfNoneMatchIs304() async throws {
        try await withTestBridge { bridge in
            let token = try await bridge.channel("default")
            try await bridge.run { c in
                let created = try await c.post("/scim/v2/default/Users", token: token, Bodies.user("etag"))
                let id = try #require(created.body?["id"]?.stringValue)
                let v1 = try #require(created.headers[.eTag])
                let updated = try await c.put(
                    "/scim/v2/default/Users/\(id)",
                    token: token,
                    Bodies.user("etag", active: false),
                    headers: [.ifMatch: v1]
                )
                #expect(updated.status == 200)
                let v2 = try #require(updated.headers[.eTag])
                #expect(v2 != v1)
                let stale = try await c.put(
                    "/scim/v2/default/Users/\(id)",
                    token: token,
                    Bodies.user("etag"),
                    headers: [.ifMatch: v1]
                )
                #expect(stale.status == 412)
                let stalePatch = try await c.patch(
                    "/scim/v2/default/Users/\(id)",
                    token: token,
                    Bodies.patch([["op": "replace", "path": "active", "value": true]]),
                    headers: [.ifMatch: v1]
                )
                #expect(stalePatch.status == 412)
                #expect(
                    try await c.delete("/scim/v2/default/Users/\(id)", token: token, headers: [.ifMatch: v1]).status
                        == 412
                )
                let notModified = try await c.get(
                    "/scim/v2/default/Users/\(id)",
                    token: token,
                    headers: [.ifNoneMatch: v2]
                )
                #expect(notModified.status == 304)
                #expect(
                    try await c.get("/scim/v2/default/Users/\(id)", token: token, headers: [.ifNoneMatch: v1]).status
                        == 200
                )
            }
        }
    }

    @Test func deleteThen404() async throws {
        try await withTestBridge { bridge in
            let token = try await bridge.channel("default")
            try await bridge.run { c in
                let id = try #require(
                    try await c.post("/scim/v2/default/Users", token: token, Bodies.user("gone")).body?["id"]?
                        .stringValue
                )
                #expect(try await c.delete("/scim/v2/default/Users/\(id)", token: token).status == 204)
                #expect(try await c.get("/scim/v2/default/Users/\(id)", token: token).status == 404)
                #expect(try await c.delete("/scim/v2/default/Users/\(id)", token: token).status == 404)
            }
        }
    }

    @Test func listWithFilterSortAndPaging() async throws {
        try await withTestBridge { bridge in
            let token = try await bridge.channel("default")
            try await bridge.run { c in
                for name in ["carol", "alice", "bob", "dave"] {
                    #expect(
                        try await c.post(
                            "/scim/v2/default/Users",
                            token: token,
                            Bodies.user(name, email: "\(name)@example.com")
                        ).status == 201
                    )
                }
                let found = try await c.get("/scim/v2/default/Users?filter=username%20Eq%20%22ALICE%22", token: token)
                #expect(found.status == 200)
                #expect(found.body?["totalResults"] == 1)
                #expect(found.body?["Resources"]?.arrayValue?.first?["userName"] == "alice")

                let page = try await c.get(
                    "/scim/v2/default/Users?sortBy=userName&sortOrder=descending&startIndex=2&count=2",
                    token: token
                )
                #expect(page.body?["totalResults"] == 4)
                #expect(page.body?["startIndex"] == 2)
                #expect(page.body?["itemsPerPage"] == 2)
                #expect(
                    page.body?["Resources"]?.arrayValue?.compactMap { $0["userName"]?.stringValue } == ["carol", "bob"]
                )

                let byEmail = try await c.get(
                    "/scim/v2/default/Users?filter=emails.value%20sw%20%22da%22",
                    token: token
                )
                #expect(byEmail.body?["Resources"]?.arrayValue?.compactMap { $0["userName"]?.stringValue } == ["dave"])

                let projected = try await c.get(
                    "/scim/v2/default/Users?attributes=userName&filter=userName%20eq%20%22bob%22",
                    token: token
                )
                let bob = try #require(projected.body?["Resources"]?.arrayValue?.first?.objectValue)
                #expect(Set(bob.keys.map { $0.lowercased() }) == ["schemas", "id", "username"])

                let notIndexed = try await c.get(
                    "/scim/v2/default/Users?filter=name.familyName%20co%20%22aro%22",
                    token: token
                )
                #expect(
                    notIndexed.body?["Resources"]?.arrayValue?.compactMap { $0["userName"]?.stringValue } == ["carol"]
                )
            }
        }
    }

    @Test func searchEndpointsAtRootAndPerType() async throws {
        try await withTestBridge { bridge in
            let token = try await bridge.channel("default")
            try await bridge.run { c in
                _ = try await c.post("/scim/v2/default/Users", token: token, Bodies.user("searchme"))
                _ = try await c.post("/scim/v2/default/Groups", token: token, Bodies.group("searchgroup"))
                let search: JSONValue = [
                    "schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],
                    "filter": "userName sw \"search\"", "attributes": ["userName"],
                ]
                let typed = try await c.post("/scim/v2/default/Users/.search", token: token, search)
                #expect(typed.status == 200)
                #expect(typed.body?["totalResults"] == 1)
                let all: JSONValue = ["schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"]]
                let root = try await c.post("/scim/v2/default/.search", token: token, all)
                #expect(root.body?["totalResults"] == 2)
            }
        }
    }

    @Test func groupWithExcludedMembersNeverReadsMembers() async throws {
        try await withTestBridge { bridge in
            let token = try await bridge.channel("default")
            try await bridge.run { c in
                let u = try #require(
                    try await c.post("/scim/v2/default/Users", token: token, Bodies.user("m1")).body?["id"]?.stringValue
                )
                let g = try #require(
                    try await c.post("/scim/v2/default/Groups", token: token, Bodies.group("G", members: [u])).body?[
                        "id"
                    ]?.stringValue
                )
                bridge.statements.reset()
                let r = try await c.get("/scim/v2/default/Groups/\(g)?excludedAttributes=members", token: token)
                #expect(r.status == 200)
                #expect(r.body?["members"] == nil)
                #expect(!bridge.statements.all.contains { $0.contains("membership") })
                let full = try await c.get("/scim/v2/default/Groups/\(g)", token: token)
                #expect(full.body?["members"]?.arrayValue?.first?["value"]?.stringValue == u)
                let user = try await c.get("/scim/v2/default/Users/\(u)", token: token)
                #expect(user.body?["groups"]?.arrayValue?.first?["value"]?.stringValue == g)
            }
        }
    }
}
