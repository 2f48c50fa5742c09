import AsyncHTTPClient
import Emulators
import Foundation
import NIOCore
import NIOHTTP1
import SCIM
import Synchronization
import TestSupport
import Testing

/// `scim-bridge serve` as a real process, killed with SIGKILL in the middle of an IdP push and
/// restarted: no acknowledged change and no outbox entry is lost, and the target converges.
@Suite("Crash safety of the real process")
struct CrashRecoveryTests {
    /// The built `scim-bridge` executable, next to the test bundle.
    static var executable: URL? {
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("scim-bridge")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return nil
    }

    /// Text shared between threads.
    final class Shared<T: Sendable>: Sendable {
        let value: Mutex<T>
        init(_ v: T) { value = Mutex(v) }
        func withLock<R>(_ body: (inout T) -> R) -> R { value.withLock { body(&$0) } }
    }

    /// A running `serve` process and what it printed.
    final class BridgeProcess: Sendable {
        let process: ChildProcess
        let output = Shared("")
        let errors = Shared("")

        init(
            executable: URL,
            config: URL?,
            dataDir: URL,
            extraArguments: [String] = [],
            logLevel: String? = "notice",
            environment: [String: String] = [:]
        ) throws {
            var env = ProcessInfo.processInfo.environment.merging(environment) { $1 }
            env["ACME_TOKEN"] = SCIMEmulator.defaultToken
            process = try ChildProcess(
                executable: executable,
                arguments: (config.map { ["serve", "--config", $0.path] } ?? ["serve"])
                    + ["--data-dir", dataDir.path, "--port", "0"] + (logLevel.map { ["--log-level", $0] } ?? [])
                    + extraArguments,
                environment: env
            )
            process.output.readabilityHandler = { [output] h in
                let data = h.availableData
                if data.isEmpty { h.readabilityHandler = nil }
                output.withLock { $0 += String(decoding: data, as: UTF8.self) }
            }
            process.errors.readabilityHandler = { [errors] h in
                let data = h.availableData
                if data.isEmpty { h.readabilityHandler = nil }
                errors.withLock { $0 += String(decoding: data, as: UTF8.self) }
            }
        }

        /// The port from the "listening" log line (text on standard error, or JSON on standard
        /// output), once it appears.
        func port() async throws -> Int {
            for _ in 0..<600 {
                let text = errors.withLock { $0 } + output.withLock { $0 }
                if let r = text.range(of: "url=http://127.0.0.1:") ?? text.range(of: #""url":"http://127.0.0.1:"#) {
                    let digits = text[r.upperBound...].prefix { $0.isNumber }
                    if let port = Int(digits) { return port }
                }
                if !process.isRunning { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            throw CancellationError()
        }

        func kill9() {
            process.send(SIGKILL)
            process.waitUntilExit()
        }
    }

    /// One request to a live bridge with a channel's bearer token: status and parsed body.
    static func request(_ method: HTTPMethod, _ url: String, token: String, body: JSONValue? = nil) async throws -> (
        Int, JSONValue?
    ) {
        var r = HTTPClientRequest(url: url)
        r.method = method
        r.headers.add(name: "Authorization", value: "Bearer \(token)")
        if let body {
            r.headers.add(name: "Content-Type", value: "application/scim+json")
            r.body = .bytes(ByteBuffer(bytes: body.serializedBytes()))
        }
        let response = try await HTTPClient.shared.execute(r, timeout: .seconds(10))
        let bytes = try await response.body.collect(upTo: 1 << 20)
        return (Int(response.status.code), try? JSONParser.parse(bytes.readableBytesView))
    }

    @Test(.enabled(if: executable != nil, "the scim-bridge executable is built by `swift build` / `swift test`"))
    func sigkillMidPushLosesNothing() async throws {
        let executable = try #require(Self.executable)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
            "scim-bridge-crash-\(UUID().uuidString)"
        )
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }

        try await withRunningEmulator(SCIMEmulator()) { url, emulator in
            let config = dir.appendingPathComponent("bridge.yaml")
            try """
            channels:
              - name: pingone
                targets: [acme]
            targets:
              - name: acme
                kind: scim
                baseURL: \(url.absoluteString)
                auth: { bearer: env:ACME_TOKEN }
                rateLimit: { requestsPerMinute: 60000, burst: 1000 }
            """.write(to: config, atomically: true, encoding: .utf8)
            let data = dir.appendingPathComponent("data")

            // First life: push users concurrently and kill the process while requests are in flight.
            let first = try BridgeProcess(executable: executable, config: config, dataDir: data)
            let port1 = try await first.port()
            let token = try #require(first.output.withLock { $0 }.split(separator: "\n").first.map(String.init))
            let acknowledged = Shared<[String]>([])
            await withTaskGroup(of: Void.self) { group in
                for i in 0..<60 {
                    group.addTask {
                        let name = "crash\(i)@example.com"
                        if let (status, _) = try? await Self.request(
                            .POST,
                            "http://127.0.0.1:\(port1)/scim/v2/pingone/Users",
                            token: token,
                            body: Bodies.user(name)
                        ),
                            status == 201
                        {
                            acknowledged.withLock { $0.append(name) }
                        }
                    }
                }
                group.addTask {
                    while acknowledged.withLock({ $0.count }) < 20 { try? await Task.sleep(for: .milliseconds(5)) }
                    first.kill9()
                }
            }
            let acked = acknowledged.withLock { $0 }
            #expect(acked.count >= 20)
            #expect(!first.process.isRunning)

            // Second life: same data directory, same token.
            let second = try BridgeProcess(executable: executable, config: config, dataDir: data)
            defer { second.process.terminate(); second.process.waitUntilExit() }
            let port2 = try await second.port()
            let base = "http://127.0.0.1:\(port2)/scim/v2/pingone"
            let (_, list) = try await Self.request(.GET, "\(base)/Users?count=1000", token: token)
            let stored = Set(list?["Resources"]?.arrayValue?.compactMap { $0["userName"]?.stringValue } ?? [])
            // Every acknowledged create survived the kill.
            #expect(Set(acked).isSubset(of: stored), "lost: \(Set(acked).subtracting(stored))")

            // The outbox resumes: the target converges to everything the bridge holds.
            // Waits while the target keeps gaining users; gives up after 30 s without progress.
            var onTarget = Set<String>()
            var lastProgress = ContinuousClock.now
            while ContinuousClock.now - lastProgress < .seconds(30) {
                let now = Set(emulator.state().users.compactMap { $0["userName"]?.stringValue })
                if now.count > onTarget.count { lastProgress = ContinuousClock.now }
                onTarget = now
                if onTarget == stored { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(onTarget == stored)
        }
    }
}
