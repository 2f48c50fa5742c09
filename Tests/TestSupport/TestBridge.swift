package import BridgeConfig
package import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
package import Server
package import Store

/// A bridge on a fresh SQLite file in a temporary folder, served over real HTTP on loopback.
package struct TestBridge: Sendable {
    package let store: SQLiteStore
    package let directory: URL
    package let statements: StatementLog

    /// Opens a new store with the `default` channel's token in `token`.
    package static func make() throws -> TestBridge {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("scim-bridge-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let log = StatementLog()
        let store = try SQLiteStore(
            path: dir.appendingPathComponent("test.sqlite").path,
            durability: .normal,
            statementObserver: { log.record($0) }
        )
        return TestBridge(store: store, directory: dir, statements: log)
    }

    /// Creates a channel and returns its bearer token.
    package func channel(_ name: String) async throws -> String {
        let c = try await store.createChannel(named: name)
        return try await CredentialIssuer(store: store).issueBearerToken(for: c)
    }

    /// Runs `body` against the bridge served over real HTTP (AsyncHTTPClient on loopback).
    package func run<T: Sendable>(
        limits: LimitSettings = LimitSettings(),
        publicURL: String? = nil,
        admin: AdminConfiguration? = nil,
        observability: ObservabilityConfiguration = ObservabilityConfiguration(),
        _ body: @Sendable (SCIMClient) async throws -> T
    ) async throws -> T {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let app = try buildApplication(
            configuration: ServerConfiguration(
                host: "127.0.0.1",
                port: 0,
                limits: limits,
                publicURL: publicURL,
                admin: admin,
                observability: observability
            ),
            store: store,
            logger: logger
        )
        return try await app.test(.ahc(.http)) { client in try await body(SCIMClient(client: client)) }
    }

    /// Removes the temporary folder (`withTestBridge` does it for you).
    package func cleanUp() {
        try? FileManager.default.removeItem(at: directory)
    }
}

/// Runs `body` with a new bridge and removes its temporary folder afterwards, also when `body` throws.
package func withTestBridge<T: Sendable>(_ body: (TestBridge) async throws -> T) async throws -> T {
    let bridge = try TestBridge.make()
    defer { bridge.cleanUp() }
    return try await body(bridge)
}
