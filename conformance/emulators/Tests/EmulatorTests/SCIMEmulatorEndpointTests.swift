import Emulators
import Foundation
import SCIM
import Testing

/// The emulator as a strict SCIM service provider, over real HTTP.
@Suite struct SCIMEmulatorEndpointTests {
    @Test func createReadReplaceDeleteUser() async throws {
        try await withEmulator { client, _ in
            let created = try await client.post("/Users", userBody("bjensen", displayName: "Barbara"))
            #expect(created.status == 201)
            let id = try #require(created.id)
            #expect(UUID(uuidString: id) != nil)
            #expect(created.header("Location") == "\(client.base.absoluteString)/Users/\(id)")
            #expect(created.body?["meta"]?["location"]?.stringValue == "\(client.base.absoluteString)/Users/\(id)")
            #expect(created.header("Content-Type") == "application/scim+json")
            let etag = try #require(created.header("ETag"))

            let read = try await client.get("/Users/\(id)")
            #expect(read.status == 200)
            #expect(read.body?["userName"]?.stringValue == "bjensen")
            #expect(read.body?["displayName"]?.stringValue == "Barbara")

            let replaced = try await client.put("/Users/\(id)", userBody("bjensen", displayName: "Babs"))
            #expect(replaced.status == 200)
            #expect(replaced.body?["displayName"]?.stringValue == "Babs")
            #expect(replaced.header("ETag") != etag)

            // The old version no longer matches If-Match (RFC 7644 §3.14).
            let stale = try await client.send("PUT", "/Users/\(id)", userBody("bjensen"), headers: [("If-Match", etag)])
            #expect(stale.status == 412)

            #expect(try await client.delete("/Users/\(id)").status == 204)
            #expect(try await client.get("/Users/\(id)").status == 404)
        }
    }

    @Test func passwordIsAcceptedButNeverReturned() async throws {
        try await withEmulator { client, emulator in
            let created = try await client.post("/Users", userBody("pw", extra: ["password": "s3cret!"]))
            #expect(created.status == 201)
            #expect(created.body?["password"] == nil)
            // The test view keeps it, so that a connector test can check it was sent.
            #expect(emulator.state().user(named: "pw")?["password"]?.stringValue == "s3cret!")
        }
    }

    @Test func filtersAndPaging() async throws {
        try await withEmulator(.init(maxResults: 2)) { client, _ in
            for name in ["alice", "bob", "carol"] {
                #expect(try await client.post("/Users", userBody(name, displayName: name.uppercased())).status == 201)
            }
            let eq = try await client.get("/Users?filter=userName%20eq%20%22BOB%22")
            #expect(eq.status == 200)
            #expect(eq.body?["totalResults"]?.integerValue == 1)
            #expect(eq.resources.first?["userName"]?.stringValue == "bob")

            let sw = try await client.get(
                "/Users?filter=" + "userName sw \"c\"".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            )
            #expect(sw.resources.compactMap { $0["userName"]?.stringValue } == ["carol"])

            // maxResults 2: the page is clamped, totalResults counts all.
            let first = try await client.get("/Users?count=10")
            #expect(first.body?["totalResults"]?.integerValue == 3)
            #expect(first.body?["itemsPerPage"]?.integerValue == 2)
            let second = try await client.get("/Users?startIndex=3&count=2")
            #expect(second.body?["startIndex"]?.integerValue == 3)
            #expect(second.resources.compactMap { $0["userName"]?.stringValue } == ["carol"])

            let projected = try await client.get("/Users?attributes=userName")
            #expect(projected.resources.first?["displayName"] == nil)
            #expect(projected.resources.first?["userName"] != nil)
            let excluded = try await client.get("/Users?excludedAttributes=displayName")
            #expect(excluded.resources.first?["displayName"] == nil)

            let bad = try await client.get("/Users?filter=userName%20zz%20%22x%22")
            #expect(bad.status == 400)
            #expect(bad.scimType == "invalidFilter")
        }
    }

    @Test func uniquenessIsCaseInsensitive() async throws {
        try await withEmulator { client, _ in
            #expect(try await client.post("/Users", userBody("Dup")).status == 201)
            let user = try await client.post("/Users", userBody("dUP"))
            #expect(user.status == 409)
            #expect(user.scimType == "uniqueness")

            #expect(try await client.post("/Groups", groupBody("Admins")).status == 201)
            let group = try await client.post("/Groups", groupBody("ADMINS"))
            #expect(group.status == 409)
            #expect(group.scimType == "uniqueness")
        }
    }

