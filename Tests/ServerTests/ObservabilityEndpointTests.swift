import AsyncHTTPClient
import Foundation
import HTTPTypes
import Logging
import NIOCore
import NIOHTTP1
import Prometheus
import SCIM
import Server
import ServiceLifecycle
import Store
import Synchronization
import TestSupport
import Testing

/// `/healthz`, `/readyz`, `/metrics` and request ids, over real HTTP.
@Suite("Operations endpoints")
struct ObservabilityEndpointTests {
    /// The registry is the process's one, so each test names its own target: gauges are per target.
    static func observability(
        target: String = "acme",
        running: Bool = true,
        token: String? = nil
    ) -> ObservabilityConfiguration {
        ObservabilityConfiguration(
            registry: TestMetrics.registry,
            metricsToken: token,
            targets: [target],
            workers: { [WorkerStatus(target: target, running: running, idle: .milliseconds(20))] }
        )
    }

    @Test func healthzAnswersWithoutAuthentication() async throws {
        try await withTestBridge { bridge in
            try await bridge.run(observability: Self.observability()) { c in
                let r = try await c.get("/healthz", token: nil)
                #expect(r.status == 200 && r.body?["status"] == "ok")
            }
        }
    }

    @Test func readyzReportsTheStoreAndEveryTargetAndTurns503WhenAWorkerStops() async throws {
        try await withTestBridge { bridge in
            let token = try await bridge.channel("pingone")
            let channel = try #require(try await bridge.store.channel(named: "pingone"))
            try await bridge.store.setTargets(["acme"], for: channel)
            try await bridge.run(observability: Self.observability()) { c in
                _ = try await c.post("/scim/v2/pingone/Users", token: token, Bodies.user("alice@example.com"))
                let r = try await c.get("/readyz", token: nil)
                #expect(r.status == 200 && r.body?["status"] == "ready")
                let components = r.body?["components"]?.arrayValue ?? []
                #expect(components.first?["name"] == "store" && components.first?["status"] == "up")
                let acme = try #require(components.first { $0["name"] == "target acme" })
                #expect(acme["worker"] == "running")
                #expect(acme["outbox"]?["pending"] == 1)
                #expect(acme["outbox"]?["oldestPendingSeconds"]?.numberValue != nil)
                // Neither a user nor a token shows.
                let text = String(decoding: r.raw.readableBytesView, as: UTF8.self)
                #expect(!text.contains("alice") && !text.contains(token))
            }
            try await bridge.run(observability: Self.observability(running: false)) { c in
                let r = try await c.get("/readyz", token: nil)
                #expect(r.status == 503 && r.body?["status"] == "not ready")
            }
        }
    }

