import AsyncHTTPClient
import Emulators
import Foundation
import JWTKit
import NIOCore
import NIOHTTP1
import SCIM
import TestSupport
import Testing

/// The Salesforce emulator's contract over real HTTP: the JWT bearer token endpoint's checks, the
/// session check, required `User` fields, username uniqueness across orgs, `DUPLICATE_VALUE`, the
/// request allocation, SOQL with paging, and the error arrays (research/targets.md §D, §E).
@Suite("Salesforce emulator contract")
struct SalesforceEmulatorTests {
    /// A client for one running emulator.
    struct Client: Sendable {
        let base: String

        struct Reply: Sendable {
            var status: Int
            var body: JSONValue?
            /// The `errorCode` of the first element of an error array.
            var errorCode: String? { body?.arrayValue?.first?["errorCode"]?.stringValue }
            var fields: [String] { (body?.arrayValue?.first?["fields"]?.arrayValue ?? []).compactMap(\.stringValue) }
        }

        func send(
            _ method: HTTPMethod,
            _ path: String,
            token: String?,
            body: JSONValue? = nil,
            contentType: String = "application/json"
        )
            async throws -> Reply
        {
            var request = HTTPClientRequest(url: base + path)
            request.method = method
            if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
            if let body {
                request.headers.add(name: "Content-Type", value: contentType)
                request.body = .bytes(ByteBuffer(bytes: body.serializedBytes()))
            }
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
            let bytes = try await response.body.collect(upTo: 1 << 22)
            return Reply(
                status: Int(response.status.code),
                body: bytes.readableBytes > 0 ? try JSONParser.parse(bytes.readableBytesView) : nil
            )
        }

        /// `POST /services/oauth2/token` with a JWT bearer grant.
        func token(assertion: String, grantType: String = "urn:ietf:params:oauth:grant-type:jwt-bearer") async throws
            -> Reply
        {
            var request = HTTPClientRequest(url: base + "/services/oauth2/token")
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
            var allowed = CharacterSet.alphanumerics
            allowed.insert(charactersIn: "-._~")
            let form =
                "grant_type=\(grantType.addingPercentEncoding(withAllowedCharacters: allowed)!)&assertion=\(assertion)"
            request.body = .bytes(ByteBuffer(string: form))
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
            let bytes = try await response.body.collect(upTo: 1 << 20)
            return Reply(status: Int(response.status.code), body: try JSONParser.parse(bytes.readableBytesView))
        }

        /// A session token for the integration user, signed with the right key.
        func session() async throws -> String {
            let r = try await token(assertion: try await SalesforceEmulatorTests.assertion())
            return try #require(r.body?["access_token"]?.stringValue)
        }

        func query(_ soql: String, token: String) async throws -> Reply {
            var allowed = CharacterSet.alphanumerics
            allowed.insert(charactersIn: "-._~")
            return try await send(
                .GET,
                "/services/data/v62.0/query?q=\(soql.addingPercentEncoding(withAllowedCharacters: allowed)!)",
                token: token
            )
        }
    }

    struct Claims: JWTPayload {
        var iss: String
        var sub: String
        var aud: String
        var exp: Int64
        func verify(using algorithm: some JWTAlgorithm) async throws {}
    }

    static func assertion(
        key: String = SalesforceTestKeys.privateKeyPEM,
        iss: String = SalesforceEmulator.defaultClientID,
        sub: String = "integration@example.com",
        aud: String = "https://login.salesforce.com",
        expiresIn: Int64 = 180
    ) async throws -> String {
        let keys = JWTKeyCollection()
        await keys.add(rsa: try Insecure.RSA.PrivateKey(pem: key), digestAlgorithm: .sha256)
        return try await keys.sign(
            Claims(iss: iss, sub: sub, aud: aud, exp: Int64(Date().timeIntervalSince1970) + expiresIn)
        )
    }

    func withEmulator(
        _ configure: (inout SalesforceEmulator.Configuration) -> Void = { _ in },
        _ body: (Client, SalesforceEmulator) async throws -> Void
    ) async throws {
        var configuration = SalesforceEmulator.Configuration(publicKeyPEM: SalesforceTestKeys.publicKeyPEM)
        configure(&configuration)
        try await withRunningEmulator(try SalesforceEmulator(configuration: configuration)) { url, emulator in
            try await body(Client(base: url.absoluteString), emulator)
        }
    }

    static func user(_ username: String) -> JSONObject {
        [
            "Username": .string(username), "LastName": "Lovelace", "Email": .string(username), "Alias": "alove",
            "TimeZoneSidKey": "Europe/London", "LocaleSidKey": "en_GB", "EmailEncodingKey": "UTF-8",
            "LanguageLocaleKey": "en_US",
            "ProfileId": .string(SalesforceEmulator.standardProfileID),
        ]
    }

