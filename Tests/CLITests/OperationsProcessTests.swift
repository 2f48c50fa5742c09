import AsyncHTTPClient
import Emulators
import Foundation
import NIOCore
import NIOHTTP1
import SCIM
import TestSupport
import Testing

/// A real `serve` seen as an operator sees it: its JSON log on standard output, and the known
/// secrets of the run nowhere in what it printed.
@Suite("serve as operators see it", .serialized)
struct OperationsProcessTests {
    static var executable: URL? { CrashRecoveryTests.executable }

    static let secrets = (
        target: GitHubEMUEmulator.defaultToken, admin: "admin-token-known-to-the-test",
        metrics: "metrics-token-known-to-the-test", password: "Pa55word-known-to-the-test"
    )

    @Test(.enabled(if: executable != nil, "the scim-bridge executable is built by `swift build` / `swift test`"))
    func theJSONLogHasRequestIdsAndNoSecret() async throws {
        let scratch = try ServeProcessTests.Scratch()
        defer { scratch.cleanUp() }
        try await withRunningEmulator(GitHubEMUEmulator(configuration: .init(enterprise: "acme"))) { url, emulator in
            let target = try scratch.write("github-token", Self.secrets.target)
            let admin = try scratch.write("admin-token", Self.secrets.admin)
            let metrics = try scratch.write("metrics-token", Self.secrets.metrics)
            try scratch.write(
                "bridge.yaml",
                """
                server:
                  adminToken: file:\(admin)
                  metrics: { token: file:\(metrics) }
                  log: { format: json, level: debug }
                channels:
                  - name: pingone
                    targets: [github]
                targets:
                  - name: github
                    kind: github-emu
                    baseURL: \(url.absoluteString)
                    auth: { bearer: file:\(target) }

                """
            )
            let bridge = try CrashRecoveryTests.BridgeProcess(
                executable: try #require(Self.executable),
                config: scratch.config,
                dataDir: scratch.data,
                logLevel: nil
            )
            defer { ServeProcessTests.stop(bridge) }
            let base = "http://127.0.0.1:\(try await bridge.port())"
            let token = try await Self.channelToken(of: bridge)

            var user = try #require(GitHubEMUHarness.user("alice").objectValue)
            user["password"] = .string(Self.secrets.password)
            var request = HTTPClientRequest(url: "\(base)/scim/v2/pingone/Users")
            request.method = .POST
            request.headers.add(name: "Authorization", value: "Bearer \(token)")
            request.headers.add(name: "Content-Type", value: "application/scim+json")
            request.headers.add(name: "X-Request-Id", value: "idp-request-7")
            request.body = .bytes(ByteBuffer(bytes: JSONValue.object(user).serializedBytes()))
            let answer = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
            #expect(answer.status == .created)
            #expect(answer.headers.first(name: "X-Request-Id") == "idp-request-7")
            #expect(try await ServeProcessTests.eventually(within: .seconds(20)) { emulator.state().users.count == 1 })
            let (status, _) = try await ServeProcessTests.request(
                .GET,
                "\(base)/admin/status",
                token: Self.secrets.admin
            )
            #expect(status == 200)
            let (scraped, _) = try await ServeProcessTests.request(.GET, "\(base)/metrics", token: Self.secrets.metrics)
            #expect(scraped == 200)
            try await Task.sleep(for: .milliseconds(300))
            ServeProcessTests.stop(bridge)

            let stdout = bridge.output.withLock { $0 }
            let stderr = bridge.errors.withLock { $0 }
            var objects: [JSONValue] = []
            for line in stdout.split(separator: "\n") where line != Substring(token) {
                let parsed = try? JSONParser.parse(String(line))
                #expect(parsed?["time"] != nil && parsed?["level"] != nil, "not a JSON log line: \(line)")
                if let parsed { objects.append(parsed) }
            }
            #expect(
                objects.contains { $0["requestId"] == "idp-request-7" && $0["route"] == "/scim/v2/{channel}/Users" }
            )
            #expect(objects.contains { $0["message"] == "scim-bridge listening" })
            for (name, secret) in [
                ("target token", Self.secrets.target), ("admin token", Self.secrets.admin),
                ("metrics token", Self.secrets.metrics), ("password", Self.secrets.password),
            ] {
                #expect(!stdout.contains(secret) && !stderr.contains(secret), "the \(name) reached the log")
            }
        }
    }

    /// The channel token `serve` printed alone on a line of standard output.
    static func channelToken(of bridge: CrashRecoveryTests.BridgeProcess) async throws -> String {
        for _ in 0..<100 {
            let lines = bridge.output.withLock { $0 }.split(separator: "\n")
            if let line = lines.first(where: { !$0.hasPrefix("{") }) { return String(line) }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw CancellationError()
    }
}
