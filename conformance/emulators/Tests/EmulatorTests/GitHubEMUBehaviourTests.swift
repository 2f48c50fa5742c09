import Emulators
import Foundation
import SCIM
import Testing

/// Paging, rate limits, group PATCH answers and member removal forms, suspension and deletion, and
/// the request log of the GitHub emulator.
@Suite struct GitHubEMUBehaviourTests {
    @Test func pagesAreOneBasedWithThirtyByDefault() async throws {
        try await withGitHub { client, emulator in
            try emulator.seed(users: (1...35).map { ["userName": .string("u\($0)")] })
            let first = try await client.get("/Users")
            #expect(first.resources.count == 30)
            #expect(first.body?["totalResults"] == 35)
            #expect(first.body?["startIndex"] == 1)
            #expect(first.body?["itemsPerPage"] == 30)
            #expect(first.resources.first?["userName"] == "u1")
            let last = try await client.get("/Users?startIndex=31&count=10")
            #expect(last.resources.map { $0["userName"] } == ["u31", "u32", "u33", "u34", "u35"])
            #expect(last.body?["startIndex"] == 31)
            #expect(try await client.get("/Users?startIndex=36&count=10").resources.isEmpty)
            #expect(try await client.get("/Users?count=many").status == 400)
        }
    }

