import Emulators
import Foundation
import SCIM
import Testing

/// The Slack emulator's users: authentication, Slack's user-name rules, uniqueness of names (against
/// channels too) and emails, DELETE as deactivation, PUT without externalId changes, filters, paging.
@Suite struct SlackEmulatorUserTests {
    @Test func requestsWithoutTheBearerTokenAreInvalidAuthentication() async throws {
        try await withSlack { client, _ in
            var anonymous = client
            anonymous.token = nil
            let r = try await anonymous.get("/Users")
            #expect(r.status == 401)
            #expect(r.body == slackError("invalid_authentication", 401))
            anonymous.token = "wrong"
            #expect(try await anonymous.get("/Users").body == slackError("invalid_authentication", 401))
        }
    }

    @Test(arguments: [
        ("Jane.Doe@Example.com", "jane.doe"),
        ("jane doe+x", "jane_doe_x"),
        ("Ünïcode-Name_1", "_n_code-name_1"),
        ("exactly.twenty.one.ch", "exactly.twenty.one.ch"),
    ])
    func userNamesAreRewrittenBySlacksRules(requested: String, stored: String) async throws {
        try await withSlack { client, _ in
            let r = try await client.post("/Users", slackUser(requested, emails: ["someone@example.com"]))
            #expect(r.status == 201)
            #expect(r.body?["userName"]?.stringValue == stored)
            #expect(r.id?.hasPrefix("U") == true)
        }
    }

    @Test func userNamesAboveTwentyOneCharactersAreRefused() async throws {
        try await withSlack { client, _ in
            let r = try await client.post(
                "/Users",
                slackUser(String(repeating: "a", count: 22), emails: ["a@example.com"])
            )
            #expect(r.status == 400)
            #expect(r.body == slackError("username_too_long", 400))
            // The local part of an email counts, not the address.
            #expect(try await client.post("/Users", slackUser("twenty.one.characters@example.com")).status == 201)
        }
    }

    @Test func aUserNeedsAUserNameAndAnEmail() async throws {
        try await withSlack { client, _ in
            let noEmail = try await client.post(
                "/Users",
                ["schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "bob"]
            )
            #expect(noEmail.body == slackError("missing_schema_element", 400))
            let noName = try await client.post("/Users", ["emails": [["value": "bob@example.com"]]])
            #expect(noName.body == slackError("missing_schema_element", 400))
            #expect(try await client.get("/Users").body?["totalResults"] == 0)
        }
    }

    @Test func emailsAndUserNamesAreUniqueAndNamesMayNotTakeAChannel() async throws {
        try await withSlack(.init(rateScale: nil, channelNames: ["general"])) { client, _ in
            #expect(try await client.post("/Users", slackUser("alice")).status == 201)
            let sameEmail = try await client.post("/Users", slackUser("alice2", emails: ["ALICE@example.com"]))
            #expect(sameEmail.status == 409)
            #expect(sameEmail.body == slackError("email_taken", 409))
            let sameName = try await client.post("/Users", slackUser("Alice", emails: ["other@example.com"]))
            #expect(sameName.body == slackError("username_taken", 409))
            let channel = try await client.post("/Users", slackUser("general", emails: ["g@example.com"]))
            #expect(channel.status == 409)
            #expect(channel.body == slackError("username_taken", 409))
        }
    }

    @Test func deleteDeactivatesAndNeverDeletes() async throws {
        try await withSlack { client, emulator in
            let id = try #require(try await client.post("/Users", slackUser("carol")).id)
            let r = try await client.delete("/Users/\(id)")
            #expect(r.status == 204)
            let after = try await client.get("/Users/\(id)")
            #expect(after.status == 200)
            #expect(after.body?["active"] == false)
            #expect(emulator.state().users.count == 1)
            // The email stays taken by the deactivated user; PUT with active true re-enables it.
            #expect(try await client.post("/Users", slackUser("carol2", emails: ["carol@example.com"])).status == 409)
            let back = try await client.put("/Users/\(id)", slackUser("carol", extra: ["active": true]))
            #expect(back.body?["active"] == true)
            #expect(try await client.delete("/Users/U404").body == slackError("no_such_user", 404))
        }
    }

    @Test func putReplacesValuesButNotTheExternalId() async throws {
        try await withSlack { client, _ in
            let created = try await client.post(
                "/Users",
                slackUser("dave", extra: ["externalId": "ext-1", "title": "Engineer"])
            )
            let id = try #require(created.id)
            let r = try await client.put(
                "/Users/\(id)",
                slackUser("dave", extra: ["externalId": "ext-2", "displayName": "Dave"])
            )
            #expect(r.status == 200)
            #expect(r.body?["externalId"] == "ext-1")
            #expect(r.body?["title"] == nil)  // PUT overwrites all values
            #expect(r.body?["displayName"] == "Dave")
            #expect(try await client.put("/Users/U404", slackUser("x")).body == slackError("no_such_user", 404))
        }
    }

    @Test func patchSetsAttributesAndDeactivates() async throws {
        try await withSlack { client, _ in
            let id = try #require(try await client.post("/Users", slackUser("erin")).id)
            let r = try await client.patch(
                "/Users/\(id)",
                patchBody([
                    ["op": "Replace", "path": "title", "value": "Lead"],
                    ["op": "replace", "path": "active", "value": false],
                ])
            )
            #expect(r.status == 200)
            #expect(r.body?["title"] == "Lead")
            #expect(r.body?["active"] == false)
        }
    }

    @Test func usersAreFoundByUserNameAndEmail() async throws {
        try await withSlack { client, _ in
            for name in ["frank", "fran", "george"] { _ = try await client.post("/Users", slackUser(name)) }
            let byEmail = try await client.get("/Users?filter=" + encode(#"email eq "FRANK@example.com""#))
            #expect(byEmail.resources.map { $0["userName"]?.stringValue } == ["frank"])
            let byName = try await client.get("/Users?filter=" + encode(#"userName eq "george""#))
            #expect(byName.resources.count == 1)
            let prefix = try await client.get("/Users?filter=" + encode(#"username sw "fra" and email co "example""#))
            #expect(prefix.resources.count == 2)
            let bad = try await client.get("/Users?filter=" + encode(#"title eq "x""#))
            #expect(bad.body == slackError("incomplete_filter", 400))
            #expect(
                try await client.get("/Users?filter=" + encode("userName eq")).body
                    == slackError("incomplete_filter", 400)
            )
        }
    }

    @Test func listsPageByTenAndAtMostAThousand() async throws {
        try await withSlack { client, emulator in
            try emulator.seed(users: (0..<1005).map { i in slackUser("user\(i)").objectValue! })
            let first = try await client.get("/Users")
            #expect(first.body?["totalResults"] == 1005)
            #expect(first.resources.count == 10)
            let third = try await client.get("/Users?startIndex=21&count=5")
            #expect(third.resources.first?["userName"] == "user20")
            #expect(third.resources.count == 5)
            #expect(try await client.get("/Users?count=5000").resources.count == 1000)
            #expect(try await client.get("/Users?startIndex=1001&count=1000").resources.count == 5)
        }
    }
}

func encode(_ s: String) -> String {
    s.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? s
}
