import BridgeConfig
import Foundation
import Membership
import Testing

@Suite struct ConfigurationLoaderTests {
    @Test func issueExampleLoads() throws {
        let config = try Fixtures.load(Fixtures.issueExample)
        #expect(config.channels == [ChannelSettings(name: "pingone", targets: ["acme-scim"])])
        let target = try #require(config.targets.first)
        #expect(config.targets.count == 1)
        #expect(target.name == "acme-scim")
        #expect(target.kind == .scim)
        #expect(target.baseURL == "https://scim.example.com/scim/v2")
        #expect(target.auth == .bearer(Secret(.environment("ACME_TOKEN"))))
        #expect(target.onNameCollision == .fail)
        #expect(target.acknowledgeNameCollision == false)
        // burst was not given: a tenth of the rate.
        #expect(target.rateLimit == RateLimit(requestsPerMinute: 600, burst: 60))
        #expect(config.targets(of: config.channels[0]).map(\.name) == ["acme-scim"])
    }

    @Test func designSketchLoads() throws {
        let config = try Fixtures.load(Fixtures.designSketch)
        #expect(config.channels.map(\.targets) == [["github", "slack", "google", "sfdc"]])
        #expect(config.targets.map(\.kind) == [.githubEMU, .slack, .google, .salesforce])

        let github = try #require(config.target(named: "github"))
        #expect(github.onNameCollision == .merge)
        #expect(github.acknowledgeNameCollision)

        let google = try #require(config.target(named: "google"))
        #expect(
            google.auth
                == .googleServiceAccount(
                    key: Secret(.file("/etc/scim-bridge/google-service-account.json")),
                    subject: "admin@example.com",
                    tokenURL: "https://oauth2.googleapis.com/token",
                    scopes: TargetAuth.googleDefaultScopes
                )
        )
        #expect(google.google == GoogleSettings(customer: "my_customer", domain: "example.com"))
        #expect(google.salesforce == nil)

