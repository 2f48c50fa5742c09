import BridgeConfig
import Foundation
import Testing

/// Each mistake gives a message that names the key at fault by its full path.
@Suite struct ConfigurationErrorTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var yaml: String
        var expected: [String]
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(
            name: "misspelt target key",
            yaml: Fixtures.target("rateLimt: { requestsPerMinute: 600 }"),
            expected: ["targets[0].rateLimt: unknown key (did you mean 'rateLimit'?)"]
        ),
        Case(
            name: "unknown top-level key",
            yaml: "chanels: []\n",
            expected: ["chanels: unknown key (did you mean 'channels'?)"]
        ),
        Case(
            name: "unknown nested key",
            yaml: "server:\n  limits:\n    maxResult: 10\n",
            expected: ["server.limits.maxResult: unknown key (did you mean 'maxResults'?)"]
        ),
        Case(
            name: "unknown key without a near one",
            yaml: Fixtures.target("colour: blue"),
            expected: ["targets[0].colour: unknown key"]
        ),
        Case(
            name: "unknown key in rateLimit",
            yaml: Fixtures.target("rateLimit: { requestsPerMinute: 60, bust: 5 }"),
            expected: ["targets[0].rateLimit.bust: unknown key (did you mean 'burst'?)"]
        ),
        Case(
            name: "unknown key in auth",
            yaml: Fixtures.target("", auth: "{ bearer: env:ACME_TOKEN, scope: x }"),
            expected: ["targets[0].auth.scope: unknown key"]
        ),
        Case(
            name: "kind-specific key on another kind",
            yaml: Fixtures.target("domain: example.com"),
            expected: ["targets[0].domain: only valid for kind google"]
        ),
        Case(
            name: "integer expected",
            yaml: "server:\n  port: eighty\n",
            expected: ["server.port: expected an integer, found a string ('eighty')"]
        ),
        Case(
            name: "integer out of range",
            yaml: "server:\n  port: 70000\n",
            expected: ["server.port: must be between 0 and 65535, not 70000"]
        ),
        Case(
            name: "boolean expected",
            yaml: Fixtures.target("acknowledgeNameCollision: sure"),
            expected: ["targets[0].acknowledgeNameCollision: expected true or false, found a string ('sure')"]
        ),
        Case(
            name: "list expected",
            yaml: "channels: pingone\n",
            expected: ["channels: expected a list of channels"]
        ),
        Case(
            name: "mapping expected",
            yaml: "server: 8080\n",
            expected: ["server: expected a mapping"]
        ),
        Case(
            name: "unknown kind",
            yaml: Fixtures.target("", kind: "githubemu"),
            expected: [
                "targets[0].kind: must be one of scim, github-emu, slack, google, salesforce, msgraph, not 'githubemu' (did you mean 'github-emu'?)"
            ]
        ),
        Case(
            name: "unknown collision policy",
            yaml: Fixtures.target("onNameCollision: adopt"),
            expected: ["targets[0].onNameCollision: must be one of fail, merge, overwrite, not 'adopt'"]
        ),
        Case(
            name: "merge without acknowledgement",
            yaml: Fixtures.target("onNameCollision: merge"),
            expected: [
                "targets[0].acknowledgeNameCollision: onNameCollision is merge, which adopts an existing group",
                "keeping everyone already there", "set acknowledgeNameCollision: true",
            ]
        ),
        Case(
            name: "overwrite acknowledged false",
            yaml: Fixtures.target("onNameCollision: overwrite\nacknowledgeNameCollision: false"),
            expected: [
                "targets[0].acknowledgeNameCollision: onNameCollision is overwrite",
                "makes its members exactly the source's",
            ]
        ),
        Case(
            name: "channel names an unknown target",
            yaml: Fixtures.target("") + "\nchannels:\n  - name: pingone\n    targets: [t, tt, nothere]\n",
            expected: [
                "channels[0].targets[1]: no target named 'tt' (did you mean 't'?); targets are: t",
                "channels[0].targets[2]: no target named 'nothere'",
            ]
        ),
        Case(
            name: "channel lists a target twice",
            yaml: Fixtures.target("") + "\nchannels:\n  - name: pingone\n    targets: [t, t]\n",
            expected: ["channels[0].targets[1]: target 't' is listed twice"]
        ),
        Case(
            name: "duplicate channel names",
            yaml: "channels:\n  - name: a\n  - name: b\n  - name: a\n",
            expected: ["channels[2].name: duplicate channel name 'a' (also channels[0])"]
        ),
        Case(
            name: "duplicate target names",
            yaml: Fixtures.target("") + "\n  - name: t\n    kind: slack\n    auth: { bearer: env:ACME_TOKEN }\n",
            expected: ["targets[1].name: duplicate target name 't' (also targets[0])"]
        ),
        Case(
            name: "invalid channel name",
            yaml: "channels:\n  - name: Ping One\n",
            expected: ["channels[0].name: 'Ping One' is not a valid channel name"]
        ),
        Case(
            name: "channel name starting with a dash",
            yaml: "channels:\n  - name: -x\n",
            expected: ["channels[0].name: '-x' is not a valid channel name"]
        ),
        Case(
            name: "channel name too long",
            yaml: "channels:\n  - name: \(String(repeating: "a", count: 65))\n",
            expected: ["channels[0].name: '\(String(repeating: "a", count: 65))' is not a valid channel name"]
        ),
        Case(
            name: "invalid target name",
            yaml: Fixtures.target("").replacingFirst("name: t", with: "name: T/1"),
            expected: ["targets[0].name: 'T/1' is not a valid target name"]
        ),
        Case(
            name: "relative baseURL",
            yaml: Fixtures.target("").replacingFirst("https://scim.example.com/scim/v2", with: "scim.example.com/v2"),
            expected: ["targets[0].baseURL: must be an absolute http:// or https:// URL with a host"]
        ),
        Case(
            name: "baseURL with a query",
            yaml: Fixtures.target("").replacingFirst("/scim/v2", with: "/scim/v2?x=1"),
            expected: ["targets[0].baseURL: must not have a query"]
        ),
        Case(
            name: "missing baseURL where the kind has no default",
            yaml: "targets:\n  - name: gh\n    kind: github-emu\n    auth: { bearer: env:ACME_TOKEN }\n",
            expected: ["targets[0].baseURL: missing required key (kind github-emu has no default base URL)"]
        ),
        Case(
            name: "missing auth",
            yaml: "targets:\n  - name: s\n    kind: slack\n",
            expected: ["targets[0].auth: missing required key"]
        ),
        Case(
            name: "missing name and kind",
            yaml: "targets:\n  - baseURL: https://x.example.com\n",
            expected: ["targets[0].name: missing required key", "targets[0].kind: missing required key"]
        ),
        Case(
            name: "invalid duration",
            yaml: Fixtures.target("reconcileEvery: 15 minutes"),
            expected: ["targets[0].reconcileEvery: '15 minutes' is not a duration"]
        ),
        Case(
            name: "duration without a unit",
            yaml: Fixtures.target("timeout: 30"),
            expected: ["targets[0].timeout: '30' is not a duration", "a duration needs a unit: 30s"]
        ),
        Case(
            name: "duration out of range",
            yaml: Fixtures.target("reconcileEvery: 1s"),
            expected: ["targets[0].reconcileEvery: must be between 10s and 7d, not 1s"]
        ),
        Case(
            name: "remove action the vendor lacks",
            yaml:
                "targets:\n  - name: s\n    kind: slack\n    auth: { bearer: env:ACME_TOKEN }\n    removeAction: delete\n",
            expected: ["targets[0].removeAction: kind slack cannot delete users; use disable"]
        ),
        Case(
            name: "auth form the kind does not take",
            yaml: "targets:\n  - name: s\n    kind: slack\n    auth: { username: u, password: env:ACME_TOKEN }\n",
            expected: ["targets[0].auth: kind slack does not take basic authentication; write { bearer: env:NAME }"]
        ),
        Case(
            name: "unrecognisable auth",
            yaml: Fixtures.target("", auth: "{ token: env:ACME_TOKEN }"),
            expected: ["targets[0].auth: cannot tell the kind of authentication; kind scim takes { bearer: env:NAME }"]
        ),
        Case(
            name: "google without domain",
            yaml:
                "targets:\n  - name: g\n    kind: google\n    auth: { serviceAccountKey: env:ACME_TOKEN, subject: a@example.com }\n",
            expected: ["targets[0].domain: missing required key"]
        ),
        Case(
            name: "bad salesforce apiVersion",
            yaml: Fixtures.designSketch.replacingFirst("apiVersion: \"62.0\"", with: "apiVersion: v62"),
            expected: ["targets[3].apiVersion: must be MAJOR.MINOR such as \"62.0\", not 'v62'"]
        ),
        Case(
            name: "salesforce workforce users without a profile",
            yaml: Fixtures.designSketch.replacingFirst("\n    profileId: 00e000000000001AAA", with: ""),
            expected: [
                "targets[3].profileId: required: the Profile id new users get (or set communities for portal users)"
            ]
        ),
        Case(
            name: "unknown salesforce deprovisioning",
            yaml: Fixtures.designSketch.replacingFirst(
                "profileId: 00e000000000001AAA",
                with: "profileId: 00e000000000001AAA\n    deprovisioning: delete"
            ),
            expected: ["targets[3].deprovisioning: must be one of deactivate, freeze"]
        ),
        Case(
            name: "defaultPageSize above maxResults",
            yaml: "server:\n  limits: { maxResults: 10, defaultPageSize: 20 }\n",
            expected: ["server.limits.defaultPageSize: must not exceed maxResults (10), is 20"]
        ),
        Case(
            name: "YAML syntax error",
            yaml: "targets:\n  - name: [unclosed\n",
            expected: ["not valid YAML"]
        ),
        Case(
            name: "duplicate key",
            yaml: "server:\n  port: 1\n  port: 2\n",
            expected: ["duplicate key 'port'"]
        ),
    ]

    @Test(arguments: cases) func messageNamesTheKey(_ c: Case) {
        let text = Fixtures.errorText(c.yaml)
        for expected in c.expected {
            #expect(text.contains(expected), "\(c.name): \(text)")
        }
    }

    @Test func allProblemsAreReportedTogetherOnePerLineInFileOrder() throws {
        let yaml = """
            server:
              port: -1
            channels:
              - name: pingone
                targets: [nothere]
            targets:
              - name: t
                kind: scim
                baseURL: https://scim.example.com
                auth: { bearer: env:ACME_TOKEN }
                rateLimt: {}
                onNameCollision: overwrite
            """
        do {
            _ = try Fixtures.load(yaml)
            Issue.record("expected a configuration error")
        } catch {
            #expect(
                error.problems.map(\.path) == [
                    "server.port", "channels[0].targets[0]", "targets[0].rateLimt",
                    "targets[0].acknowledgeNameCollision",
                ]
            )
            #expect(error.problems.map(\.line) == [2, 5, 11, 12])
            let lines = error.description.split(separator: "\n")
            #expect(lines.count == 4)
            #expect(lines[0] == "line 2: server.port: must be between 0 and 65535, not -1")
        }
    }

    @Test func fileErrorsStartWithThePath() throws {
        let path = "/tmp/bridgeconfig-test-\(Int.random(in: 0..<1_000_000_000)).yaml"
        try "server:\n  prot: 1\n".write(toFile: path)
        defer { removeFile(path) }
        #expect {
            try ConfigurationLoader.load(file: path, environment: [:], readFile: Fixtures.readFile)
        } throws: { error in
            (error as? ConfigurationError)?.description == "\(path):2: server.prot: unknown key (did you mean 'port'?)"
        }
    }

    @Test func unreadableFileIsNamed() {
        let path = "/nonexistent/scim-bridge.yaml"
        #expect {
            try ConfigurationLoader.load(file: path)
        } throws: { error in
            (error as? ConfigurationError)?.description == "\(path): cannot read the configuration file: no such file"
        }
    }
}

extension String {
    func replacingFirst(_ target: String, with replacement: String) -> String {
        guard let range = range(of: target) else { return self }
        return replacingCharacters(in: range, with: replacement)
    }
}
