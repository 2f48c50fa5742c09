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
            #expect(emulator.requests.allSatisfy { $0.traceParent == nil }, "tracing is off: nothing is propagated")
            let (status, _) = try await ServeProcessTests.request(
                .GET,
                "\(base)/admin/status",
                token: Self.secrets.admin
            )
            #expect(status == 200)
            let (scraped, _) = try await ServeProcessTests.request(.GET, "\(base)/metrics", token: Self.secrets.metrics)
            #expect(scraped == 200)
            try await Task.sleep(for: .milliseconds(300))
            bridge.process.terminate()
            _ = await bridge.process.exit()

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

    /// SIGTERM while an inbound request is still arriving and a target call is in flight: serve stops
    /// accepting, both finish, it exits, and the change that came in last is delivered after a restart.
    @Test(.enabled(if: executable != nil, "the scim-bridge executable is built by `swift build` / `swift test`"))
    func sigtermLetsRequestsAndTargetCallsInFlightFinishAndLosesNothing() async throws {
        let scratch = try ServeProcessTests.Scratch()
        defer { scratch.cleanUp() }
        let emulator = GitHubEMUEmulator(configuration: .init(enterprise: "acme"))
        emulator.setFaults(
            FaultPlan(rules: [.init(method: "POST", pathPrefix: "/Users", count: 1, fault: .delay(milliseconds: 3000))])
        )
        try await withRunningEmulator(emulator) { url, emulator in
            try scratch.configure(
                channel: ["github"],
                [.init(name: "github", kind: "github-emu", url: url, token: GitHubEMUEmulator.defaultToken)]
            )
            var yaml = try String(contentsOf: scratch.config, encoding: .utf8)
            yaml = "server: { shutdownGrace: 20s }\n" + yaml
            try scratch.write("bridge.yaml", yaml)
            let bridge = try CrashRecoveryTests.BridgeProcess(
                executable: try #require(Self.executable),
                config: scratch.config,
                dataDir: scratch.data
            )
            let base = "http://127.0.0.1:\(try await bridge.port())/scim/v2/pingone"
            let token = try await ServeProcessTests.token(of: bridge)

            // Alice's creation reaches GitHub, which takes 3 s to answer.
            let (created, _) = try await ServeProcessTests.request(
                .POST,
                "\(base)/Users",
                token: token,
                body: GitHubEMUHarness.user("alice")
            )
            #expect(created == 201)
            // Bob's request is half sent when SIGTERM comes.
            let body = GitHubEMUHarness.user("bob").serializedBytes()
            let (chunks, feed) = AsyncStream<ByteBuffer>.makeStream()
            var request = HTTPClientRequest(url: "\(base)/Users")
            request.method = .POST
            request.headers.add(name: "Authorization", value: "Bearer \(token)")
            request.headers.add(name: "Content-Type", value: "application/scim+json")
            request.body = .stream(chunks, length: .known(Int64(body.count)))
            let bob = Task { try await HTTPClient.shared.execute(request, timeout: .seconds(30)).status.code }
            feed.yield(ByteBuffer(bytes: body.prefix(body.count / 2)))
            // SIGTERM once GitHub holds Alice's creation (its answer is 3 s away).
            #expect(
                try await ServeProcessTests.eventually(within: .seconds(20)) {
                    emulator.state().counters.faultsInjected == 1
                }
            )
            try await Task.sleep(for: .milliseconds(300))
            bridge.process.terminate()
            try await Task.sleep(for: .milliseconds(700))
            feed.yield(ByteBuffer(bytes: body.dropFirst(body.count / 2)))
            feed.finish()
            #expect(try await bob.value == 201, "the request in flight completed")
            // Polled, not blocking: the bridge waits for the emulator this process serves.
            let exit = await bridge.process.exit()
            #expect(exit == 0, "\(bridge.errors.withLock { $0 })")
            #expect(emulator.state().user(named: "alice@example.com") != nil, "the target call in flight completed")

            let status = try ServeProcessTests.run([
                "status", "--config", scratch.config.path, "--data-dir", scratch.data.path,
            ])
            #expect(status.output.contains("outbox: pending 1, delivered 1"), "\(status.output)")

            let again = try CrashRecoveryTests.BridgeProcess(
                executable: try #require(Self.executable),
                config: scratch.config,
                dataDir: scratch.data
            )
            defer { ServeProcessTests.stop(again) }
            _ = try await again.port()
            #expect(
                try await ServeProcessTests.eventually(within: .seconds(20)) {
                    emulator.state().user(named: "bob@example.com") != nil
                },
                "the change that came in last is delivered after the restart"
            )
        }
    }

    static let prometheus = URL(fileURLWithPath: "/usr/bin/prometheus")

    /// A real Prometheus (Debian's package, which `.ci/run` installs) scrapes a serve every second
    /// during a push, and answers PromQL for the inbound, target-call, outbox and store series.
    @Test(
        .enabled(if: executable != nil, "the scim-bridge executable is built by `swift build` / `swift test`"),
        .enabled(
            if: FileManager.default.isExecutableFile(atPath: prometheus.path),
            "Prometheus is installed by .ci/run (apt-get install prometheus)"
        )
    )
    func aRealPrometheusScrapesTheBridgeDuringAPush() async throws {
        let scratch = try ServeProcessTests.Scratch()
        defer { scratch.cleanUp() }
        try await withRunningEmulator(GitHubEMUEmulator(configuration: .init(enterprise: "acme"))) { url, emulator in
            try scratch.configure(
                channel: ["github"],
                [.init(name: "github", kind: "github-emu", url: url, token: GitHubEMUEmulator.defaultToken)]
            )
            let bridge = try CrashRecoveryTests.BridgeProcess(
                executable: try #require(Self.executable),
                config: scratch.config,
                dataDir: scratch.data
            )
            defer { ServeProcessTests.stop(bridge) }
            let bridgePort = try await bridge.port()
            let token = try await ServeProcessTests.token(of: bridge)

            let promPort = try Self.freePort()
            let config = try scratch.write(
                "prometheus.yml",
                """
                global: { scrape_interval: 1s, evaluation_interval: 1s }
                scrape_configs:
                  - job_name: scim-bridge
                    static_configs: [{ targets: ["127.0.0.1:\(bridgePort)"] }]

                """
            )
            let prometheus = try ChildProcess(
                executable: Self.prometheus,
                arguments: [
                    "--config.file=\(config)", "--storage.tsdb.path=\(scratch.dir.appendingPathComponent("tsdb").path)",
                    "--web.listen-address=127.0.0.1:\(promPort)",
                ],
                environment: ProcessInfo.processInfo.environment,
                mergeErrors: true
            )
            prometheus.output.readabilityHandler = { h in if h.availableData.isEmpty { h.readabilityHandler = nil } }
            defer {
                prometheus.terminate()
                _ = prometheus.waitUntilExit()
            }

            let base = "http://127.0.0.1:\(bridgePort)/scim/v2/pingone"
            var ids: [String] = []
            for name in ["alice", "bob", "carol"] {
                let (_, body) = try await ServeProcessTests.request(
                    .POST,
                    "\(base)/Users",
                    token: token,
                    body: GitHubEMUHarness.user(name)
                )
                ids.append(try #require(body?["id"]?.stringValue))
            }
            _ = try await ServeProcessTests.request(
                .POST,
                "\(base)/Groups",
                token: token,
                body: Bodies.group("Engineering", members: ids)
            )
            #expect(try await ServeProcessTests.eventually(within: .seconds(20)) { emulator.state().groups.count == 1 })

            let queries = [
                #"up{job="scim-bridge"} == 1"#,
                #"sum(http_server_request_duration_seconds_count{scim_channel="pingone",http_route="/scim/v2/{channel}/Users",http_request_method="POST",http_response_status_code="201"}) >= 3"#,
                #"histogram_quantile(0.99, sum by (le) (rate(http_server_request_duration_seconds_bucket[1m]))) >= 0"#,
                #"sum(scim_bridge_target_request_duration_seconds_count{target="github",outcome="success",operation="POST Groups"}) >= 1"#,
                #"scim_bridge_outbox_pending{target="github"} == 0"#,
                #"scim_bridge_outbox_oldest_pending_age_seconds{target="github"} >= 0"#,
                #"scim_bridge_blocked_groups{target="github"} == 0"#,
                #"scim_bridge_store_size_bytes > 0"#,
            ]
            for query in queries {
                let answered = try await ServeProcessTests.eventually(within: .seconds(30)) {
                    try await Self.promQL(query, port: promPort) > 0
                }
                #expect(answered, "no result for \(query)")
            }
        }
    }

    /// How many series PromQL `query` returns from the Prometheus at `port`.
    static func promQL(_ query: String, port: Int) async throws -> Int {
        var components = URLComponents(string: "http://127.0.0.1:\(port)/api/v1/query")!
        components.queryItems = [URLQueryItem(name: "query", value: query)]
        var request = HTTPClientRequest(url: components.url!.absoluteString)
        request.method = .GET
        guard let response = try? await HTTPClient.shared.execute(request, timeout: .seconds(5)) else { return 0 }
        let bytes = try await response.body.collect(upTo: 1 << 20)
        let json = try? JSONParser.parse(bytes.readableBytesView)
        return json?["data"]?["result"]?.arrayValue?.count ?? 0
    }

    /// A port nothing listens on now (the kernel's pick for a socket bound to port 0).
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        guard bound else { throw CancellationError() }
        return Int(UInt16(bigEndian: address.sin_port))
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
