import Foundation
import HTTPTypes
import NIOCore
import SCIM
import TestSupport
import Testing

@testable import Server
@testable import Store

@Suite("Channels and authentication")
struct AuthenticationTests {
    @Test func channelsAreIsolated() async throws {
        try await withTestBridge { bridge in
            let a = try await bridge.channel("alpha")
            let b = try await bridge.channel("beta")
            try await bridge.run { c in
                let id = try #require(
                    try await c.post("/scim/v2/alpha/Users", token: a, Bodies.user("only-in-alpha")).body?["id"]?
                        .stringValue
                )
                // beta's token opens nothing of alpha's...
                #expect(try await c.get("/scim/v2/alpha/Users/\(id)", token: b).status == 401)
                #expect(try await c.get("/scim/v2/alpha/Users", token: b).status == 401)
                // ...and beta's own endpoint holds none of alpha's data.
                #expect(try await c.get("/scim/v2/beta/Users/\(id)", token: b).status == 404)
                #expect(try await c.get("/scim/v2/beta/Users", token: b).body?["totalResults"] == 0)
                // The same userName may exist in both channels.
                #expect(try await c.post("/scim/v2/beta/Users", token: b, Bodies.user("only-in-alpha")).status == 201)
            }
        }
    }

    @Test func missingOrWrongCredentialsAre401WithChallenge() async throws {
        try await withTestBridge { bridge in
            let token = try await bridge.channel("default")
            try await bridge.run { c in
                for auth in [nil, "Bearer nope", "Bearer \(token)x", "Basic bm9wZTpub3Bl", "Digest abc"] as [String?] {
                    var headers: HTTPFields = [:]
                    if let auth { headers[.authorization] = auth }
                    let r = try await c.get("/scim/v2/default/Users", token: nil, headers: headers)
                    #expect(r.status == 401, "\(auth ?? "none")")
                    #expect(r.headers[.wwwAuthenticate]?.contains("Bearer") == true)
                    #expect(r.body?["status"] == "401")
                    // The token never comes back in an error body.
                    #expect(!(String(buffer: r.raw).contains(token)))
                }
            }
        }
    }

    @Test func tokensAreStoredHashed() async throws {
        try await withTestBridge { bridge in
            let token = try await bridge.channel("default")
            let raw = try Data(contentsOf: bridge.directory.appendingPathComponent("test.sqlite"))
            let secret = String(token.split(separator: "_").last!)
            #expect(raw.range(of: Data(secret.utf8)) == nil)
        }
    }

    @Test func httpBasicCredentials() async throws {
        try await withTestBridge { bridge in
            _ = try await bridge.channel("default")
            let channel = try #require(try await bridge.store.channel(named: "default"))
            let basic = try await CredentialIssuer(store: bridge.store).issueBasicCredentials(for: channel)
            let header = "Basic " + Data("\(basic.username):\(basic.password)".utf8).base64EncodedString()
            let wrong = "Basic " + Data("\(basic.username):nope".utf8).base64EncodedString()
            try await bridge.run { c in
                let good = try await c.get("/scim/v2/default/Users", token: nil, headers: [.authorization: header])
                #expect(good.status == 200)
                let bad = try await c.get("/scim/v2/default/Users", token: nil, headers: [.authorization: wrong])
                #expect(bad.status == 401)
            }
        }
    }

    @Test func oauthClientCredentialsGrant() async throws {
        try await withTestBridge { bridge in
            _ = try await bridge.channel("default")
            _ = try await bridge.channel("other")
            let channel = try #require(try await bridge.store.channel(named: "default"))
            let client = try await CredentialIssuer(store: bridge.store).issueOAuthClient(for: channel)
            try await bridge.run { c in
                let form =
                    "grant_type=client_credentials&client_id=\(client.clientID)&client_secret=\(client.clientSecret)"
                let r = try await c.request(
                    .post,
                    "/oauth/token",
                    token: nil,
                    rawBody: form,
                    headers: [.contentType: "application/x-www-form-urlencoded"]
                )
                #expect(r.status == 200)
                #expect(r.body?["token_type"] == "Bearer")
                let access = try #require(r.body?["access_token"]?.stringValue)
                #expect(try await c.get("/scim/v2/default/Users", token: access).status == 200)
                #expect(try await c.get("/scim/v2/other/Users", token: access).status == 401)

                let bad = try await c.request(
                    .post,
                    "/oauth/token",
                    token: nil,
                    rawBody: "grant_type=client_credentials&client_id=\(client.clientID)&client_secret=wrong",
                    headers: [.contentType: "application/x-www-form-urlencoded"]
                )
                #expect(bad.status == 401)
                #expect(bad.body?["error"] == "invalid_client")
            }
        }
    }

    @Test func discoveryNeedsNoCredentialsButAnExistingChannel() async throws {
        try await withTestBridge { bridge in
            _ = try await bridge.channel("default")
            try await bridge.run { c in
                let spc = try await c.get("/scim/v2/default/ServiceProviderConfig", token: nil)
                #expect(spc.status == 200)
                #expect(spc.body?["patch"]?["supported"] == true)
                #expect(spc.body?["bulk"]?["maxOperations"] != nil)
                #expect(try await c.get("/scim/v2/default/ResourceTypes", token: nil).body?["totalResults"] == 2)
                #expect(try await c.get("/scim/v2/default/Schemas", token: nil).body?["totalResults"] == 3)
                #expect(
                    try await c.get("/scim/v2/default/Schemas/urn:ietf:params:scim:schemas:core:2.0:User", token: nil)
                        .status == 200
                )
                #expect(
                    try await c.get("/scim/v2/default/ResourceTypes/Group", token: nil).body?["endpoint"] == "/Groups"
                )
                #expect(try await c.get("/scim/v2/nosuch/ServiceProviderConfig", token: nil).status == 404)
            }
        }
    }
}
