import BridgeConfig
import Testing

/// `server.tls`, `server.metrics`, `server.log`, `server.tracing` and `server.shutdownGrace`: read, defaulted, and
/// refused with the key.
struct OperationsConfigTests {
    @Test func theOperationsKeysAreReadAndDefaulted() throws {
        let defaults = try Fixtures.load("server: { port: 8080 }").server
        #expect(defaults.tls == nil && defaults.metrics.enabled && defaults.metrics.token == nil)
        #expect(defaults.log.format == .text && defaults.log.level == .info && defaults.shutdownGrace == .seconds(30))

        let yaml = """
            server:
              tls: { certificate: file:/etc/scim-bridge/graph.crt, privateKey: file:/etc/scim-bridge/graph.key }
              metrics: { enabled: true, token: env:SCRAPE_TOKEN }
              log: { format: json, level: debug }
              shutdownGrace: 45s
            """
        let s = try Fixtures.load(yaml, environment: ["SCRAPE_TOKEN": "x"]).server
        #expect(s.tls?.certificate.reference == "file:/etc/scim-bridge/graph.crt")
        #expect(s.tls?.privateKey.reference == "file:/etc/scim-bridge/graph.key")
        #expect(s.metrics.token?.reference == "env:SCRAPE_TOKEN")
        #expect(s.log.format == .json && s.log.level == .debug && s.shutdownGrace == .seconds(45))
    }

    @Test func mistakesNameTheirKey() {
        let key = Fixtures.errorText("server: { tls: { certificate: file:/a.crt } }")
        #expect(key.contains("server.tls.privateKey"), "\(key)")
        let format = Fixtures.errorText("server: { log: { format: yaml } }")
        #expect(format.contains("server.log.format") && format.contains("json"), "\(format)")
        let grace = Fixtures.errorText("server: { shutdownGrace: 2h }")
        #expect(grace.contains("server.shutdownGrace"), "\(grace)")
    }

    @Test func tracingIsOffUnlessTurnedOnAndItsKeysAreChecked() throws {
        let defaults = try Fixtures.load("server: { port: 8080 }").server.tracing
        #expect(!defaults.enabled && defaults.endpoint == "http://localhost:4318" && defaults.otlpProtocol == .protobuf)
        #expect(defaults.serviceName == "scim-bridge" && defaults.sampleRatio == 1)

        let yaml = """
            server:
              tracing:
                enabled: true
                endpoint: https://otel-collector.example.com:4318
                protocol: http/json
                serviceName: scim-bridge-eu
                sampleRatio: 0.25
            """
        let t = try Fixtures.load(yaml).server.tracing
        #expect(t.enabled && t.endpoint == "https://otel-collector.example.com:4318" && t.otlpProtocol == .json)
        #expect(t.serviceName == "scim-bridge-eu" && t.sampleRatio == 0.25)

        let ratio = Fixtures.errorText("server: { tracing: { enabled: true, sampleRatio: 2 } }")
        #expect(ratio.contains("server.tracing.sampleRatio"), "\(ratio)")
        let proto = Fixtures.errorText("server: { tracing: { protocol: grpc } }")
        #expect(proto.contains("server.tracing.protocol") && proto.contains("http/protobuf"), "\(proto)")
        let endpoint = Fixtures.errorText("server: { tracing: { endpoint: collector:4318 } }")
        #expect(endpoint.contains("server.tracing.endpoint"), "\(endpoint)")
        let unknown = Fixtures.errorText("server: { tracing: { exporter: otlp } }")
        #expect(unknown.contains("server.tracing.exporter"), "\(unknown)")
    }
}
