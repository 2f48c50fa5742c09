import AsyncHTTPClient
import Emulators
import Foundation
import JWTKit
import NIOCore
import NIOHTTP1
import SCIM
import TestSupport
import Testing

/// A client of the Google emulator: signs assertions, obtains tokens, calls the Directory API.
struct GoogleClient: Sendable {
    let base: String
    var token: String? = nil

    struct Claims: JWTPayload {
        var iss: String
        var sub: String?
        var aud: String
        var scope: String
        var iat: Int64
        var exp: Int64
        func verify(using algorithm: some JWTAlgorithm) async throws {}
    }

    static let scopes = GoogleEmulator.directoryScopes.sorted().joined(separator: " ")

    /// An RS256 assertion; each argument can be made wrong on purpose.
    func assertion(
        key: String = GoogleTestKeys.privateKeyPEM,
        audience: String? = nil,
        subject: String? = "admin@example.com",
        scope: String = GoogleClient.scopes,
        issuedAt: Date = Date(),
        lifetime: Int64 = 3600
    ) async throws -> String {
        let keys = JWTKeyCollection()
        await keys.add(rsa: try JWTKit.Insecure.RSA.PrivateKey(pem: key), digestAlgorithm: .sha256)
        let iat = Int64(issuedAt.timeIntervalSince1970)
        return try await keys.sign(
            Claims(
                iss: "bridge@test.iam.gserviceaccount.com",
                sub: subject,
                aud: audience ?? base + "/token",
                scope: scope,
                iat: iat,
                exp: iat + lifetime
            )
        )
    }

    /// POST /token with a form body; the status and JSON answer.
    func exchange(_ assertion: String, grantType: String = "urn:ietf:params:oauth:grant-type:jwt-bearer") async throws
        -> (Int, JSONValue?)
    {
        var request = HTTPClientRequest(url: base + "/token")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        let enc = { (s: String) in s.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? s }
        request.body = .bytes(ByteBuffer(string: "grant_type=\(enc(grantType))&assertion=\(enc(assertion))"))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 1 << 20)
        return (
            Int(response.status.code), bytes.readableBytes > 0 ? try JSONParser.parse(bytes.readableBytesView) : nil
        )
    }

    /// A client holding a fresh access token.
    func authorized() async throws -> GoogleClient {
        let (status, body) = try await exchange(try await assertion())
        #expect(status == 200)
        var c = self
        c.token = body?["access_token"]?.stringValue
        return c
    }

    @discardableResult
    func send(_ method: HTTPMethod, _ path: String, _ body: JSONValue? = nil) async throws -> (
        status: Int, body: JSONValue?
    ) {
        var request = HTTPClientRequest(url: base + (path.hasPrefix("/_emulator") ? "" : GoogleEmulator.apiPath) + path)
        request.method = method
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body.serializedBytes()))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 4 << 20)
        return (
            Int(response.status.code), bytes.readableBytes > 0 ? try JSONParser.parse(bytes.readableBytesView) : nil
        )
    }
}

func withGoogle<T: Sendable>(
    tokenLifetime: Duration = .seconds(3600),
    quotaPerMinute: Int? = nil,
    propagationDelay: Duration = .zero,
    _ body: (GoogleClient, GoogleEmulator) async throws -> T
) async throws -> T {
    let configuration = GoogleEmulator.Configuration(
        publicKeyPEM: GoogleTestKeys.publicKeyPEM,
        tokenLifetime: tokenLifetime,
        quotaPerMinute: quotaPerMinute,
        groupPropagationDelay: propagationDelay
    )
    return try await withRunningEmulator(try GoogleEmulator(configuration: configuration)) { url, emulator in
        try await body(GoogleClient(base: url.absoluteString), emulator)
    }
}

func reason(_ body: JSONValue?) -> String? { body?["error"]?["errors"]?.arrayValue?.first?["reason"]?.stringValue }

@Suite("Google emulator: the token endpoint verifies JWT assertions")
struct GoogleTokenEndpointTests {
    @Test func aValidAssertionBuysATokenTheAPIAccepts() async throws {
        try await withGoogle { client, emulator in
            let refused = try await client.send(.GET, "/users?customer=my_customer")
            #expect(refused.status == 401)
            #expect(reason(refused.body) == "authError")
            #expect(refused.body?["error"]?["status"] == "UNAUTHENTICATED")
            let (status, token) = try await client.exchange(try await client.assertion())
            #expect(status == 200)
            #expect(token?["token_type"] == "Bearer")
            #expect(token?["expires_in"] == 3600)
            var c = client
            c.token = token?["access_token"]?.stringValue
            #expect(try await c.send(.GET, "/users?customer=my_customer").status == 200)
            #expect(emulator.state().lastSubject == "admin@example.com")
        }
    }

    @Test func aSignatureByAnotherKeyIsRefused() async throws {
        try await withGoogle { client, emulator in
            let (status, body) = try await client.exchange(
                try await client.assertion(key: GoogleTestKeys.otherPrivateKeyPEM)
            )
            #expect(status == 400)
            #expect(body?["error"] == "invalid_grant")
            #expect(body?["error_description"]?.stringValue?.contains("Signature") == true)
            #expect(emulator.state().tokensIssued == 0)
        }
    }

