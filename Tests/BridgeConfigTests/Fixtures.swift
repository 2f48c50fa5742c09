import BridgeConfig
import Testing

/// Configuration texts and an environment shared by the tests.
enum Fixtures {
    /// The example of the targets issue.
    static let issueExample = """
        channels:
          - name: pingone
            targets: [acme-scim]
        targets:
          - name: acme-scim
            kind: scim            # later: github-emu, slack, google, salesforce, msgraph
            baseURL: https://scim.example.com/scim/v2
            auth: { bearer: env:ACME_TOKEN }
            onNameCollision: fail   # fail | merge | overwrite
            acknowledgeNameCollision: false   # must be true for merge or overwrite
            rateLimit: { requestsPerMinute: 600 }
        """

    /// The configuration sketch of DESIGN.md.
    static let designSketch = """
        channels:
          - name: pingone                 # inbound base URL /scim/v2/pingone
            targets: [github, slack, google, sfdc]
        targets:
          - name: github
            kind: github-emu
            baseURL: https://api.github.com/scim/v2/enterprises/acme
            auth: { bearer: env:GITHUB_SCIM_TOKEN }
            onNameCollision: merge
            acknowledgeNameCollision: true
          - name: slack
            kind: slack
            baseURL: https://api.slack.com/scim/v2
            auth: { bearer: env:SLACK_SCIM_TOKEN }
          - name: google
            kind: google
            baseURL: https://admin.googleapis.com
            auth:
              serviceAccountKey: file:/etc/scim-bridge/google-service-account.json
              subject: admin@example.com          # the admin the service account impersonates
              tokenURL: https://oauth2.googleapis.com/token
            customer: my_customer
            domain: example.com
          - name: sfdc
            kind: salesforce                      # communities: add `communities: { accountId: ..., profileId: ... }`
            baseURL: https://acme.my.salesforce.com
            apiVersion: "62.0"
            auth:
              clientId: env:SALESFORCE_CLIENT_ID
              username: integration@acme.com
              privateKey: file:/etc/scim-bridge/salesforce.key
              tokenURL: https://login.salesforce.com/services/oauth2/token
            memberships: groups                   # groups (Group/GroupMember) | permissionSets
            profileId: 00e000000000001AAA
        """

    /// A recognisable value no message may ever contain.
    static let tokenValue = "sekrit-VALUE-7f3a9c"

    static let environment = [
        "ACME_TOKEN": tokenValue, "GITHUB_SCIM_TOKEN": tokenValue, "SLACK_SCIM_TOKEN": tokenValue,
        "SALESFORCE_CLIENT_ID": tokenValue, "ADMIN_TOKEN": tokenValue, "CLIENT_ID": tokenValue,
        "CLIENT_SECRET": tokenValue,
    ]

    static let files = [
        "/etc/scim-bridge/google-service-account.json": "{\"private_key\": \"\(tokenValue)\"}\n",
        "/etc/scim-bridge/salesforce.key": "-----BEGIN PRIVATE KEY-----\n\(tokenValue)\n-----END PRIVATE KEY-----\n",
        "/etc/scim-bridge/graph.crt": "-----BEGIN CERTIFICATE-----\nMAMCAQE=\n-----END CERTIFICATE-----\n",
        "/etc/scim-bridge/graph.key": "-----BEGIN PRIVATE KEY-----\n\(tokenValue)\n-----END PRIVATE KEY-----\n",
    ]

    struct NoSuchFile: Error, CustomStringConvertible {
        var description: String { "no such file" }
    }

    static func readFile(_ path: String) throws -> String {
        guard let content = files[path] else { throw NoSuchFile() }
        return content
    }

    static func load(_ yaml: String, environment: [String: String] = environment) throws(ConfigurationError)
        -> BridgeConfiguration
    {
        try ConfigurationLoader.load(yaml: yaml, environment: environment, readFile: readFile)
    }

    /// The error text `yaml` gives; records an issue when it loads.
    static func errorText(
        _ yaml: String,
        environment: [String: String] = environment,
        sourceLocation: SourceLocation = #_sourceLocation
    ) -> String {
        do {
            _ = try load(yaml, environment: environment)
            Issue.record("expected a configuration error", sourceLocation: sourceLocation)
            return ""
        } catch {
            return error.description
        }
    }

    /// A one-target configuration with `lines` added to the target (indented as its keys).
    static func target(_ lines: String, kind: String = "scim", auth: String = "{ bearer: env:ACME_TOKEN }") -> String {
        """
        targets:
          - name: t
            kind: \(kind)
            baseURL: https://scim.example.com/scim/v2
            auth: \(auth)
        \(lines.split(separator: "\n", omittingEmptySubsequences: false).map { "    " + $0 }.joined(separator: "\n"))
        """
    }
}
