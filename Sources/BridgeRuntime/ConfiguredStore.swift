package import BridgeConfig
import Foundation
package import Logging
package import Store

/// Opens the store the configuration's `storage:` names and keeps it running while a body runs: the
/// embedded SQLite file in a data directory, or a PostgreSQL database (its connection pool runs, and its
/// schema is brought up to date, before the body starts; the pool closes after it ends).
package enum ConfiguredStore {
    /// What cannot be opened, with the configuration key at fault.
    package struct OpenError: Error, CustomStringConvertible {
        package var description: String
    }

    /// Runs `body` with the configured store. `sqlitePath` opens the SQLite file (`storage: sqlite`).
    /// `migrate: false` leaves a PostgreSQL schema as it is (`serve --no-migrate`, `migrate` itself);
    /// the SQLite file is always brought up to date by the one process that opens it.
    package static func withStore<T>(
        _ storage: StorageSettings,
        sqlitePath: () throws -> String,
        migrate: Bool = true,
        logger: Logger,
        _ body: (any BridgeStore) async throws -> T
    ) async throws -> T {
        switch storage {
        case .sqlite:
            return try await body(try SQLiteStore(path: sqlitePath()))
        case .postgres(let settings):
            let store = PostgresStore(
                configuration: try postgresConfiguration(settings),
                logger: logger,
                outboxLease: settings.claimLease
            )
            return try await store.withRunning(migrate: migrate) { store in try await body(store) }
        }
    }

    /// The connection settings of `storage.postgres`, its URL resolved (`env:`, `file:`).
    package static func postgresConfiguration(
        _ settings: PostgresStorageSettings,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> PostgresStoreConfiguration {
        let url: String
        do {
            url = try settings.url.resolve(environment: environment)
        } catch {
            throw OpenError(description: "storage.postgres.url: \(error)")
        }
        var configuration: PostgresStoreConfiguration
        do {
            configuration = try PostgresStoreConfiguration(
                url: url,
                tls: settings.tls.flatMap { PostgresStoreConfiguration.TLSMode(rawValue: $0.rawValue) },
                poolSize: settings.poolSize
            )
        } catch {
            throw OpenError(description: "storage.postgres.url (\(settings.url.reference)): \(error)")
        }
        // Neither the key nor the URL says: plain TCP on loopback only; TLS, verified, anywhere else.
        if settings.tls == nil, !url.contains("sslmode=") {
            let loopback = ["127.0.0.1", "::1", "[::1]", "localhost"].contains(configuration.host)
            configuration.tls = loopback ? .disable : .verifyFull
        }
        return configuration
    }
}
