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
        logger: Logger,
        _ body: (any BridgeStore) async throws -> T
    ) async throws -> T {
        do {
            return try await ConfiguredStore.withStore(
                file.storage,
                sqlitePath: { try path(dataDir: dataDir ?? file.server.dataDir) },
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

/// A command-line failure: the message says what is wrong and what to do.
struct CLIError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
