import BridgeConfig
import Testing

/// No secret value reaches a printed configuration or an error message.
@Suite struct RedactionTests {
    let value = Fixtures.tokenValue

    @Test func printedConfigurationHoldsNoSecretValue() throws {
        let yaml =
            Fixtures.designSketch + """

                  - name: inline
                    kind: scim
                    baseURL: https://scim.example.com
                    auth: { bearer: "inline:\(value)" }
                  - name: basic
                    kind: scim
                    baseURL: https://scim.example.com
                    auth: { username: u, password: "inline:\(value)" }
                server:
                  adminToken: "inline:\(value)"
                """
        let config = try Fixtures.load(yaml)
        #expect(config.targets.count == 6)
        for text in [String(describing: config), String(reflecting: config), "\(config.targets)"] {
            #expect(!text.contains(value))
            #expect(text.contains("Secret(env:GITHUB_SCIM_TOKEN)"))
            #expect(text.contains("Secret(inline, redacted)"))
        }
        var dumped = ""
        dump(config, to: &dumped)
        #expect(!dumped.contains(value))
    }

    /// Mistakes next to secrets: a pasted token where a reference belongs, a wrong type, a syntax error on the line.
    @Test(arguments: [
        Fixtures.target("", auth: "{ bearer: \(Fixtures.tokenValue) }"),
        Fixtures.target("", auth: "{ bearer: [\(Fixtures.tokenValue)] }"),
        Fixtures.target("", auth: "\"\(Fixtures.tokenValue)\""),
        Fixtures.target("", auth: "{ bearer: env:ACME_TOKEN, token: \(Fixtures.tokenValue) }"),
        Fixtures.target("", auth: "{ bearer: \"inline:\(Fixtures.tokenValue)\" } }"),
        Fixtures.target("").replacingFirst("https://", with: "https://u:\(Fixtures.tokenValue)@"),
        "server:\n  adminToken: \(Fixtures.tokenValue)\n  port: x\n",
        "server:\n  adminToken: inline:\(Fixtures.tokenValue)\n  adminToken: inline:\(Fixtures.tokenValue)\n",
        "server:\n  adminToken: \"inline:\(Fixtures.tokenValue)\n",
    ])
    func errorsHoldNoSecretValue(_ yaml: String) {
        let text = Fixtures.errorText(yaml)
        #expect(!text.isEmpty)
        #expect(!text.contains(value), "\(text)")
    }

    @Test func missingSecretsNameTheKeyAndTheReference() {
        let yaml = """
            server:
              adminToken: env:NO_SUCH_VARIABLE
            targets:
              - name: g
                kind: google
                domain: example.com
                auth: { serviceAccountKey: file:/nope/key.json, subject: admin@example.com }
            """
        let text = Fixtures.errorText(yaml)
        #expect(
            text.contains(
                "server.adminToken: the environment variable NO_SUCH_VARIABLE is not set (env:NO_SUCH_VARIABLE)"
            )
        )
        #expect(
            text.contains(
                "targets[0].auth.serviceAccountKey: cannot read /nope/key.json: no such file (file:/nope/key.json)"
            )
        )
    }

    @Test func pastedTokenIsRefusedWithoutEchoing() {
        let text = Fixtures.errorText(Fixtures.target("", auth: "{ bearer: \(value) }"))
        #expect(text.contains("targets[0].auth.bearer: expected a secret reference, env:NAME or file:PATH"))
        #expect(!text.contains(value))
    }
}