    @Test func aValidAssertionGetsASessionOnTheInstance() async throws {
        try await withEmulator { c, emulator in
            let r = try await c.token(assertion: try await Self.assertion())
            #expect(r.status == 200)
            #expect(r.body?["instance_url"]?.stringValue == c.base)
            #expect(r.body?["token_type"] == "Bearer")
            #expect(r.body?["refresh_token"] == nil)
            let token = try #require(r.body?["access_token"]?.stringValue)
            let limits = try await c.send(.GET, "/services/data/v62.0/limits", token: token)
            #expect(limits.status == 200)
            #expect(limits.body?["DailyApiRequests"]?["Max"] != nil)
            #expect(emulator.state().lastSubject == "integration@example.com")
        }
    }

    /// Each broken claim is refused with Salesforce's error for it, and no token is issued.
    @Test(arguments: [
        ("other key", "invalid_grant", "invalid assertion"),
        ("unknown client", "invalid_client_id", "client identifier invalid"),
        ("sandbox audience", "invalid_grant", "audience is invalid"),
        ("expired", "invalid_grant", "expired authorization code"),
        ("an hour ahead", "invalid_grant", "expired authorization code"),
        ("unknown user", "invalid_grant", "user hasn't approved this consumer"),
    ])
    func aBrokenAssertionIsRefused(_ kind: String, _ error: String, _ description: String) async throws {
        try await withEmulator { c, emulator in
            let assertion: String =
                switch kind {
                case "other key": try await Self.assertion(key: SalesforceTestKeys.otherPrivateKeyPEM)
                case "unknown client": try await Self.assertion(iss: "3MVG9someone.else")
                case "sandbox audience": try await Self.assertion(aud: "https://test.salesforce.com")
                case "expired": try await Self.assertion(expiresIn: -10)
                case "an hour ahead": try await Self.assertion(expiresIn: 3600)
                default: try await Self.assertion(sub: "nobody@example.com")
                }
            let r = try await c.token(assertion: assertion)
            #expect(r.status == 400)
            #expect(r.body?["error"]?.stringValue == error)
            #expect(r.body?["error_description"]?.stringValue == description)
            #expect(emulator.state().tokensIssued == 0)
            #expect(emulator.state().assertionsRefused == 1)
        }
    }

    @Test func aWrongGrantTypeIsRefused() async throws {
        try await withEmulator { c, _ in
            let r = try await c.token(assertion: try await Self.assertion(), grantType: "client_credentials")
            #expect(r.status == 400)
            #expect(r.body?["error"] == "unsupported_grant_type")
        }
    }

