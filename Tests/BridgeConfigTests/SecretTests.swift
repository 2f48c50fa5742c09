import BridgeConfig
import Testing

@Suite struct SecretTests {
    let value = Fixtures.tokenValue

    @Test func parsesTheThreeForms() {
        #expect(Secret(reference: "env:ACME_TOKEN") == Secret(.environment("ACME_TOKEN")))
        #expect(Secret(reference: "file:/run/secrets/token") == Secret(.file("/run/secrets/token")))
        #expect(Secret(reference: "inline:abc:def") == Secret(.inline("abc:def")))
    }

    @Test(arguments: ["", "ACME_TOKEN", "env:", "env:1ABC", "env:A-B", "file:", "inline:", "ENV:X", "vault:x"])
    func refusesOtherText(_ text: String) {
        #expect(Secret(reference: text) == nil)
    }

    @Test func resolvesFromTheInjectedEnvironment() throws {
        let secret = Secret(.environment("ACME_TOKEN"))
        #expect(try secret.resolve(environment: ["ACME_TOKEN": value], readFile: Fixtures.readFile) == value)
    }

    @Test func resolvesFromTheInjectedReaderDroppingTrailingLineBreaks() throws {
        let secret = Secret(.file("/run/token"))
        let read = try secret.resolve(
            environment: [:],
            readFile: { path in
                #expect(path == "/run/token")
                return value + "\r\n\n"
            }
        )
        #expect(read == value)
    }

    @Test func resolvesInline() throws {
        #expect(try Secret(.inline(value)).resolve(environment: [:], readFile: Fixtures.readFile) == value)
    }

    @Test func unsetVariableNamesTheReference() {
        #expect(
            throws: Secret.ResolutionError(reference: "env:NOPE", reason: "the environment variable NOPE is not set")
        ) {
            try Secret(.environment("NOPE")).resolve(environment: [:], readFile: Fixtures.readFile)
        }
    }

    @Test func emptyVariableIsAnError() {
        #expect(throws: Secret.ResolutionError(reference: "env:E", reason: "the environment variable E is empty")) {
            try Secret(.environment("E")).resolve(environment: ["E": ""], readFile: Fixtures.readFile)
        }
    }

    @Test func unreadableFileNamesThePath() {
        #expect(throws: Secret.ResolutionError(reference: "file:/nope", reason: "cannot read /nope: no such file")) {
            try Secret(.file("/nope")).resolve(environment: [:], readFile: Fixtures.readFile)
        }
    }

    @Test func defaultReaderReadsTheDisk() throws {
        let path = "/tmp/bridgeconfig-secret-\(Int.random(in: 0..<1_000_000_000))"
        try (value + "\n").write(toFile: path)
        defer { removeFile(path) }
        #expect(try Secret(.file(path)).resolve(environment: [:]) == value)
        #expect(
            throws: Secret.ResolutionError(
                reference: "file:\(path).missing",
                reason: "cannot read \(path).missing: no such file"
            )
        ) {
            try Secret(.file(path + ".missing")).resolve(environment: [:])
        }
    }

    @Test func descriptionsShowTheReferenceOnly() {
        #expect(String(describing: Secret(.environment("ACME_TOKEN"))) == "Secret(env:ACME_TOKEN)")
        #expect(String(describing: Secret(.file("/path"))) == "Secret(file:/path)")
        let inline = Secret(.inline(value))
        #expect(String(describing: inline) == "Secret(inline, redacted)")
        #expect(String(reflecting: inline) == "Secret(inline, redacted)")
        var dumped = ""
        dump(inline, to: &dumped)
        #expect(!dumped.contains(value))
        #expect("\([inline])" == "[Secret(inline, redacted)]")
    }
}