    @Test func metricsShowRequestsByRouteTemplateAndChannelAndTheOutbox() async throws {
        try await withTestBridge { bridge in
            let token = try await bridge.channel("metrics-a")
            let channel = try #require(try await bridge.store.channel(named: "metrics-a"))
            try await bridge.store.setTargets(["acme-metrics"], for: channel)
            try await bridge.run(observability: Self.observability(target: "acme-metrics")) { c in
                let r = try await c.post("/scim/v2/metrics-a/Users", token: token, Bodies.user("bob@example.com"))
                let id = try #require(r.body?["id"]?.stringValue)
                _ = try await c.get("/scim/v2/metrics-a/Users/\(id)", token: token)
                _ = try await c.get("/scim/v2/no-such-channel/Users", token: token)
                let m = try await c.get("/metrics", token: nil)
                #expect(m.status == 200)
                #expect(m.headers[.contentType]?.hasPrefix("text/plain") == true)
                let text = String(decoding: m.raw.readableBytesView, as: UTF8.self)
                let series = text.split(separator: "\n").filter {
                    $0.hasPrefix("http_server_request_duration_seconds_count")
                }
                #expect(
                    series.contains {
                        $0.contains(#"http_route="/scim/v2/{channel}/Users/{id}""#)
                            && $0.contains(#"scim_channel="metrics-a""#)
                            && $0.contains(#"http_request_method="GET""#)
                            && $0.contains(#"http_response_status_code="200""#)
                    },
                    "\(series)"
                )
                #expect(!text.contains(id), "ids never become labels")
                #expect(!text.contains("no-such-channel"), "an unknown channel is not a label value")
                #expect(text.contains(#"scim_bridge_outbox_pending{target="acme-metrics"} 1"#), "\(text)")
                #expect(text.contains("scim_bridge_store_size_bytes"))
            }
        }
    }

    @Test func metricsAskForTheirTokenWhenOneIsSet() async throws {
        try await withTestBridge { bridge in
            try await bridge.run(observability: Self.observability(token: "scrape-secret")) { c in
                let anonymous = try await c.get("/metrics", token: nil)
                let wrong = try await c.get("/metrics", token: "wrong")
                let right = try await c.get("/metrics", token: "scrape-secret")
                let health = try await c.get("/healthz", token: nil)
                #expect(anonymous.status == 401 && wrong.status == 401 && right.status == 200)
                #expect(health.status == 200, "health stays open")
            }
        }
    }

    @Test func metricsOnAPortOfTheirOwnLeaveTheMainPort() async throws {
        try await withTestBridge { bridge in
            var observability = Self.observability(target: "acme-own-port")
            observability.metricsPort = 0
            try await bridge.run(observability: observability) { c in
                let r = try await c.get("/metrics", token: nil)
                #expect(r.status == 404)
            }
            var logger = Logger(label: "metrics-test")
            logger.logLevel = .critical
            let (ports, announce) = AsyncStream<Int>.makeStream()
            let app = buildMetricsApplication(
                host: "127.0.0.1",
                observability: observability,
                store: bridge.store,
                logger: logger,
                onServerRunning: { announce.yield($0) }
            )
            let group = ServiceGroup(services: [app], logger: logger)
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await group.run() }
                var iterator = ports.makeAsyncIterator()
                let port = try #require(await iterator.next())
                let response = try await HTTPClient.shared.execute(
                    HTTPClientRequest(url: "http://127.0.0.1:\(port)/metrics"),
                    timeout: .seconds(5)
                )
                let text = String(buffer: try await response.body.collect(upTo: 1 << 20))
                #expect(response.status.code == 200)
                #expect(text.contains("scim_bridge_store_size_bytes"))
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
            }
        }
    }

    @Test func everyAnswerCarriesARequestIdTheClientsOwnWhenSane() async throws {
        try await withTestBridge { bridge in
            try await bridge.run { c in
                let own = try await c.get("/healthz", token: nil, headers: [HTTPField.Name("X-Request-Id")!: "idp-42"])
                #expect(own.headers[HTTPField.Name("X-Request-Id")!] == "idp-42")
                let generated = try await c.get("/healthz", token: nil)
                #expect(generated.headers[HTTPField.Name("X-Request-Id")!]?.count == 32)
                let hostile = try await c.get(
                    "/healthz",
                    token: nil,
                    headers: [HTTPField.Name("X-Request-Id")!: String(repeating: "x", count: 200)]
                )
                #expect(hostile.headers[HTTPField.Name("X-Request-Id")!]?.count == 32, "too long: replaced")
            }
        }
    }

    @Test func jsonLogLinesAreObjectsAndCredentialKeysAreRedacted() throws {
        let lines = Mutex<[[UInt8]]>([])
        var logger = Logger(label: "scim-bridge") { label in
            JSONLogHandler(label: label) { bytes in lines.withLock { $0.append(bytes) } }
        }
        logger[metadataKey: "requestId"] = "r-1"
        logger.notice(
            "target paused",
            metadata: ["target": "github", "token": "s3cret", "count": .stringConvertible(3)]
        )
        let line = try #require(lines.withLock { $0.first })
        #expect(line.last == UInt8(ascii: "\n"))
        let o = try JSONParser.parse(Array(line.dropLast()))
        #expect(o["message"] == "target paused" && o["level"] == "notice" && o["logger"] == "scim-bridge")
        #expect(o["requestId"] == "r-1" && o["target"] == "github" && o["count"] == "3")
        #expect(o["token"] == "[redacted]")
        #expect(o["time"]?.stringValue?.hasSuffix("Z") == true)
    }
}
