import BridgeConfig
import Testing

/// The `kind: msgraph` keys: the certificate form of `auth`, `groupType`, `initialPassword`, `domain`.
struct MSGraphSettingsTests {
    static let tokenURL = "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token"

    static func graph(_ lines: String, auth: String? = nil) -> String {
        """
        targets:
          - name: entra
            kind: msgraph
            auth: \(auth ?? "{ clientId: env:CLIENT_ID, clientSecret: env:CLIENT_SECRET, tokenURL: \(tokenURL) }")
        \(lines.split(separator: "\n", omittingEmptySubsequences: false).map { "    " + $0 }.joined(separator: "\n"))
        """
    }

    @Test func defaultsAreSecurityGroupsRandomPasswordsAndNoDomain() throws {
        let t = try #require(try Fixtures.load(Self.graph("")).target(named: "entra"))
        #expect(t.msgraph == MSGraphSettings(groupType: .security, initialPassword: .random, domain: nil))
        #expect(t.baseURL == "https://graph.microsoft.com/v1.0")
        #expect(t.rateLimit == RateLimit(requestsPerMinute: 1100, burst: 100))
    }

    @Test func theKindsOwnKeysAreRead() throws {
        let yaml = Self.graph("groupType: microsoft365\ninitialPassword: none\ndomain: contoso.com")
        let t = try #require(try Fixtures.load(yaml).target(named: "entra"))
        #expect(t.msgraph == MSGraphSettings(groupType: .microsoft365, initialPassword: .none, domain: "contoso.com"))
    }

    @Test func aCertificateIsTheOtherWayToSignIn() throws {
        let auth =
            "{ clientId: env:CLIENT_ID, certificate: file:/etc/scim-bridge/graph.crt, privateKey: file:/etc/scim-bridge/graph.key, tokenURL: \(Self.tokenURL) }"
        let t = try #require(try Fixtures.load(Self.graph("", auth: auth)).target(named: "entra"))
        #expect(
            t.auth
                == .oauthClientCertificate(
                    clientId: Secret(.environment("CLIENT_ID")),
                    certificate: Secret(.file("/etc/scim-bridge/graph.crt")),
                    privateKey: Secret(.file("/etc/scim-bridge/graph.key")),
                    tokenURL: Self.tokenURL,
                    scopes: TargetAuth.msgraphDefaultScopes
                )
        )
        #expect(t.auth.secrets.map(\.key) == ["clientId", "certificate", "privateKey"])
    }

    @Test func anUnknownGroupTypeNamesTheKeyAndTheChoices() {
        let text = Fixtures.errorText(Self.graph("groupType: distribution"))
        #expect(text.contains("targets[0].groupType"), "\(text)")
        #expect(text.contains("security") && text.contains("microsoft365"), "\(text)")
    }

    @Test func aKeyOfAnotherKindSaysWhichKindsHaveIt() {
        let text = Fixtures.errorText(Fixtures.target("domain: example.com"))
        #expect(text.contains("only valid for kind google or msgraph"), "\(text)")
    }

    @Test func aCertificateWithoutItsKeyIsRefused() {
        let auth =
            "{ clientId: env:CLIENT_ID, certificate: file:/etc/scim-bridge/graph.crt, tokenURL: \(Self.tokenURL) }"
        let text = Fixtures.errorText(Self.graph("", auth: auth))
        #expect(text.contains("targets[0].auth.privateKey"), "\(text)")
    }
}
