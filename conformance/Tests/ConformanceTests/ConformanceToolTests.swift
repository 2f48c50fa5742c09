import Foundation
import Hummingbird
import HummingbirdTesting
import SCIM
import Server
import Store
import Synchronization
import TestSupport
import Testing

/// `scim-conformance run` as a process, over real HTTP on loopback: against scim-bridge every `rfc`
/// and `idp` check passes; against a server that answers wrongly the reports name the failing step
/// and show the exchange.
@Suite("scim-conformance run")
struct ConformanceToolTests {
    /// The built `scim-conformance` executable, next to the test bundle.
    static var executable: URL? {
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("scim-conformance")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return nil
    }

    static let scenarios = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("scenarios").path

    /// Runs the tool; its exit status and everything it printed.
    static func tool(_ arguments: [String]) async throws -> (status: Int32, output: String) {
        let exe = try #require(executable, "build scim-conformance first (swift build --build-tests)")
        let child = try ChildProcess(
            executable: exe,
            arguments: arguments,
            environment: ProcessInfo.processInfo.environment,
            mergeErrors: true
        )
        // Drained on a thread of its own, so that a long report cannot fill the pipe and stall the child.
        let text = Mutex<String?>(nil)
        Thread.detachNewThread {
            text.withLock { $0 = String(decoding: child.output.readDataToEndOfFile(), as: UTF8.self) }
        }
        let status = await child.exit()
        while text.withLock({ $0 }) == nil { try await Task.sleep(for: .milliseconds(20)) }
        return (status, text.withLock { $0 } ?? "")
    }

    static func temporaryFolder() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("scim-conformance-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    @Test func everyRFCAndIdPCheckPassesAgainstTheBridge() async throws {
        let dir = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        try await withTestBridge { bridge in
            let token = try await bridge.channel("conformance")
            try await bridge.run { client in
                let port = try #require(client.client.port)
                let result = try await Self.tool([
                    "run", "--base-url", "http://127.0.0.1:\(port)/scim/v2/conformance", "--token", token,
                    "--scenarios", Self.scenarios, "--json", dir.appendingPathComponent("r.json").path,
                    "--junit", dir.appendingPathComponent("r.xml").path,
                ])
                #expect(result.status == 0, "\(result.output)")
                let report = try JSONParser.parse(
                    String(contentsOf: dir.appendingPathComponent("r.json"), encoding: .utf8)
                )
                let cases = (report["suites"]?.arrayValue ?? []).flatMap { $0["cases"]?.arrayValue ?? [] }
                let checked = cases.filter { $0["checkClass"]?.stringValue != "bridge" }
                #expect(checked.count > 200)
                #expect(checked.allSatisfy { $0["outcome"]?.stringValue == "passed" })
                #expect(
                    cases.filter { $0["checkClass"]?.stringValue == "bridge" }.allSatisfy {
                        $0["outcome"]?.stringValue == "skipped"
                    }
                )
                #expect(report["suites"]?.arrayValue?.count == 11)
                // Each scenario deleted what it created: the channel is empty again.
                let users = try await client.get("/scim/v2/conformance/Users", token: token)
                let groups = try await client.get("/scim/v2/conformance/Groups", token: token)
                #expect(users.body?["totalResults"]?.integerValue == 0)
                #expect(groups.body?["totalResults"]?.integerValue == 0)
                #expect(result.output.contains("users and groups"))
                let junit = try String(contentsOf: dir.appendingPathComponent("r.xml"), encoding: .utf8)
                let total = checked.count + cases.count - checked.count
                let skipped = cases.count - checked.count
                try ReportRenderingTests.checkJUnit(
                    junit,
                    suites: 11,
                    tests: total,
                    failures: 0,
                    errors: 0,
                    skipped: skipped
                )
            }
        }
    }

    /// A server that answers every request with 400 and an HTML body (markup that must be escaped).
    /// `--basic USER:PASSWORD` authenticates as a channel's HTTP Basic credentials do; a wrong password
    /// fails the run at its first step with the server's 401 in the report.
    @Test func basicAuthenticationIsSentAsAChannelsCredentials() async throws {
        try await withTestBridge { bridge in
            _ = try await bridge.channel("conformance")
            let channel = try #require(try await bridge.store.channel(named: "conformance"))
            let (user, password) = try await CredentialIssuer(store: bridge.store).issueBasicCredentials(for: channel)
            try await bridge.run { client in
                let base = "http://127.0.0.1:\(try #require(client.client.port))/scim/v2/conformance"
                let common = ["run", "--base-url", base, "--scenarios", Self.scenarios, "--idp", "okta"]
                let good = try await Self.tool(common + ["--basic", "\(user):\(password)"])
                #expect(good.status == 0, "\(good.output)")
                let wrong = try await Self.tool(common + ["--basic", "\(user):not-the-password"])
                #expect(wrong.status == 1, "\(wrong.output)")
                #expect(wrong.output.contains("401"), "\(wrong.output)")
                #expect(!wrong.output.contains(password))
            }
        }
    }

    static func wrongServer() -> some ApplicationProtocol {
        struct AnswerWrongly<Context: RequestContext>: RouterMiddleware {
            func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
                async throws -> Response
            {
                Response(
                    status: .badRequest,
                    headers: [.contentType: "text/html"],
                    body: .init(byteBuffer: ByteBuffer(string: "<b>bad</b> <script>alert(1)</script>"))
                )
            }
        }
        let router = Router()
        router.add(middleware: AnswerWrongly())
        return Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
    }

    @Test func theReportsOfARunWithFailuresNameTheStepAndShowTheExchange() async throws {
        let dir = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        try await Self.wrongServer().test(.live) { client in
            let port = try #require(client.port)
            let html = dir.appendingPathComponent("r.html")
            let junit = dir.appendingPathComponent("r.xml")
            let result = try await Self.tool([
                "run", "--base-url", "http://127.0.0.1:\(port)/scim", "--token", "t0k3n-s3cret", "--idp", "pingone",
                "--scenarios", Self.scenarios, "--html", html.path, "--junit", junit.path,
            ])
            #expect(result.status == 1, "\(result.output)")
            let page = try String(contentsOf: html, encoding: .utf8)
            #expect(page.contains("pingone/connection-probes: step 1 (PingFederate&#39;s connection check"))
            #expect(page.contains("GET http://127.0.0.1:\(port)/scim/Users/0"))
            #expect(page.contains("HTTP 400"))
            #expect(page.contains("&lt;b&gt;bad&lt;/b&gt; &lt;script&gt;alert(1)&lt;/script&gt;"))
            #expect(page.contains("Why it matters"))
            #expect(!page.contains("<script>"))
            #expect(!page.contains("t0k3n-s3cret"))
            #expect(result.output.contains("FAILED pingone/connection-probes step 1"))
            let xml = try String(contentsOf: junit, encoding: .utf8)
            #expect(xml.contains("<failure "))
            #expect(!xml.contains("t0k3n-s3cret"))
        }
    }

    @Test func aRemoteServerIsRefusedAndAnUnreachableOneIsExitStatus2() async throws {
        let remote = try await Self.tool([
            "run", "--base-url", "http://scim.example.com/scim", "--scenarios", Self.scenarios,
        ])
        #expect(remote.status == 2)
        #expect(remote.output.contains("--allow-remote"))
        // Nothing listens on port 1.
        let down = try await Self.tool([
            "run", "--base-url", "http://127.0.0.1:1/scim", "--idp", "okta", "--timeout", "2", "--scenarios",
            Self.scenarios,
        ])
        #expect(down.status == 2, "\(down.output)")
    }
}