    @Test func theWrongAudienceIsRefused() async throws {
        try await withGoogle { client, _ in
            let (status, body) = try await client.exchange(
                try await client.assertion(audience: "https://oauth2.googleapis.com/token")
            )
            #expect(status == 400)
            #expect(body?["error"] == "invalid_grant")
            #expect(body?["error_description"]?.stringValue?.contains("audience") == true)
        }
    }

    @Test func anExpiredOrOverlongAssertionIsRefused() async throws {
        try await withGoogle { client, _ in
            let expired = try await client.assertion(issuedAt: Date().addingTimeInterval(-7200))
            #expect(try await client.exchange(expired).0 == 400)
            let overlong = try await client.assertion(lifetime: 7200)
            #expect(try await client.exchange(overlong).0 == 400)
        }
    }

    @Test func noSubjectOrMissingScopesOrAnotherGrantAreRefused() async throws {
        try await withGoogle { client, _ in
            let noSub = try await client.exchange(try await client.assertion(subject: nil))
            #expect(noSub.0 == 400)
            #expect(noSub.1?["error_description"]?.stringValue?.contains("sub") == true)
            let narrow = try await client.exchange(
                try await client.assertion(scope: "https://www.googleapis.com/auth/admin.directory.user")
            )
            #expect(narrow.0 == 401)
            #expect(narrow.1?["error"] == "unauthorized_client")
            let grant = try await client.exchange(try await client.assertion(), grantType: "client_credentials")
            #expect(grant.0 == 400)
            #expect(grant.1?["error"] == "unsupported_grant_type")
        }
    }

    @Test func anAccessTokenExpiresAfterItsLifetime() async throws {
        // Four seconds: a loaded machine may take more than one between the token and its first use.
        try await withGoogle(tokenLifetime: .seconds(4)) { client, emulator in
            let c = try await client.authorized()
            #expect(try await c.send(.GET, "/users?customer=my_customer").status == 200)
            try await Task.sleep(for: .milliseconds(4100))
            #expect(try await c.send(.GET, "/users?customer=my_customer").status == 401)
            let fresh = try await client.authorized()
            emulator.expireAllTokens()
            #expect(try await fresh.send(.GET, "/users?customer=my_customer").status == 401)
        }
    }
}

@Suite("Google emulator: the Directory API contract")
struct GoogleDirectoryContractTests {
    static let alice: JSONValue = [
        "primaryEmail": "alice@example.com", "name": ["givenName": "Alice", "familyName": "Liddell"],
        "password": "long-enough-1",
    ]

    @Test func usersNeedTheirRequiredFieldsAndAUniqueEmail() async throws {
        try await withGoogle { client, _ in
            let c = try await client.authorized()
            let noPassword = try await c.send(
                .POST,
                "/users",
                ["primaryEmail": "x@example.com", "name": ["givenName": "X", "familyName": "Y"]]
            )
            #expect(noPassword.status == 400)
            let noFamily = try await c.send(
                .POST,
                "/users",
                ["primaryEmail": "x@example.com", "name": ["givenName": "X"], "password": "long-enough-1"]
            )
            #expect(noFamily.status == 400)
            let created = try await c.send(.POST, "/users", Self.alice)
            #expect(created.status == 200)
            #expect(created.body?["password"] == nil)
            let id = try #require(created.body?["id"]?.stringValue)
            let again = try await c.send(.POST, "/users", Self.alice)
            #expect(again.status == 409)
            #expect(reason(again.body) == "duplicate")
            #expect(try await c.send(.GET, "/users/alice%40example.com").body?["id"]?.stringValue == id)
            #expect(try await c.send(.PATCH, "/users/\(id)", ["suspended": true]).body?["suspended"] == true)
            let unknown = try await c.send(.GET, "/users/nobody@example.com")
            #expect(unknown.status == 404)
            #expect(reason(unknown.body) == "notFound")
        }
    }

