import AsyncHTTPClient
import BridgeConfig
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOSSL
import Server
import ServiceLifecycle
import TestSupport
import Testing

/// `server.tls` over a real socket: HTTPS with a self-signed certificate (made by `openssl`) to a
/// real TLS client that trusts only it; the files replaced, the next connection sees the new one.
@Suite("HTTPS")
struct TLSTests {
    static let openssl = "/usr/bin/openssl"

    /// Writes a self-signed certificate for 127.0.0.1 and its key into `dir`; returns their paths.
    static func certificate(_ name: String, in dir: URL) throws -> (certificate: String, key: String) {
        let cert = dir.appendingPathComponent("\(name).crt").path
        let key = dir.appendingPathComponent("\(name).key").path
        let child = try ChildProcess(
            executable: URL(fileURLWithPath: openssl),
            arguments: [
                "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "1",
                "-subj", "/CN=\(name)", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key, "-out", cert,
            ],
            environment: ProcessInfo.processInfo.environment,
            mergeErrors: true
        )
        _ = child.output.readDataToEndOfFile()
        #expect(child.waitUntilExit() == 0)
        return (cert, key)
    }

    /// A status code from `url` by a client that trusts only the certificate at `trusting`; nil when the handshake fails.
    static func get(_ url: String, trusting: String) async throws -> UInt? {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(trusting))
        tls.minimumTLSVersion = .tlsv12
        var configuration = HTTPClient.Configuration(tlsConfiguration: tls)
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 1
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        let response = try? await client.execute(HTTPClientRequest(url: url), timeout: .seconds(5))
        try await client.shutdown()
        return response?.status.code
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: openssl), "openssl makes the test certificates"))
    func servesHTTPSAndPicksUpARenewedCertificateWithoutARestart() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("scim-bridge-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let first = try Self.certificate("first", in: dir)
        let second = try Self.certificate("second", in: dir)
        let served = (
            certificate: dir.appendingPathComponent("served.crt").path,
            key: dir.appendingPathComponent("served.key").path
        )
        try FileManager.default.copyItem(atPath: first.certificate, toPath: served.certificate)
        try FileManager.default.copyItem(atPath: first.key, toPath: served.key)

        var logger = Logger(label: "tls-test")
        logger.logLevel = .critical
        let certificates = try TLSCertificates(
            TLSSettings(certificate: Secret(.file(served.certificate)), privateKey: Secret(.file(served.key))),
            checkEvery: .milliseconds(100),
            logger: logger
        )
        try await withTestBridge { bridge in
            let (ports, announce) = AsyncStream<Int>.makeStream()
            let app = try buildApplication(
                configuration: ServerConfiguration(host: "127.0.0.1", port: 0, tls: certificates),
                store: bridge.store,
                logger: logger,
                onServerRunning: { port in announce.yield(port) }
            )
            let group = ServiceGroup(services: [app], logger: logger)
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await group.run() }
                var iterator = ports.makeAsyncIterator()
                let port = try #require(await iterator.next())
                let url = "https://127.0.0.1:\(port)/healthz"

                #expect(try await Self.get(url, trusting: first.certificate) == 200)
                #expect(try await Self.get(url, trusting: second.certificate) == nil, "only the first is served")
                #expect(try await Self.get("http://127.0.0.1:\(port)/healthz", trusting: first.certificate) == nil)

                // A renewal replaces both files (as cert-manager does); the next connection sees it.
                try FileManager.default.removeItem(atPath: served.certificate)
                try FileManager.default.removeItem(atPath: served.key)
                try FileManager.default.copyItem(atPath: second.key, toPath: served.key)
                try FileManager.default.copyItem(atPath: second.certificate, toPath: served.certificate)
                var renewed = false
                for _ in 0..<50 where !renewed {
                    try await Task.sleep(for: .milliseconds(100))
                    renewed = try await Self.get(url, trusting: second.certificate) == 200
                }
                #expect(renewed, "the renewed certificate is served")
                #expect(try await Self.get(url, trusting: first.certificate) == nil, "the old one is not")
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
            }
        }
    }

    @Test func aBadCertificateStopsStartUpWithTheKey() throws {
        var logger = Logger(label: "tls-test")
        logger.logLevel = .critical
        #expect(throws: (any Error).self) {
            try TLSCertificates(
                TLSSettings(
                    certificate: Secret(.inline("not a certificate")),
                    privateKey: Secret(.inline("nor a key"))
                ),
                logger: logger
            )
        }
    }
}
