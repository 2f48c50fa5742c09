import Emulators
import Foundation
import SCIM
import Testing

/// The GitHub emulator refuses what GitHub's OpenAPI refuses, with GitHub's error shapes.
@Suite struct GitHubEMUContractTests {
    @Test func userWithoutExternalIdIs400WithTheScimErrorBody() async throws {
        try await withGitHub { client, emulator in
            let r = try await client.post(
                "/Users",
                .object(GitHubBodies.without(GitHubBodies.user("mona"), "externalId"))
            )
            #expect(r.status == 400)
            let body = try #require(r.body?.objectValue)
            #expect(body["schemas"] == ["urn:ietf:params:scim:api:messages:2.0:Error"])
            #expect(body["status"] == 400)
            #expect(body["scimType"] == "invalidSyntax")
            #expect(body["detail"]?.stringValue?.contains("externalId") == true)
            #expect(body["message"]?.stringValue != nil)
            #expect(body["documentation_url"]?.stringValue?.hasPrefix("https://docs.github.com/") == true)
            #expect(emulator.state().users.isEmpty)
        }
    }

    static let invalidUsers: [(String, JSONObject)] = [
        ("no displayName", GitHubBodies.without(GitHubBodies.user("a"), "displayName")),
        ("no emails", GitHubBodies.without(GitHubBodies.user("a"), "emails")),
        ("no active", GitHubBodies.without(GitHubBodies.user("a"), "active")),
        ("no schemas", GitHubBodies.without(GitHubBodies.user("a"), "schemas")),
        ("email without primary", GitHubBodies.user("a", extra: ["emails": [["value": "a@x.com", "type": "work"]]])),
        ("email without type", GitHubBodies.user("a", extra: ["emails": [["value": "a@x.com", "primary": true]]])),
        ("name without familyName", GitHubBodies.user("a", extra: ["name": ["givenName": "A"]])),
        ("role outside the enum", GitHubBodies.user("a", extra: ["roles": [["value": "admin"]]])),
        ("active as a string", GitHubBodies.user("a", extra: ["active": "False"])),
        (
            "group schema on a user",
            GitHubBodies.user("a", extra: ["schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"]])
        ),
    ]

    @Test(arguments: invalidUsers.indices)
    func userBodiesOutsideTheContractAre400(_ i: Int) async throws {
        try await withGitHub { client, emulator in
            let r = try await client.post("/Users", .object(Self.invalidUsers[i].1))
            #expect(r.status == 400, "\(Self.invalidUsers[i].0)")
            #expect(r.body?["status"] == 400)
            #expect(emulator.state().users.isEmpty)
        }
    }

    @Test func rolesMatchTheEnumWithoutRegardToCaseAndNameNeedsBothParts() async throws {
        try await withGitHub { client, _ in
            let extra: JSONObject = [
                "roles": [["value": "User", "primary": true]], "name": ["givenName": "Mona", "familyName": "Lisa"],
            ]
            let r = try await client.post("/Users", .object(GitHubBodies.user("mona", extra: extra)))
            #expect(r.status == 201)
        }
    }

    @Test func groupBodiesOutsideTheContractAre400() async throws {
        try await withGitHub { client, emulator in
            let user = try #require(try await client.post("/Users", .object(GitHubBodies.user("mona"))).id)
            #expect(
                try await client.post("/Groups", .object(GitHubBodies.without(GitHubBodies.group("Eng"), "externalId")))
                    .status == 400
            )
            #expect(
                try await client.post(
                    "/Groups",
                    .object(GitHubBodies.without(GitHubBodies.group("Eng"), "displayName"))
                ).status == 400
            )
            var memberWithoutName = GitHubBodies.group("Eng")
            memberWithoutName["members"] = [["value": .string(user)]]
            #expect(try await client.post("/Groups", .object(memberWithoutName)).status == 400)
            let unknownMember = try await client.post(
                "/Groups",
                .object(GitHubBodies.group("Eng", members: ["not-a-user"]))
            )
            #expect(unknownMember.status == 400)
            #expect(unknownMember.body?["detail"]?.stringValue?.contains("not-a-user") == true)
            #expect(emulator.state().groups.isEmpty)
            #expect(try await client.post("/Groups", .object(GitHubBodies.group("Eng", members: [user]))).status == 201)
        }
    }

    @Test func patchNeedsSchemasOperationsAndALowercaseOpButTakesAnyValueType() async throws {
        try await withGitHub { client, _ in
            let user = try #require(try await client.post("/Users", .object(GitHubBodies.user("mona"))).id)
            let group = try #require(try await client.post("/Groups", .object(GitHubBodies.group("Eng"))).id)
            #expect(
                try await client.patch(
                    "/Users/\(user)",
                    ["Operations": [["op": "replace", "path": "active", "value": false]]]
                ).status == 400
            )
            #expect(
                try await client.patch("/Users/\(user)", ["schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"]])
                    .status == 400
            )
            #expect(
                try await client.patch(
                    "/Users/\(user)",
                    patchBody([["op": "Replace", "path": "active", "value": false]])
                ).status == 400
            )
            #expect(
                try await client.patch("/Users/\(user)", patchBody([["path": "active", "value": false]])).status == 400
            )
            // A boolean value, and an array value.
            let suspended = try await client.patch(
                "/Users/\(user)",
                patchBody([["op": "replace", "path": "active", "value": false]])
            )
            #expect(suspended.status == 200)
            #expect(suspended.body?["active"] == false)
            let added = try await client.patch(
                "/Groups/\(group)",
                patchBody([["op": "add", "path": "members", "value": [["value": .string(user)]]]])
            )
            #expect(added.status == 204)
        }
    }

    @Test(arguments: [
        #"userName eq "a" and externalId eq "b""#, #"userName co "a""#, #"emails eq "a@x.com""#, "userName eq a",
        #"userName eq "a" or userName eq "b""#, #"(userName eq "a")"#,
    ])
    func onlyASingleEqFilterOnAListedAttributeIsAccepted(_ filter: String) async throws {
        try await withGitHub { client, _ in
            let r = try await client.get(
                "/Users?filter=\(filter.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)"
            )
            #expect(r.status == 400)
            #expect(r.scimType == "invalidFilter")
        }
    }

    @Test func eqFiltersTakeBothQuoteStyles() async throws {
        try await withGitHub { client, _ in
            let id = try #require(
                try await client.post("/Users", .object(GitHubBodies.user("mona", externalId: "E012345"))).id
            )
            _ = try await client.post("/Groups", .object(GitHubBodies.group("Engineering")))
            for filter in [#"userName eq "MONA""#, "userName eq 'mona'", "externalId eq 'E012345'", #"id eq "\#(id)""#]
            {
                let r = try await client.get(
                    "/Users?filter=\(filter.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)"
                )
                #expect(r.resources.map { $0["id"] } == [.string(id)], "\(filter)")
            }
            let groups = try await client.get("/Groups?filter=displayName%20eq%20%22Engineering%22")
            #expect(groups.resources.count == 1)
            #expect(try await client.get("/Groups?filter=userName%20eq%20%22mona%22").status == 400)
        }
    }

    @Test func unauthenticatedRequestsAre401WithoutABody() async throws {
        try await withGitHub { client, emulator in
            var anonymous = client
            anonymous.token = nil
            let r = try await anonymous.get("/Users")
            #expect(r.status == 401)
            #expect(r.body.isEmptyBody)
            var wrong = client
            wrong.token = "ghp_wrong"
            #expect(try await wrong.post("/Users", .object(GitHubBodies.user("mona"))).status == 401)
            #expect(emulator.state().users.isEmpty)
        }
    }

    @Test func unknownEnterpriseAndUnknownIdsAre404BasicError() async throws {
        try await withGitHub(.init(enterprise: "octo")) { client, _ in
            #expect(client.base.path == "/scim/v2/enterprises/octo")
            let other = EmulatorClient(
                base: URL(string: client.base.absoluteString.replacingOccurrences(of: "/octo", with: "/other"))!,
                token: GitHubEMUEmulator.defaultToken
            )
            for r in [
                try await other.get("/Users"), try await client.get("/Users/nope"),
                try await client.delete("/Groups/nope"),
            ] {
                #expect(r.status == 404)
                #expect(r.body?["message"]?.stringValue != nil)
                #expect(r.body?["documentation_url"]?.stringValue == GitHubEMUResponses.documentationURL)
                #expect(r.body?.objectValue?.keys.contains("schemas") == false)
            }
            // Paths are case-sensitive.
            #expect(try await client.get("/users").status == 404)
        }
    }

    @Test func duplicatesAre409() async throws {
        try await withGitHub { client, emulator in
            #expect(try await client.post("/Users", .object(GitHubBodies.user("mona", externalId: "e1"))).status == 201)
            #expect(try await client.post("/Users", .object(GitHubBodies.user("MONA", externalId: "e2"))).status == 409)
            #expect(try await client.post("/Users", .object(GitHubBodies.user("lisa", externalId: "e1"))).status == 409)
            #expect(
                try await client.post("/Groups", .object(GitHubBodies.group("Eng", externalId: "g1"))).status == 201
            )
            #expect(
                try await client.post("/Groups", .object(GitHubBodies.group("eng", externalId: "g2"))).status == 409
            )
            #expect(
                try await client.post("/Groups", .object(GitHubBodies.group("Ops", externalId: "g1"))).status == 409
            )
            let ops = try #require(
                try await client.post("/Groups", .object(GitHubBodies.group("Ops", externalId: "g3"))).id
            )
            // A rename onto a taken name is a conflict too.
            #expect(
                try await client.patch(
                    "/Groups/\(ops)",
                    patchBody([["op": "replace", "path": "displayName", "value": "Eng"]])
                ).status == 409
            )
            #expect(emulator.state().users.count == 1)
            #expect(emulator.state().groups.count == 2)
        }
    }
}

fileprivate extension Optional where Wrapped == JSONValue {
    /// No body: `EmulatorClient` reads an empty body as nil, which `JSONValue`'s nil literal makes `.null`.
    var isEmptyBody: Bool { self?.isNull ?? true }
}
