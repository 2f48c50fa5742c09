import ArgumentParser
import BridgeConfig
import BridgeRuntime
import Foundation
import Logging
import Store

/// Opens the embedded SQLite store in a data directory, with errors that name the directory.
enum EmbeddedStore {
    static let fileName = "scim-bridge.sqlite"

    static func open(dataDir: String, create: Bool = true) throws -> SQLiteStore {
        let path = try path(dataDir: dataDir, create: create)
        do {
            return try SQLiteStore(path: path)
        } catch {
            throw CLIError("Cannot open the database '\(path)': \(error)")
        }
    }

    /// The database file's path in `dataDir`, checked (and the directory created, if `create`).
    static func path(dataDir: String, create: Bool = true) throws -> String {
        let fm = FileManager.default
        var isDir: ObjCBool = false
        if fm.fileExists(atPath: dataDir, isDirectory: &isDir) {
            guard isDir.boolValue else { throw CLIError("--data-dir '\(dataDir)' is a file, not a directory.") }
        } else if create {
            do {
                try fm.createDirectory(atPath: dataDir, withIntermediateDirectories: true)
            } catch {
                throw CLIError("Cannot create the data directory '\(dataDir)': \(error.localizedDescription)")
            }
        } else {
            throw CLIError(
                "The data directory '\(dataDir)' does not exist; run 'scim-bridge serve' or 'scim-bridge channels create' first."
            )
        }
        guard fm.isWritableFile(atPath: dataDir) else {
            throw CLIError("The data directory '\(dataDir)' is not writable.")
        }
        return (dataDir as NSString).appendingPathComponent(fileName)
    }
}

extension EmbeddedStore {
    /// Runs `body` with the store `storage:` of the configuration names (PostgreSQL: its pool running and
    /// its schema up to date); errors name the configuration key.
    static func withConfiguredStore<T>(
        _ file: BridgeConfiguration,
        dataDir: String? = nil,
        create: Bool = true,
        migrate: Bool = true,
        logger: Logger,
        _ body: (any BridgeStore) async throws -> T
    ) async throws -> T {
        do {
            return try await ConfiguredStore.withStore(
                file.storage,
                sqlitePath: { try path(dataDir: dataDir ?? file.server.dataDir, create: create) },
                migrate: migrate,
                logger: logger,
                body
            )
        } catch let error as ConfiguredStore.OpenError {
            throw CLIError(error.description)
        } catch let error as StoreUnavailable {
            throw CLIError("storage.postgres: cannot reach the database (\(error.reason)).")
        }
    }
}

extension StoreOptions {
    /// Runs `body` on the store the command works on: with a configuration, the one its `storage:`
    /// names (for `sqlite`, in `server.dataDir` unless `--data-dir` is given); without one, the SQLite
    /// file in `--data-dir`. `create`: a missing SQLite data directory is created, not refused.
    /// A PostgreSQL schema is left as it is: a command run from an administrator's machine must not
    /// migrate the database under replicas of an older version; one that is behind is refused, naming
    /// `scim-bridge migrate` (which passes `migrate: true`).
    func withStore<T>(
        _ file: BridgeConfiguration?,
        create: Bool = false,
        migrate: Bool = false,
        checkSchema: Bool = true,
        _ body: (any BridgeStore) async throws -> T
    ) async throws -> T {
        guard let file else { return try await body(try EmbeddedStore.open(dataDir: dataDir, create: create)) }
        var logger = Logger(label: "scim-bridge")
        logger.logLevel = .warning
        return try await EmbeddedStore.withConfiguredStore(
            file,
            dataDir: dataDir == Self.defaultDataDir ? nil : dataDir,
            create: create,
            migrate: migrate,
            logger: logger
        ) { s in
            if !migrate, checkSchema, let pg = s as? PostgresStore {
                let behind = try await pg.pendingMigrations()
                guard behind.isEmpty else {
                    throw CLIError(
                        "storage.postgres: the database's schema lacks migration(s) \(behind.map(String.init).joined(separator: ", ")) of this version; run 'scim-bridge migrate --config FILE' first."
                    )
                }
            }
            return try await body(s)
        }
    }
}

/// Where a command that needs no other configuration finds the store: `--config` (its `storage:`)
/// or `--data-dir` (the SQLite file).
struct StoreLocation: ParsableArguments {
    @Option(
        help: "Configuration file (YAML) whose storage: names the store; without it, the SQLite file in --data-dir."
    )
    var config: String?
    @OptionGroup var store: StoreOptions

    /// Runs `body` on the store, as `StoreOptions.withStore` with the configuration loaded.
    func withStore<T>(
        create: Bool = false,
        migrate: Bool = false,
        checkSchema: Bool = true,
        _ body: (any BridgeStore) async throws -> T
    ) async throws -> T {
        var file: BridgeConfiguration? = nil
        if let config {
            do { file = try ConfigurationLoader.load(file: config) } catch { throw CLIError("\(error)") }
        }
        return try await store.withStore(file, create: create, migrate: migrate, checkSchema: checkSchema, body)
    }
}

/// A command-line failure: the message says what is wrong and what to do.
struct CLIError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