        let sfdc = try #require(config.target(named: "sfdc"))
        #expect(
            sfdc.auth
                == .salesforceJWT(
                    clientId: Secret(.environment("SALESFORCE_CLIENT_ID")),
                    username: "integration@acme.com",
                    privateKey: Secret(.file("/etc/scim-bridge/salesforce.key")),
                    tokenURL: "https://login.salesforce.com/services/oauth2/token",
                    audience: "https://login.salesforce.com"
                )
        )
        var workforce = SalesforceSettings(apiVersion: "62.0", memberships: .groups, communities: nil)
        workforce.profileId = "00e000000000001AAA"
        #expect(sfdc.salesforce == workforce)
        #expect(sfdc.google == nil)
    }

    @Test func defaults() throws {
        let config = try Fixtures.load(Fixtures.target(""))
        #expect(config.server == ServerSettings())
        #expect(config.server.host == "127.0.0.1")
        #expect(config.server.port == 8080)
        #expect(config.server.dataDir == "./data")
        #expect(config.server.publicURL == nil)
        #expect(config.server.adminToken == nil)
        #expect(
            config.server.limits
                == LimitSettings(
                    maxBodyBytes: 1_048_576,
                    maxResults: 1000,
                    defaultPageSize: 100,
                    bulkMaxOperations: 1000,
                    bulkMaxPayloadBytes: 4_194_304
                )
        )
        #expect(config.channels.isEmpty)
        let t = try #require(config.targets.first)
        #expect(t.onNameCollision == .fail)
        #expect(!t.acknowledgeNameCollision)
        #expect(t.removeAction == .disable)
        #expect(t.rateLimit == RateLimit(requestsPerMinute: 600, burst: 60))
        #expect(t.concurrency == 4)
        #expect(t.reconcileEvery == .seconds(3600))
        #expect(t.maxAttempts == 10)
        #expect(t.timeout == .seconds(30))
    }

    @Test func emptyDocumentGivesDefaults() throws {
        #expect(try Fixtures.load("") == BridgeConfiguration())
        #expect(try Fixtures.load("# nothing yet\n") == BridgeConfiguration())
    }

    @Test func everyKeySet() throws {
        let yaml = """
            server:
              host: 0.0.0.0
              port: 9443
              dataDir: /var/lib/scim-bridge
              publicURL: https://scim.example.com/
              adminToken: env:ADMIN_TOKEN
              limits:
                maxBodyBytes: 2097152
                maxResults: 500
                defaultPageSize: 50
                bulkMaxOperations: 100
                bulkMaxPayloadBytes: 8388608
            channels:
              - name: okta_prod
                targets: [graph, portal]
              - name: empty
            targets:
              - name: graph
                kind: msgraph
                auth:
                  clientId: env:CLIENT_ID
                  clientSecret: env:CLIENT_SECRET
                  tokenURL: https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token
                onNameCollision: overwrite
                acknowledgeNameCollision: true
                removeAction: delete
                rateLimit: { requestsPerMinute: 300, burst: 5 }
                concurrency: 8
                reconcileEvery: 1h30m
                maxAttempts: 3
                timeout: 45s
              - name: portal
                kind: salesforce
                baseURL: https://acme--uat.sandbox.my.salesforce.com
                apiVersion: 61.0
                memberships: permissionSets
                communities: { accountId: 001000000000001AAA, profileId: 00e000000000001 }
                usernameSuffix: .uat
                deprovisioning: freeze
                timeZoneSidKey: Europe/Paris
                reconcileEvery: off
                auth:
                  clientId: env:CLIENT_ID
                  username: integration@acme.com.uat
                  privateKey: file:/etc/scim-bridge/salesforce.key
                  tokenURL: https://test.salesforce.com/services/oauth2/token
            """
        let config = try Fixtures.load(yaml)
        #expect(
            config.server
                == ServerSettings(
                    host: "0.0.0.0",
                    port: 9443,
                    dataDir: "/var/lib/scim-bridge",
                    publicURL: "https://scim.example.com",
                    adminToken: Secret(.environment("ADMIN_TOKEN")),
                    limits: LimitSettings(
                        maxBodyBytes: 2_097_152,
                        maxResults: 500,
                        defaultPageSize: 50,
                        bulkMaxOperations: 100,
                        bulkMaxPayloadBytes: 8_388_608
                    )
                )
        )
        #expect(config.channels == [.init(name: "okta_prod", targets: ["graph", "portal"]), .init(name: "empty")])
        let graph = try #require(config.target(named: "graph"))
        #expect(graph.baseURL == "https://graph.microsoft.com/v1.0")
        #expect(
            graph.auth
                == .oauthClientCredentials(
                    clientId: Secret(.environment("CLIENT_ID")),
                    clientSecret: Secret(.environment("CLIENT_SECRET")),
                    tokenURL: "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token",
                    scopes: ["https://graph.microsoft.com/.default"]
                )
        )
        #expect(graph.onNameCollision == .overwrite)
        #expect(graph.removeAction == .delete)
        #expect(graph.rateLimit == RateLimit(requestsPerMinute: 300, burst: 5))
        #expect(graph.concurrency == 8)
        #expect(graph.reconcileEvery == .seconds(5400))
        #expect(graph.maxAttempts == 3)
        #expect(graph.timeout == .seconds(45))
        let portal = try #require(config.target(named: "portal"))
        #expect(portal.reconcileEvery == nil)
        var expected = SalesforceSettings(
            apiVersion: "61.0",
            memberships: .permissionSets,
            communities: .init(accountId: "001000000000001AAA", profileId: "00e000000000001")
        )
        expected.usernameSuffix = ".uat"
        expected.deprovisioning = .freeze
        expected.timeZoneSidKey = "Europe/Paris"
        #expect(portal.salesforce == expected)
        guard case .salesforceJWT(_, _, _, _, let audience) = portal.auth else {
            Issue.record("expected salesforceJWT, got \(portal.auth)")
            return
        }
        #expect(audience == "https://test.salesforce.com")
    }

    @Test func basicAuthForAGenericSCIMServer() throws {
        let config = try Fixtures.load(Fixtures.target("", auth: "{ username: bridge, password: inline:pw }"))
        #expect(config.targets.first?.auth == .basic(username: "bridge", password: Secret(.inline("pw"))))
    }

    @Test func loadsFromAFile() throws {
        let path = "/tmp/bridgeconfig-test-\(Int.random(in: 0..<1_000_000_000)).yaml"
        try Fixtures.issueExample.write(toFile: path)
        defer { removeFile(path) }
        let config = try ConfigurationLoader.load(
            file: path,
            environment: Fixtures.environment,
            readFile: Fixtures.readFile
        )
        #expect(config.targets.map(\.name) == ["acme-scim"])
    }
}

@Suite struct DocumentationTests {
    /// The full example of docs/configuration.md loads, so the reference cannot drift from the loader.
    @Test func fullExampleOfTheReferenceLoads() throws {
        let docs = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("docs/configuration.md")
        let text = try String(contentsOf: docs, encoding: .utf8)
        let start = try #require(text.range(of: "## Full example\n\n```yaml\n"))
        let end = try #require(text.range(of: "\n```", range: start.upperBound..<text.endIndex))
        let yaml = String(text[start.upperBound..<end.lowerBound])
        var environment = Fixtures.environment
        for name in ["SCIM_BRIDGE_ADMIN_TOKEN", "GRAPH_CLIENT_ID", "GRAPH_CLIENT_SECRET"] { environment[name] = "x" }
        let config = try Fixtures.load(yaml, environment: environment)
        #expect(config.targets.map(\.kind) == [.scim, .githubEMU, .slack, .google, .salesforce, .msgraph])
        #expect(config.target(named: "slack")?.baseURL == "https://api.slack.com/scim/v2")
        #expect(config.channels.first?.targets.count == 6)
    }

    @Test func anchorsAndAliasesAreFollowed() throws {
        let yaml = """
            targets:
              - name: a
                kind: scim
                baseURL: https://a.example.com
                auth: &token { bearer: env:ACME_TOKEN }
              - name: b
                kind: scim
                baseURL: https://b.example.com
                auth: *token
            """
        let config = try Fixtures.load(yaml)
        #expect(
            config.targets.map(\.auth) == [
                .bearer(Secret(.environment("ACME_TOKEN"))), .bearer(Secret(.environment("ACME_TOKEN"))),
            ]
        )
    }
}
