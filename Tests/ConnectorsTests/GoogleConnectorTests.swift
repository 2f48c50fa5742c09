import AsyncHTTPClient
import Connectors
import Emulators
import Foundation
import Membership
import SCIM
import TestSupport
import Testing

@Suite("Google mapping")
struct GoogleMappingTests {
    @Test(arguments: [
        ("Engineering", "engineering@example.com"),
        ("Sales EMEA", "sales-emea@example.com"),
        ("  R&D / Ops!! ", "r-d-ops@example.com"),
        ("Ünïcode Team", "n-code-team@example.com"),
    ])
    func groupEmailsAreSluggedNames(name: String, email: String) {
        #expect(GoogleMapping.groupEmail(displayName: name, externalId: "x", domain: "Example.com") == email)
    }

    @Test func aNameWithoutLettersOrDigitsFallsBackToTheExternalId() {
        #expect(
            GoogleMapping.groupEmail(displayName: "日本", externalId: "abc-123", domain: "example.com")
                == "group-abc-123@example.com"
        )
    }

    @Test func thePrimaryEmailIsAnEmailUserNameElseThePrimaryEmail() {
        #expect(GoogleMapping.primaryEmail(of: ["userName": "Alice@Example.com"]) == "alice@example.com")
        #expect(
            GoogleMapping.primaryEmail(of: [
                "userName": "alice",
                "emails": [["value": "other@example.com"], ["value": "Work@example.com", "primary": true]],
            ]) == "work@example.com"
        )
        #expect(GoogleMapping.primaryEmail(of: ["userName": "alice"]) == nil)
    }

    @Test func requiredNamesFallBackToTheDisplayNameThenTheEmail() {
        let full = GoogleMapping.userBody(
            ["displayName": "Ada King Lovelace", "active": false],
            primaryEmail: "ada@example.com",
            password: nil
        )
        #expect(full["name"]?["givenName"] == "Ada")
        #expect(full["name"]?["familyName"] == "King Lovelace")
        #expect(full["suspended"] == true)
        #expect(full["password"] == nil)
        let bare = GoogleMapping.userBody([:], primaryEmail: "bob@example.com", password: "secret-secret")
        #expect(bare["name"]?["givenName"] == "bob")
        #expect(bare["name"]?["familyName"] == "bob")
        #expect(bare["suspended"] == false)
        #expect(bare["password"] == "secret-secret")
    }

    @Test func passwordsAreRandomAndLong() {
        let a = GoogleMapping.randomPassword(), b = GoogleMapping.randomPassword()
        #expect(a.count == 32)
        #expect(a != b)
    }

    @Test func nameQueriesEscapeQuotes() {
        #expect(GoogleMapping.nameQuery("Bob's team") == #"name='Bob\'s team'"#)
    }
}

/// The connector and its token provider against the Google emulator over real HTTP.
@Suite("Google connector")
struct GoogleConnectorTests {
    func withConnector(
        propagationDelay: Duration = .zero,
        _ body: (GoogleConnector, GoogleEmulator, ServiceAccountTokenProvider) async throws -> Void
    ) async throws {
        let configuration = GoogleEmulator.Configuration(
            publicKeyPEM: GoogleTestKeys.publicKeyPEM,
            groupPropagationDelay: propagationDelay
        )
        try await withRunningEmulator(try GoogleEmulator(configuration: configuration)) { url, emulator in
            let tokenURL = url.absoluteString + "/token"
            let provider = ServiceAccountTokenProvider(
                key: try ServiceAccountKey(json: GoogleTestKeys.keyFile(tokenURI: tokenURL)),
                subject: "admin@example.com",
                scopes: GoogleEmulator.directoryScopes.sorted(),
                client: HTTPClient.shared
            )
            let transport = HTTPTransport(
                client: HTTPClient.shared,
                baseURL: url.absoluteString,
                bucket: TokenBucket(requestsPerMinute: 60_000, burst: 1000),
                authorization: { try await provider.authorization() },
                reauthorize: { await provider.invalidate(authorization: $0) }
            )
            try await body(
                GoogleConnector(transport: transport, domain: "example.com", creationGrace: .seconds(5)),
                emulator,
                provider
            )
        }
    }