    @Test func theAPINeedsAValidUnexpiredSession() async throws {
        try await withEmulator { c, emulator in
            let none = try await c.send(.GET, "/services/data/v62.0/limits", token: nil)
            #expect(none.status == 401)
            #expect(none.errorCode == "INVALID_SESSION_ID")
            #expect(none.body?.arrayValue?.first?["message"] == "Session expired or invalid")
            let token = try await c.session()
            #expect(try await c.send(.GET, "/services/data/v62.0/limits", token: token).status == 200)
            emulator.expireAllTokens()
            #expect(
                try await c.send(.GET, "/services/data/v62.0/limits", token: token).errorCode == "INVALID_SESSION_ID"
            )
            #expect(emulator.state().unauthorized == 2)
        }
    }

    @Test func aUserWithoutItsRequiredFieldsIsRefusedNamingThem() async throws {
        try await withEmulator { c, _ in
            let token = try await c.session()
            var user = Self.user("ada@example.com")
            _ = user.removeValue(forKey: "Alias")
            _ = user.removeValue(forKey: "ProfileId")
            let r = try await c.send(.POST, "/services/data/v62.0/sobjects/User", token: token, body: .object(user))
            #expect(r.status == 400)
            #expect(r.errorCode == "REQUIRED_FIELD_MISSING")
            #expect(r.fields == ["Alias", "ProfileId"])
            let created = try await c.send(
                .POST,
                "/services/data/v62.0/sobjects/User",
                token: token,
                body: .object(Self.user("ada@example.com"))
            )
            #expect(created.status == 201)
            #expect(created.body?["success"] == true)
            #expect(created.body?["id"]?.stringValue?.hasPrefix("005") == true)
        }
    }

    @Test func usernamesAreUniqueAcrossEveryOrg() async throws {
        try await withEmulator({ $0.takenUsernames = ["ada@example.com"] }) { c, emulator in
            let token = try await c.session()
            let elsewhere = try await c.send(
                .POST,
                "/services/data/v62.0/sobjects/User",
                token: token,
                body: .object(Self.user("ada@example.com"))
            )
            #expect(elsewhere.status == 400)
            #expect(elsewhere.errorCode == "DUPLICATE_USERNAME")
            #expect(emulator.state().user(username: "ada@example.com") == nil)
            var grace = Self.user("grace@example.com")
            #expect(
                try await c.send(.POST, "/services/data/v62.0/sobjects/User", token: token, body: .object(grace)).status
                    == 201
            )
            grace["CommunityNickname"] = "grace2"
            grace["Username"] = "GRACE@example.com"
            let again = try await c.send(
                .POST,
                "/services/data/v62.0/sobjects/User",
                token: token,
                body: .object(grace)
            )
            #expect(again.errorCode == "DUPLICATE_USERNAME")
        }
    }

    /// Left unset, the nickname is derived from the username's local part and can collide.
    @Test func aDerivedNicknameCollides() async throws {
        try await withEmulator { c, _ in
            let token = try await c.session()
            #expect(
                try await c.send(
                    .POST,
                    "/services/data/v62.0/sobjects/User",
                    token: token,
                    body: .object(Self.user("ada@example.com"))
                ).status == 201
            )
            let r = try await c.send(
                .POST,
                "/services/data/v62.0/sobjects/User",
                token: token,
                body: .object(Self.user("ada@example.org"))
            )
            #expect(r.errorCode == "DUPLICATE_COMM_NICKNAME")
        }
    }

    @Test func usersCannotBeDeletedOnlyDeactivated() async throws {
        try await withEmulator { c, emulator in
            let token = try await c.session()
            let id = try #require(
                try await c.send(
                    .POST,
                    "/services/data/v62.0/sobjects/User",
                    token: token,
                    body: .object(Self.user("ada@example.com"))
                ).body?["id"]?.stringValue
            )
            let delete = try await c.send(.DELETE, "/services/data/v62.0/sobjects/User/\(id)", token: token)
            #expect(delete.status == 405)
            #expect(delete.errorCode == "METHOD_NOT_ALLOWED")
            #expect(
                try await c.send(
                    .PATCH,
                    "/services/data/v62.0/sobjects/User/\(id)",
                    token: token,
                    body: ["IsActive": false]
                ).status == 204
            )
            #expect(emulator.state().user(username: "ada@example.com")?["IsActive"] == false)
            let login = try #require(emulator.state().login(ofUser: id))
            #expect(login["IsFrozen"] == false)
        }
    }

    @Test func aSecondIdenticalMembershipOrAssignmentIsADuplicateValue() async throws {
        try await withEmulator { c, _ in
            let token = try await c.session()
            let user = try #require(
                try await c.send(
                    .POST,
                    "/services/data/v62.0/sobjects/User",
                    token: token,
                    body: .object(Self.user("ada@example.com"))
                ).body?["id"]?.stringValue
            )
            let group = try #require(
                try await c.send(
                    .POST,
                    "/services/data/v62.0/sobjects/Group",
                    token: token,
                    body: ["Name": "Engineering", "DeveloperName": "Engineering", "Type": "Regular"]
                ).body?["id"]?.stringValue
            )
            let member: JSONValue = ["GroupId": .string(group), "UserOrGroupId": .string(user)]
            #expect(
                try await c.send(.POST, "/services/data/v62.0/sobjects/GroupMember", token: token, body: member).status
                    == 201
            )
            let dup = try await c.send(.POST, "/services/data/v62.0/sobjects/GroupMember", token: token, body: member)
            #expect(dup.status == 400)
            #expect(dup.errorCode == "DUPLICATE_VALUE")
            let ps = try #require(
                try await c.send(
                    .POST,
                    "/services/data/v62.0/sobjects/PermissionSet",
                    token: token,
                    body: ["Label": "Engineering", "Name": "Engineering"]
                ).body?["id"]?.stringValue
            )
            let assignment: JSONValue = ["PermissionSetId": .string(ps), "AssigneeId": .string(user)]
            #expect(
                try await c.send(
                    .POST,
                    "/services/data/v62.0/sobjects/PermissionSetAssignment",
                    token: token,
                    body: assignment
                ).status == 201
            )
            #expect(
                try await c.send(
                    .POST,
                    "/services/data/v62.0/sobjects/PermissionSetAssignment",
                    token: token,
                    body: assignment
                ).errorCode == "DUPLICATE_VALUE"
            )
            // The DeveloperName is unique, the Name is not.
            let sameName = try await c.send(
                .POST,
                "/services/data/v62.0/sobjects/Group",
                token: token,
                body: ["Name": "Engineering", "DeveloperName": "Engineering_2"]
            )
            #expect(sameName.status == 201)
            let sameAPIName = try await c.send(
                .POST,
                "/services/data/v62.0/sobjects/Group",
                token: token,
                body: ["Name": "Other", "DeveloperName": "engineering"]
            )
            #expect(sameAPIName.errorCode == "DUPLICATE_DEVELOPER_NAME")
            let bogus = try await c.send(
                .POST,
                "/services/data/v62.0/sobjects/GroupMember",
                token: token,
                body: ["GroupId": .string(group), "UserOrGroupId": "005000000000NOPEAAA"]
            )
            #expect(bogus.errorCode == "INVALID_CROSS_REFERENCE_KEY")
        }
    }

    @Test func beyondTheAllocationRequestsAreRefusedWith403() async throws {
        try await withEmulator({ $0.requestLimit = RateLimit(requests: 3, perSeconds: 3600) }) { c, emulator in
            let token = try await c.session()
            for _ in 0..<3 {
                #expect(try await c.send(.GET, "/services/data/v62.0/limits", token: token).status == 200)
            }
            let r = try await c.send(.GET, "/services/data/v62.0/limits", token: token)
            #expect(r.status == 403)
            #expect(r.errorCode == "REQUEST_LIMIT_EXCEEDED")
            #expect(emulator.state().limitRefusals == 1)
        }
    }

    @Test func queriesPageThroughNextRecordsUrl() async throws {
        try await withEmulator({ $0.queryBatchSize = 2 }) { c, emulator in
            try emulator.seed(users: (1...4).map { ["Username": .string("u\($0)@example.com")] })
            let token = try await c.session()
            var r = try await c.query("SELECT Id, Username FROM User WHERE IsActive = true", token: token)
            #expect(r.body?["totalSize"] == 5)  // the integration user and the four
            var names: [String] = []
            while true {
                names += (r.body?["records"]?.arrayValue ?? []).compactMap { $0["Username"]?.stringValue }
                #expect((r.body?["records"]?.arrayValue ?? []).allSatisfy { $0["attributes"]?["type"] == "User" })
                guard r.body?["done"] == false, let next = r.body?["nextRecordsUrl"]?.stringValue else { break }
                #expect(next.hasPrefix("/services/data/v62.0/query/01g"))
                r = try await c.send(.GET, next, token: token)
            }
            #expect(
                names == [
                    "integration@example.com", "u1@example.com", "u2@example.com", "u3@example.com", "u4@example.com",
                ]
            )
        }
    }

    @Test func soqlStringLiteralsTakeEscapedQuotesAndIgnoreCase() async throws {
        try await withEmulator { c, emulator in
            try emulator.seed(users: [["Username": "o'brien@example.com"]])
            let token = try await c.session()
            let r = try await c.query(#"SELECT Id FROM User WHERE Username = 'O\'Brien@example.com'"#, token: token)
            #expect(r.body?["totalSize"] == 1)
            let unknownField = try await c.query("SELECT Id FROM User WHERE Nickname = 'x'", token: token)
            #expect(unknownField.errorCode == "INVALID_FIELD")
            let malformed = try await c.query("SELECT Id FROM User WHERE Username = 'unterminated", token: token)
            #expect(malformed.errorCode == "MALFORMED_QUERY")
        }
    }

    @Test func bodiesMustBeJSONAndFaultsUseSalesforceErrors() async throws {
        try await withEmulator { c, emulator in
            let token = try await c.session()
            let scim = try await c.send(
                .POST,
                "/services/data/v62.0/sobjects/User",
                token: token,
                body: .object(Self.user("ada@example.com")),
                contentType: "application/scim+json"
            )
            #expect(scim.status == 415)
            #expect(scim.errorCode == "UNSUPPORTED_MEDIA_TYPE")
            emulator.failNext(1, method: "GET", pathPrefix: "/query", with: .status(403))
            emulator.failNext(1, method: "GET", pathPrefix: "/query", with: .serviceUnavailable(retryAfter: 0))
            let limited = try await c.query("SELECT Id FROM User", token: token)
            #expect(limited.status == 403)
            #expect(limited.errorCode == "REQUEST_LIMIT_EXCEEDED")
            #expect(try await c.query("SELECT Id FROM User", token: token).status == 503)
            #expect(try await c.query("SELECT Id FROM User", token: token).status == 200)
            #expect(emulator.state().counters.requests("GET", "/query") == 3)
            #expect(emulator.recordedRequests.last?.soql == "SELECT Id FROM User")
        }
    }

    @Test func seededSameNamedGroupsKeepTheirForeignMembers() async throws {
        try await withEmulator { _, emulator in
            try emulator.seed(
                users: [["Username": "foreign@example.com"]],
                groups: [["Name": "Engineering", "members": ["foreign@example.com"]], ["Name": "Engineering"]]
            )
            let state = emulator.state()
            #expect(state.groups(named: "Engineering").count == 2)
            #expect(state.memberUsernames(ofGroupNamed: "Engineering") == ["foreign@example.com"])
        }
    }
}