    @Test func membersAreInsertedOnceAndRemovingANonMemberIs404() async throws {
        try await withGoogle { client, _ in
            let c = try await client.authorized()
            _ = try await c.send(.POST, "/users", Self.alice)
            let group = try await c.send(.POST, "/groups", ["email": "eng@example.com", "name": "Engineering"])
            let gid = try #require(group.body?["id"]?.stringValue)
            #expect(
                try await c.send(.POST, "/groups/\(gid)/members", ["email": "alice@example.com", "role": "MEMBER"])
                    .status == 200
            )
            let duplicate = try await c.send(
                .POST,
                "/groups/\(gid)/members",
                ["email": "alice@example.com", "role": "MEMBER"]
            )
            #expect(duplicate.status == 409)
            #expect(duplicate.body?["error"]?["message"] == "Member already exists.")
            #expect(try await c.send(.POST, "/groups/\(gid)/members", ["role": "MEMBER"]).status == 400)
            #expect(try await c.send(.DELETE, "/groups/\(gid)/members/alice@example.com").status == 204)
            let again = try await c.send(.DELETE, "/groups/\(gid)/members/alice@example.com")
            #expect(again.status == 404)
            #expect(reason(again.body) == "notFound")
            #expect(try await c.send(.POST, "/groups", ["email": "eng@example.com"]).status == 409)
        }
    }

    @Test func listsNeedCustomerOrDomainAndPageWithTokens() async throws {
        try await withGoogle { client, emulator in
            let c = try await client.authorized()
            #expect(try await c.send(.GET, "/groups").status == 400)
            #expect(try await c.send(.GET, "/users").status == 400)
            #expect(try await c.send(.GET, "/users?customer=my_customer&maxResults=501").status == 400)
            #expect(try await c.send(.GET, "/groups?customer=my_customer&maxResults=201").status == 400)
            let users = (0..<250).map { i -> JSONObject in ["primaryEmail": .string("u\(i)@example.com")] }
            try emulator.seed(
                users: users,
                groups: [
                    ["email": "all@example.com", "name": "All", "members": .array(users.map { $0["primaryEmail"]! })]
                ]
            )
            var seen: [String] = []
            var token: String? = nil
            var pages = 0
            repeat {
                let page = try await c.send(
                    .GET,
                    "/groups/all%40example.com/members?maxResults=200" + (token.map { "&pageToken=\($0)" } ?? "")
                )
                #expect(page.status == 200)
                seen += page.body?["members"]?.arrayValue?.compactMap { $0["email"]?.stringValue } ?? []
                token = page.body?["nextPageToken"]?.stringValue
                pages += 1
            } while token != nil
            #expect(pages == 2)
            #expect(Set(seen) == Set(users.compactMap { $0["primaryEmail"]?.stringValue }))
            #expect(try await c.send(.GET, "/groups/all%40example.com/members?pageToken=bogus").status == 400)
            let byName = try await c.send(
                .GET,
                "/groups?customer=my_customer&query=" + "name='All'".addingPercentEncoding(
                    withAllowedCharacters: .alphanumerics
                )!
            )
            #expect(byName.body?["groups"]?.arrayValue?.count == 1)
        }
    }

    @Test func theQuotaAnswers403UserRateLimitExceeded() async throws {
        try await withGoogle(quotaPerMinute: 3) { client, emulator in
            let c = try await client.authorized()
            for _ in 0..<3 { #expect(try await c.send(.GET, "/users?customer=my_customer").status == 200) }
            let refused = try await c.send(.GET, "/users?customer=my_customer")
            #expect(refused.status == 403)
            #expect(reason(refused.body) == "userRateLimitExceeded")
            #expect(emulator.state().quotaRefusals == 1)
        }
    }

    /// The window is long here and then closed by hand, so that a loaded machine cannot outlast it.
    @Test func aNewGroupAnswers404UntilItHasPropagated() async throws {
        try await withGoogle(propagationDelay: .seconds(60)) { client, emulator in
            let c = try await client.authorized()
            _ = try await c.send(.POST, "/users", Self.alice)
            let gid = try #require(
                try await c.send(.POST, "/groups", ["email": "new@example.com", "name": "New"]).body?["id"]?.stringValue
            )
            let hidden = try await c.send(.GET, "/groups/\(gid)")
            #expect(hidden.status == 404)
            #expect(hidden.body?["error"]?["message"] == "Resource Not Found: groupKey")
            #expect(try await c.send(.POST, "/groups/\(gid)/members", ["email": "alice@example.com"]).status == 404)
            // Listed already.
            #expect(try await c.send(.GET, "/groups?customer=my_customer").body?["groups"]?.arrayValue?.count == 1)
            emulator.setGroupPropagationDelay(.zero)
            #expect(try await c.send(.GET, "/groups/\(gid)").status == 200)
            #expect(try await c.send(.POST, "/groups/\(gid)/members", ["email": "alice@example.com"]).status == 200)
        }
    }

    @Test func injectedFaultsWearGooglesErrorShapes() async throws {
        try await withGoogle { client, emulator in
            let c = try await client.authorized()
            emulator.failNext(1, with: .status(403))
            emulator.failNext(1, with: .internalServerError)
            let quota = try await c.send(.GET, "/users?customer=my_customer")
            #expect(quota.status == 403)
            #expect(reason(quota.body) == "userRateLimitExceeded")
            let backend = try await c.send(.GET, "/users?customer=my_customer")
            #expect(backend.status == 500)
            #expect(reason(backend.body) == "backendError")
            #expect(emulator.state().counters.faultsInjected == 2)
            #expect(emulator.recordedRequests.count == 2)
        }
    }

    @Test func bodiesMustBeJSON() async throws {
        try await withGoogle { client, _ in
            let c = try await client.authorized()
            var request = HTTPClientRequest(url: c.base + GoogleEmulator.apiPath + "/users")
            request.method = .POST
            request.headers.add(name: "Authorization", value: "Bearer \(c.token ?? "")")
            request.headers.add(name: "Content-Type", value: "application/scim+json")
            request.body = .bytes(ByteBuffer(bytes: Self.alice.serializedBytes()))
            #expect(try await HTTPClient.shared.execute(request, timeout: .seconds(10)).status.code == 400)
        }
    }
}
