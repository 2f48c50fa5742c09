package import Foundation
package import Logging
package import Store

/// The store backends the shared store suite runs on: `@Test(arguments: StoreBackend.available)`.
///
/// SQLite always; PostgreSQL when `SCIM_BRIDGE_TEST_POSTGRES_URL` names a server (`scripts/test-postgres
/// start` prints it; `.ci/run` sets it). Without it the PostgreSQL cases are not generated, and
/// `StoreBackendTests.postgresIsConfigured` shows as skipped, saying so.
package enum StoreBackend: String, Sendable, CaseIterable, CustomStringConvertible {
    case sqlite
    case postgres

    package var description: String { rawValue }

    /// The PostgreSQL server of the run, if any.
    package static var postgresURL: String? {
        guard let url = ProcessInfo.processInfo.environment["SCIM_BRIDGE_TEST_POSTGRES_URL"], !url.isEmpty else {
            return nil
        }
        return url
    }

    /// The backends this run tests.
    package static var available: [StoreBackend] { postgresURL == nil ? [.sqlite] : [.sqlite, .postgres] }

    /// The PostgreSQL backend alone, when configured (for tests of what only it does: several claimers).
    package static var postgresOnly: [StoreBackend] { postgresURL == nil ? [] : [.postgres] }

    /// Runs `body` with a fresh, empty store of this backend, removed afterwards: a SQLite file in a
    /// temporary folder, or a schema of its own in the test database (dropped with everything in it).
    package func withStore<T>(_ body: (any BridgeStore) async throws -> T) async throws -> T {
        switch self {
        case .sqlite:
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("scim-bridge-test-\(UUID())")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: dir) }
            return try await body(
                try SQLiteStore(path: dir.appendingPathComponent("test.sqlite").path, durability: .normal)
            )
        case .postgres:
            return try await Self.withPostgresStore { try await body($0) }
        }
    }

    /// A `PostgresStore` on a schema of its own in the test database, dropped afterwards.
    package static func withPostgresStore<T>(_ body: (PostgresStore) async throws -> T) async throws -> T {
        try await withPostgresSchema { config in
            // A loaded machine running the whole suite in parallel may take seconds to grant a connection.
            let store = PostgresStore(configuration: config, logger: quiet, leaseTimeout: .seconds(60))
            return try await store.withRunning { try await body($0) }
        }
    }

    /// The configuration of a new, empty schema of the test database, dropped after `body`.
    package static func withPostgresSchema<T>(_ body: (PostgresStoreConfiguration) async throws -> T) async throws
        -> T
    {
        guard let url = postgresURL else { throw BackendUnavailable() }
        let base = try PostgresStoreConfiguration(url: url, tls: .disable, poolSize: 4)
        let schema = "test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        try await administer(base, "CREATE SCHEMA \(schema)")
        var config = base
        config.schema = schema
        do {
            let result = try await body(config)
            try await administer(base, "DROP SCHEMA \(schema) CASCADE")
            return result
        } catch {
            try? await administer(base, "DROP SCHEMA \(schema) CASCADE")
            throw error
        }
    }

    /// The URL of a new, empty database on the test server, dropped after `body`: for a process that
    /// takes a URL (a URL names no schema).
    package static func withPostgresDatabase<T>(_ body: (String) async throws -> T) async throws -> T {
        guard let url = postgresURL, var components = URLComponents(string: url) else { throw BackendUnavailable() }
        // CREATE and DROP DATABASE run outside a transaction: on a connection of the server's database.
        let base = try PostgresStoreConfiguration(url: url, tls: .disable, poolSize: 1)
        let database = "test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        try await administer(base, "CREATE DATABASE \(database)")
        components.path = "/" + database
        guard let target = components.string else { throw BackendUnavailable() }
        do {
            let result = try await body(target)
            try await administer(base, "DROP DATABASE \(database) WITH (FORCE)")
            return result
        } catch {
            try? await administer(base, "DROP DATABASE \(database) WITH (FORCE)")
            throw error
        }
    }

    private static func administer(_ config: PostgresStoreConfiguration, _ sql: String) async throws {
        try await PostgresStore(configuration: config, logger: quiet, leaseTimeout: .seconds(60)).withRunning(
            migrate: false
        ) {
            try await $0.execute(administrative: sql)
        }
    }

    package static var quiet: Logger {
        var logger = Logger(label: "test-postgres")
        logger.logLevel = .critical
        return logger
    }

    /// `SCIM_BRIDGE_TEST_POSTGRES_URL` is unset.
    package struct BackendUnavailable: Error {}
}