    @Test func unknownIdsAre404() async throws {
        try await withEmulator { client, _ in
            let id = "2819c223-7f76-453a-919d-413861904646"
            #expect(try await client.get("/Users/\(id)").status == 404)
            #expect(try await client.get("/Groups/\(id)").status == 404)
            #expect(try await client.put("/Users/\(id)", userBody("x")).status == 404)
            #expect(
                try await client.patch(
                    "/Groups/\(id)",
                    patchBody([["op": "add", "path": "displayName", "value": "x"]])
                ).status == 404
            )
            let deleted = try await client.delete("/Users/\(id)")
            #expect(deleted.status == 404)
            #expect(deleted.body?["schemas"]?.arrayValue?.first?.stringValue == SCIMError.schemaURN)
        }
    }

    @Test func patchAddsAndRemovesMembers() async throws {
        try await withEmulator { client, emulator in
            let a = try #require(try await client.post("/Users", userBody("a")).id)
            let b = try #require(try await client.post("/Users", userBody("b")).id)
            let g = try #require(try await client.post("/Groups", groupBody("Team", members: [a])).id)

            let added = try await client.patch(
                "/Groups/\(g)",
                patchBody([["op": "add", "path": "members", "value": [["value": .string(b)]]]])
            )
            #expect(added.status == 200)
            #expect(EmulatorState.memberIDs(of: try #require(added.body?.objectValue)) == [a, b])

            let removed = try await client.patch(
                "/Groups/\(g)",
                patchBody([["op": "remove", "path": .string("members[value eq \"\(a)\"]")]])
            )
            #expect(removed.status == 200)
            #expect(EmulatorState.memberIDs(of: try #require(removed.body?.objectValue)) == [b])

            // Members are rendered with $ref and type (display is not in the RFC 7643 Group schema, so
            // clients do not get it; the test view has it); the user lists its group.
            let member = try #require(removed.body?["members"]?.arrayValue?.first)
            #expect(member["type"]?.stringValue == "User")
            #expect(member["$ref"]?.stringValue == "\(client.base.absoluteString)/Users/\(b)")
            let stateMember = emulator.state().group(named: "team")?["members"]?.arrayValue?.first
            #expect(stateMember?["display"]?.stringValue == "b")
            let user = try await client.get("/Users/\(b)")
            #expect(user.body?["groups"]?.arrayValue?.first?["value"]?.stringValue == g)

            let filtered = try await client.get(
                "/Groups?filter=" + "members.value eq \"\(b)\"".addingPercentEncoding(
                    withAllowedCharacters: .alphanumerics
                )!
            )
            #expect(filtered.resources.compactMap { $0["id"]?.stringValue } == [g])

            // Deleting a user takes it out of its groups.
            #expect(try await client.delete("/Users/\(b)").status == 204)
            #expect(emulator.state().group(named: "Team").map(EmulatorState.memberIDs(of:)) == [])
        }
    }

    @Test func membersMustExistHere() async throws {
        try await withEmulator { client, _ in
            let g = try #require(try await client.post("/Groups", groupBody("G")).id)
            let unknown = try await client.patch(
                "/Groups/\(g)",
                patchBody([["op": "add", "path": "members", "value": [["value": "not-a-target-id"]]]])
            )
            #expect(unknown.status == 400)
            #expect(unknown.scimType == "invalidValue")
            let create = try await client.post("/Groups", groupBody("H", members: ["not-a-target-id"]))
            #expect(create.status == 400)
        }
    }

    @Test func strictAboutRequests() async throws {
        try await withEmulator { client, _ in
            var anonymous = client
            anonymous.token = nil
            let noToken = try await anonymous.get("/Users")
            #expect(noToken.status == 401)
            #expect(noToken.header("WWW-Authenticate")?.hasPrefix("Bearer") == true)
            var wrong = client
            wrong.token = "nope"
            #expect(try await wrong.get("/Users").status == 401)

            let form = try await client.send("POST", "/Users", userBody("x"), contentType: "text/plain")
            #expect(form.status == 415)
            let invalid = try await client.post("/Users", ["userName": "x"])
            #expect(invalid.status == 400)
            // PatchOp without the message schema is refused (no IdP dialects here).
            let u = try #require(try await client.post("/Users", userBody("y")).id)
            let sloppy = try await client.patch(
                "/Users/\(u)",
                ["Operations": [["op": "Replace", "path": "displayName", "value": "z"]]]
            )
            #expect(sloppy.status == 400)
        }
    }

    @Test func serviceProviderConfigAnnouncesWhatIsOffered() async throws {
        try await withEmulator(.init(maxResults: 7)) { client, _ in
            let spc = try await client.get("/ServiceProviderConfig")
            #expect(spc.status == 200)
            #expect(spc.body?["patch"]?["supported"]?.boolValue == true)
            #expect(spc.body?["bulk"]?["supported"]?.boolValue == false)
            #expect(spc.body?["sort"]?["supported"]?.boolValue == false)
            #expect(spc.body?["filter"]?["maxResults"]?.integerValue == 7)
            #expect(try await client.get("/ResourceTypes").body?["totalResults"]?.integerValue == 2)
            #expect(try await client.get("/Schemas/urn:ietf:params:scim:schemas:core:2.0:User").status == 200)
        }
    }
}