    @Test func beyondTheRateLimitIs429WithRetryAfterAndAScimErrorBody() async throws {
        try await withGitHub(.init(rateLimit: .perMinute(3))) { client, emulator in
            for _ in 0..<3 { #expect(try await client.get("/Users").status == 200) }
            let limited = try await client.get("/Users")
            #expect(limited.status == 429)
            let retryAfter = try #require(limited.header("Retry-After").flatMap { Int($0) })
            #expect(retryAfter >= 1 && retryAfter <= 20)
            #expect(limited.body?["status"] == 429)
            #expect(limited.body?["documentation_url"]?.stringValue != nil)
            let counters = emulator.state().counters
            #expect(counters.tooManyRequests == 1)
            #expect(counters.rateLimited == 1)
            #expect(counters.requests("GET", "/Users") == 4)
        }
    }

    @Test func groupPatchAnswers204Or200WithTheGroup() async throws {
        try await withGitHub { client, emulator in
            let group = try #require(try await client.post("/Groups", .object(GitHubBodies.group("Eng"))).id)
            let rename = patchBody([["op": "replace", "path": "displayName", "value": "Engineering"]])
            let quiet = try await client.patch("/Groups/\(group)", rename)
            #expect(quiet.status == 204)
            #expect(quiet.body.isEmptyBody)
            emulator.setGroupPatchAnswer(.group)
            let loud = try await client.patch(
                "/Groups/\(group)",
                patchBody([["op": "replace", "path": "displayName", "value": "Eng 2"]])
            )
            #expect(loud.status == 200)
            #expect(loud.body?["displayName"] == "Eng 2")
            #expect(loud.body?["members"] == [])
            // Over the admin API as well.
            #expect(try await client.send("PUT", "/_emulator/group-patch-status", ["status": 204]).status == 200)
            #expect(emulator.groupPatchAnswer == .noContent)
        }
    }

    @Test func membersAreRemovedByFilterPathOrByValueArray() async throws {
        try await withGitHub { client, emulator in
            let seeded = try emulator.seed(users: ["a", "b", "c", "d"].map { ["userName": .string($0)] })
            let ids = seeded.users.compactMap { $0["id"]?.stringValue }
            let group = try #require(
                try await client.post("/Groups", .object(GitHubBodies.group("Eng", members: ids))).id
            )
            #expect(
                try await client.patch(
                    "/Groups/\(group)",
                    patchBody([["op": "remove", "path": .string("members[value eq \"\(ids[0])\"]")]])
                ).status == 204
            )
            #expect(
                try await client.patch(
                    "/Groups/\(group)",
                    patchBody([["op": "remove", "path": .string("members[value eq '\(ids[1])']")]])
                ).status == 204
            )
            #expect(
                try await client.patch(
                    "/Groups/\(group)",
                    patchBody([["op": "remove", "path": "members", "value": [["value": .string(ids[2])]]]])
                ).status == 204
            )
            // Removing a member that is not there is not an error.
            #expect(
                try await client.patch(
                    "/Groups/\(group)",
                    patchBody([["op": "remove", "path": .string("members[value eq \"\(ids[0])\"]")]])
                ).status == 204
            )
            #expect(emulator.state().memberNames(of: "Eng") == ["d"])
            #expect(
                try await client.patch("/Groups/\(group)", patchBody([["op": "remove", "path": "members"]])).status
                    == 204
            )
            #expect(emulator.state().memberNames(of: "Eng").isEmpty)
        }
    }

    @Test func putOnAGroupReplacesItsMembersAndOmittingThemEmptiesIt() async throws {
        try await withGitHub { client, emulator in
            let ids = try emulator.seed(users: [["userName": "a"], ["userName": "b"]]).users.compactMap {
                $0["id"]?.stringValue
            }
            let group = try #require(
                try await client.post("/Groups", .object(GitHubBodies.group("Eng", externalId: "g", members: ids))).id
            )
            let replaced = try await client.put(
                "/Groups/\(group)",
                .object(GitHubBodies.group("Eng", externalId: "g", members: [ids[1]]))
            )
            #expect(replaced.status == 200)
            #expect(emulator.state().memberNames(of: "Eng") == ["b"])
            #expect(
                try await client.put("/Groups/\(group)", .object(GitHubBodies.group("Engineering", externalId: "g")))
                    .status == 200
            )
            #expect(emulator.state().memberNames(of: "Engineering").isEmpty)
        }
    }

    @Test func inactiveSuspendsAndDeleteRemovesForGood() async throws {
        try await withGitHub { client, emulator in
            let user = try #require(try await client.post("/Users", .object(GitHubBodies.user("mona"))).id)
            _ = try await client.post("/Groups", .object(GitHubBodies.group("Eng", members: [user])))
            let suspended = try await client.put(
                "/Users/\(user)",
                .object(GitHubBodies.user("mona", extra: ["active": false]))
            )
            #expect(suspended.status == 200)
            #expect(emulator.state().user(named: "mona")?["active"] == false)
            #expect(emulator.state().memberNames(of: "Eng") == ["mona"])
            #expect(try await client.delete("/Users/\(user)").status == 204)
            #expect(emulator.state().user(named: "mona") == nil)
            #expect(emulator.state().memberNames(of: "Eng").isEmpty)
            #expect(try await client.get("/Users/\(user)").status == 404)
        }
    }

    @Test func everyRequestIsRecordedWithItsQueryAndBody() async throws {
        try await withGitHub { client, emulator in
            _ = try await client.post("/Users", .object(GitHubBodies.user("mona")))
            _ = try await client.get("/Users?filter=userName%20eq%20%22mona%22")
            let requests = emulator.requests
            #expect(requests.count == 2)
            #expect(requests[0].method == "POST")
            #expect(requests[0].path == "/scim/v2/enterprises/acme/Users")
            #expect(requests[0].body?["userName"] == "mona")
            #expect(requests[1].query == "filter=userName%20eq%20%22mona%22")
            #expect(emulator.state().counters.totalRequests == 2)
        }
    }

    @Test func seededGroupsHoldForeignMembersAndFaultsUseTheSharedPlan() async throws {
        try await withGitHub { client, emulator in
            let foreign = try emulator.seed(users: [["userName": "outsider", "id": "foreign-1"]])
            #expect(foreign.users.first?["id"] == "foreign-1")
            try emulator.seed(groups: [["displayName": "Engineering", "members": [["value": "foreign-1"]]]])
            emulator.failNext(1, method: "GET", pathPrefix: "/Groups", with: .internalServerError)
            let failed = try await client.get("/Groups")
            #expect(failed.status == 500)
            #expect(failed.body?["status"] == 500)
            let found = try await client.get("/Groups?filter=displayName%20eq%20%22Engineering%22")
            #expect(found.resources.first?["members"]?.arrayValue?.first?["value"] == "foreign-1")
            #expect(emulator.state().counters.faults["500"] == 1)
        }
    }
}

fileprivate extension Optional where Wrapped == JSONValue {
    /// No body: `EmulatorClient` reads an empty body as nil, which `JSONValue`'s nil literal makes `.null`.
    var isEmptyBody: Bool { self?.isNull ?? true }
}
