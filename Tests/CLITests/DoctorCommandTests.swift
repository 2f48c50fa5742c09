import Dispatch
import Emulators
import Foundation
import TestSupport
import Testing

/// `scim-bridge doctor`, run as a process against the SCIM emulator on loopback.
@Suite("doctor")
struct DoctorCommandTests {
    struct Outcome {
        var status: Int32
        var output: String
    }

    /// Runs `scim-bridge doctor` on a one-target configuration and returns its exit status and output.
    func doctor(
        baseURL: String,
        token: String,
        kind: String = "scim",
        auth: String = "{ bearer: env:ACME_TOKEN }",
        extra: String = ""
    )
        async throws -> Outcome
    {
        let executable = try #require(CrashRecoveryTests.executable)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
            "scim-bridge-doctor-\(UUID().uuidString)"
        )
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let config = dir.appendingPathComponent("bridge.yaml")
        try """
        targets:
          - name: acme
            kind: \(kind)
            baseURL: \(baseURL)
            auth: \(auth)
            timeout: 30s
        \(extra)
        """.write(to: config, atomically: true, encoding: .utf8)
        var env = ProcessInfo.processInfo.environment
        env["ACME_TOKEN"] = token
        let child = try ChildProcess(
            executable: executable,
            arguments: ["doctor", "--config", config.path, "--target", "acme"],
            environment: env,
            mergeErrors: true
        )
        // Read and wait on threads of their own: blocking a cooperative thread would starve the
        // in-process emulator.
        let data = await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: child.output.readDataToEndOfFile()) }
        }
        let status = await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: child.waitUntilExit()) }
        }
        return Outcome(status: status, output: String(decoding: data, as: UTF8.self))
    }

    @Test(
        .enabled(
            if: CrashRecoveryTests.executable != nil,
            "the scim-bridge executable is built by `swift build` / `swift test`"
        )
    )
    func reportsEachFailureClearly() async throws {
        try await withRunningEmulator(SCIMEmulator()) { url, _ in
            let good = try await doctor(baseURL: url.absoluteString, token: SCIMEmulator.defaultToken)
            #expect(good.status == 0, "\(good.output)")
            #expect(good.output.contains("accepted the credentials"))

            let badToken = try await doctor(baseURL: url.absoluteString, token: "not-the-token")
            #expect(badToken.status != 0)
            #expect(badToken.output.contains("targets[0].auth"))
            #expect(badToken.output.contains("401"))
            #expect(!badToken.output.contains("not-the-token"))

            let wrongURL = try await doctor(baseURL: url.absoluteString + "/wrong", token: SCIMEmulator.defaultToken)
            #expect(wrongURL.status != 0)
            #expect(wrongURL.output.contains("targets[0].baseURL"))
            #expect(wrongURL.output.contains("404"))
        }
        // Nothing listens on port 9 (discard) on loopback: a network failure.
        let down = try await doctor(baseURL: "http://127.0.0.1:9/scim/v2", token: "t")
        #expect(down.status != 0)
        #expect(down.output.contains("cannot reach"))
    }

    @Test(
        .enabled(
            if: CrashRecoveryTests.executable != nil,
            "the scim-bridge executable is built by `swift build` / `swift test`"
        )
    )
    func explainsGitHubAndSlackFailuresInTheirTerms() async throws {
        try await withRunningEmulator(GitHubEMUEmulator()) { url, _ in
            let wrongSlug = url.absoluteString.replacingOccurrences(of: "/enterprises/acme", with: "/enterprises/acne")
            let slug = try await doctor(baseURL: wrongSlug, token: GitHubEMUEmulator.defaultToken, kind: "github-emu")
            #expect(slug.status != 0)
            #expect(slug.output.contains("enterprise slug"))
            let token = try await doctor(baseURL: url.absoluteString, token: "ghp_wrong", kind: "github-emu")
            #expect(token.status != 0)
            #expect(token.output.contains("scim:enterprise"))
            let good = try await doctor(
                baseURL: url.absoluteString,
                token: GitHubEMUEmulator.defaultToken,
                kind: "github-emu"
            )
            #expect(good.status == 0, "\(good.output)")
        }
        try await withRunningEmulator(SlackEmulator()) { url, _ in
            let token = try await doctor(baseURL: url.absoluteString, token: "xoxp-wrong", kind: "slack")
            #expect(token.status != 0)
            #expect(token.output.contains("admin scope"))
        }
    }

    /// Google: the key file is read, the signed assertion accepted by the token endpoint, the API reached.
    @Test(
        .enabled(
            if: CrashRecoveryTests.executable != nil,
            "the scim-bridge executable is built by `swift build` / `swift test`"
        )
    )
    func checksGoogleKeyAssertionAndAPI() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
            "scim-bridge-doctor-google-\(UUID().uuidString)"
        )
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let emulator = try GoogleEmulator(configuration: .init(publicKeyPEM: GoogleTestKeys.publicKeyPEM))
        try await withRunningEmulator(emulator) { url, emulator in
            let keyFile = dir.appendingPathComponent("key.json")
            try GoogleTestKeys.keyFile(tokenURI: emulator.tokenURL).write(
                to: keyFile,
                atomically: true,
                encoding: .utf8
            )
            func google(key: String, tokenURL: String) async throws -> Outcome {
                try await doctor(
                    baseURL: url.absoluteString,
                    token: "",
                    kind: "google",
                    auth:
                        "{ serviceAccountKey: \"file:\(key)\", subject: admin@example.com, tokenURL: \"\(tokenURL)\" }",
                    extra: "    domain: example.com"
                )
            }
            let good = try await google(key: keyFile.path, tokenURL: emulator.tokenURL)
            #expect(good.status == 0, "\(good.output)")
            #expect(good.output.contains("accepted the credentials"))

            let missing = try await google(
                key: dir.appendingPathComponent("nope.json").path,
                tokenURL: emulator.tokenURL
            )
            #expect(missing.status != 0)
            #expect(missing.output.contains("serviceAccountKey"))

            // A token endpoint that refuses the assertion (its audience is another URL).
            let refused = try await google(key: keyFile.path, tokenURL: emulator.tokenURL + "?other")
            #expect(refused.status != 0)
            #expect(refused.output.contains("targets[0]"))
        }
    }

    /// Salesforce: the private key is read, the JWT bearer assertion accepted, the REST API reached.
    @Test(
        .enabled(
            if: CrashRecoveryTests.executable != nil,
            "the scim-bridge executable is built by `swift build` / `swift test`"
        )
    )
    func checksSalesforceAssertionAndAPI() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
            "scim-bridge-doctor-sf-\(UUID().uuidString)"
        )
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let key = dir.appendingPathComponent("salesforce.key")
        try SalesforceTestKeys.privateKeyPEM.write(to: key, atomically: true, encoding: .utf8)
        let emulator = try SalesforceEmulator(configuration: .init(publicKeyPEM: SalesforceTestKeys.publicKeyPEM))
        try await withRunningEmulator(emulator) { url, emulator in
            func salesforce(clientID: String) async throws -> Outcome {
                try await doctor(
                    baseURL: url.absoluteString,
                    token: "",
                    kind: "salesforce",
                    auth:
                        "{ clientId: \"inline:\(clientID)\", username: integration@example.com, privateKey: \"file:\(key.path)\", tokenURL: \"\(emulator.tokenURL)\", audience: \"https://login.salesforce.com\" }",
                    extra: "    profileId: \(SalesforceEmulator.standardProfileID)"
                )
            }
            let good = try await salesforce(clientID: SalesforceEmulator.defaultClientID)
            #expect(good.status == 0, "\(good.output)")
            #expect(good.output.contains("accepted the credentials"))
            let unknownApp = try await salesforce(clientID: "3MVG9not.our.app")
            #expect(unknownApp.status != 0)
            #expect(unknownApp.output.contains("targets[0]"))
        }
    }

    /// Microsoft Graph: a token from the identity platform (secret or certificate), the application
    /// permissions in its roles claim, the tenant reached; each failure in the app registration's terms.
    @Test(
        .enabled(
            if: CrashRecoveryTests.executable != nil,
            "the scim-bridge executable is built by `swift build` / `swift test`"
        )
    )
    func checksGraphTokenPermissionsAndTenant() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
            "scim-bridge-doctor-graph-\(UUID().uuidString)"
        )
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let certificate = dir.appendingPathComponent("graph.crt")
        let key = dir.appendingPathComponent("graph.key")
        try MSGraphTestKeys.certificatePEM.write(to: certificate, atomically: true, encoding: .utf8)
        try MSGraphTestKeys.privateKeyPEM.write(to: key, atomically: true, encoding: .utf8)
        var configuration = MSGraphEmulator.Configuration(
            clientSecret: "the-secret",
            certificatePEM: MSGraphTestKeys.certificatePEM,
            roles: ["User.ReadWrite.All", "Group.ReadWrite.All"]
        )
        for roles in [configuration.roles, ["User.ReadWrite.All", "GroupMember.ReadWrite.All"]] {
            configuration.roles = roles
            try await withRunningEmulator(try MSGraphEmulator(configuration: configuration)) { _, emulator in
                func graph(_ proof: String) async throws -> Outcome {
                    try await doctor(
                        baseURL: emulator.graphURL,
                        token: "",
                        kind: "msgraph",
                        auth:
                            "{ clientId: \"inline:\(emulator.configuration.clientID)\", \(proof), tokenURL: \"\(emulator.tokenURL)\" }"
                    )
                }
                let secret = try await graph("clientSecret: \"inline:the-secret\"")
                let viaCertificate = try await graph(
                    "certificate: \"file:\(certificate.path)\", privateKey: \"file:\(key.path)\""
                )
                if roles.contains("Group.ReadWrite.All") {
                    for good in [secret, viaCertificate] {
                        #expect(good.status == 0, "\(good.output)")
                        #expect(good.output.contains("issued an access token"))
                        #expect(
                            good.output.contains("application permissions: Group.ReadWrite.All, User.ReadWrite.All")
                        )
                        #expect(good.output.contains("accepted the credentials"))
                    }
                    let wrong = try await graph("clientSecret: \"inline:not-the-secret\"")
                    #expect(wrong.status != 0)
                    #expect(wrong.output.contains("targets[0].auth") && wrong.output.contains("AADSTS7000215"))
                    #expect(wrong.output.contains("Certificates & secrets"))
                    #expect(!wrong.output.contains("not-the-secret"))
                } else {
                    // Members may be written, groups not: the missing permission is named.
                    #expect(secret.status != 0)
                    #expect(secret.output.contains("Group.ReadWrite.All (to create, rename and delete groups)"))
                    #expect(!secret.output.contains("GroupMember.ReadWrite.All (to"))
                    #expect(secret.output.contains("admin consent"))
                }
            }
        }
    }
}