    @Test func theTokenIsCachedAndReplacedOnlyWhenRefused() async throws {
        try await withConnector { _, emulator, provider in
            let first = try await provider.authorization()
            #expect(try await provider.authorization() == first)
            #expect(await provider.tokensIssued == 1)
            await provider.invalidate(authorization: "Bearer stale")
            #expect(try await provider.authorization() == first)
            await provider.invalidate(authorization: first)
            #expect(try await provider.authorization() != first)
            #expect(emulator.state().tokensIssued == 2)
        }
    }

    @Test func aBrokenKeyFileIsAPermanentError() {
        #expect(throws: TargetError.self) { try ServiceAccountKey(json: "{\"type\": \"service_account\"}") }
        #expect(throws: TargetError.self) { try ServiceAccountKey(json: "not json") }
        let key = ServiceAccountKey(clientEmail: "sa@x", privateKeyPEM: GoogleTestKeys.privateKeyPEM)
        #expect(!"\(key)".contains("PRIVATE"))
    }

    @Test func quota403sAreRetryableNotAuthFailures() async throws {
        try await withConnector { connector, emulator, _ in
            emulator.failNext(1, with: .status(403))
            await #expect {
                try await connector.testConnection()
            } throws: { error in
                if case TargetError.retryable(let detail, _) = error {
                    detail.contains("userRateLimitExceeded")
                } else {
                    false
                }
            }
            try await connector.testConnection()
        }
    }

    @Test func membershipsAreIdempotentBothWays() async throws {
        try await withConnector { connector, emulator, _ in
            let user = try await connector.createUser(["userName": "alice@example.com"])
            #expect(try await connector.createUser(["userName": "alice@example.com"]) == user)  // 409 → found
            let group = try await connector.createGroup(displayName: "Engineering", externalId: "e1")
            try await connector.addMembership(user: user, group: group)
            try await connector.addMembership(user: user, group: group)  // 409 "Member already exists." → done
            #expect(try await connector.members(ofGroup: group) == [user])
            try await connector.removeMembership(user: user, group: group)
            try await connector.removeMembership(user: user, group: group)  // 404 → done
            #expect(try await connector.members(ofGroup: group).isEmpty)
            #expect(emulator.state().counters.responses["409"] == 2)
        }
    }

    @Test func a404OnAGroupJustCreatedIsRetryableAndOnAnOldOneIsNot() async throws {
        // The window is long and then closed by hand, so that a loaded machine cannot outlast it.
        try await withConnector(propagationDelay: .seconds(60)) { connector, emulator, _ in
            let group = try await connector.createGroup(displayName: "New", externalId: "n1")
            await #expect {
                try await connector.renameGroup(id: group, displayName: "Newer")
            } throws: { error in
                if case TargetError.retryable = error { true } else { false }
            }
            emulator.setGroupPropagationDelay(.zero)
            try await connector.renameGroup(id: group, displayName: "Newer")
            #expect(emulator.state().group(named: "Newer") != nil)
            let old = try #require(
                try emulator.seed(groups: [["email": "old@example.com", "name": "Old"]]).groups.first?["id"]?
                    .stringValue
            )
            try await connector.deleteGroup(id: old)
            await #expect {
                try await connector.renameGroup(id: old, displayName: "Gone")
            } throws: { error in
                if case TargetError.permanent(404, _) = error { true } else { false }
            }
        }
    }

    @Test func listsFollowPageTokens() async throws {
        try await withConnector { connector, emulator, _ in
            let users = (0..<520).map { i -> JSONObject in ["primaryEmail": .string("user\(i)@example.com")] }
            try emulator.seed(
                users: users,
                groups: [
                    [
                        "email": "all@example.com", "name": "All",
                        "members": .array(users.prefix(230).map { $0["primaryEmail"]! }),
                    ]
                ]
            )
            #expect(try await connector.listUsers().count == 520)
            let all = try #require(try await connector.findGroup(displayName: "all"))
            #expect(all.name == "All")
            #expect(try await connector.members(ofGroup: all.id).count == 230)
            #expect(emulator.state().counters.requests("GET", "/users") == 2)
            #expect(emulator.state().counters.requests("GET", "/groups/{groupKey}/members") == 2)
        }
    }
}
