import AsyncHTTPClient
import Emulators
import Foundation
import NIOCore
import NIOHTTP1
import SCIM
import TestSupport
import Testing

/// `server.tracing` over real sockets: an identity provider's `traceparent` is continued by the
/// inbound span, carried through the outbox, sent on to the target, and every span reaches an
/// OTLP/HTTP collector.
@Suite("serve's traces", .serialized)
struct TracingProcessTests {
    static var executable: URL? { CrashRecoveryTests.executable }

    static let traceID = "4bf92f3577b34da6a3ce929d0e0e4736"
    static let callerSpanID = "00f067aa0ba902b7"

    @Test(.enabled(if: executable != nil, "the scim-bridge executable is built by `swift build` / `swift test`"))
    func aPushIsOneTraceFromTheIdentityProviderToTheTarget() async throws {
        let scratch = try ServeProcessTests.Scratch()
        defer { scratch.cleanUp() }
        let collector = OTLPCollector()
        try await collector.run { collectorURL in
            try await withRunningEmulator(GitHubEMUEmulator(configuration: .init(enterprise: "acme"))) {
                url,
                emulator in
                let target = try scratch.write("github-token", GitHubEMUEmulator.defaultToken)
                try scratch.write(
                    "bridge.yaml",
                    """
                    server:
                      tracing: { enabled: true, endpoint: "\(collectorURL)", protocol: http/json }
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
                    logLevel: nil,
                    // Spans leave in batches; a short delay keeps the test short.
                    environment: ["OTEL_BSP_SCHEDULE_DELAY": "100"]
                )
                defer { ServeProcessTests.stop(bridge) }
                let base = "http://127.0.0.1:\(try await bridge.port())"
                let token = try await OperationsProcessTests.channelToken(of: bridge)

                var request = HTTPClientRequest(url: "\(base)/scim/v2/pingone/Users")
                request.method = .POST
                request.headers.add(name: "Authorization", value: "Bearer \(token)")
                request.headers.add(name: "Content-Type", value: "application/scim+json")
                request.headers.add(name: "traceparent", value: "00-\(Self.traceID)-\(Self.callerSpanID)-01")
                request.body = .bytes(ByteBuffer(bytes: GitHubEMUHarness.user("alice").serializedBytes()))
                let answer = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
                #expect(answer.status == .created)

                // The target's request carries the identity provider's trace.
                #expect(
                    try await ServeProcessTests.eventually(within: .seconds(20)) {
                        emulator.requests.contains { $0.method == "POST" && $0.path.hasSuffix("/Users") }
                    }
                )
                let creation = try #require(
                    emulator.requests.first { $0.method == "POST" && $0.path.hasSuffix("/Users") }
                )
                let sent = try #require(creation.traceParent, "the target got no traceparent").split(separator: "-")
                #expect(sent.count == 4 && sent[1] == Self.traceID)

                // The collector has the chain: inbound server span → delivery → client call.
                #expect(
                    try await ServeProcessTests.eventually(within: .seconds(20)) {
                        collector.spans.contains { $0.spanID == String(sent[2]) }
                    },
                    "the span of the call to the target never reached the collector"
                )
                let spans = collector.spans.filter { $0.traceID == Self.traceID }
                let inbound = try #require(spans.first { $0.parentSpanID == Self.callerSpanID })
                #expect(inbound.name == "/scim/v2/{channel}/Users")
                #expect(inbound.attributes["http.response.status_code"] == "201")
                let delivery = try #require(spans.first { $0.name == "deliver user.upserted" })
                #expect(delivery.parentSpanID == inbound.spanID)
                #expect(delivery.attributes["scim_bridge.target"] == "github")
                let call = try #require(spans.first { $0.spanID == String(sent[2]) })
                #expect(call.parentSpanID == delivery.spanID)
                #expect(call.name == "POST")
                // The log line of the request names its trace.
                let lines = bridge.output.withLock { $0 }.split(separator: "\n").compactMap {
                    try? JSONParser.parse(String($0))
                }
                #expect(
                    lines.contains {
                        $0["route"] == "/scim/v2/{channel}/Users" && $0["trace_id"] == .string(Self.traceID)
                    }
                )
                #expect(
                    !spans.contains {
                        $0.attributes.values.contains(token)
                            || $0.attributes.values.contains(GitHubEMUEmulator.defaultToken)
                    },
                    "a secret reached a span"
                )
            }
        }
    }
}
