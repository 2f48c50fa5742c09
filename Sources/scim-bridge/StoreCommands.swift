import ArgumentParser
import BridgeConfig
import BridgeRuntime
import Foundation
import Logging
import Store

/// `scim-bridge store …`: acting on the store as a whole.
struct StoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store",
        abstract: "Act on the bridge's store as a whole (move it from SQLite to PostgreSQL).",
        subcommands: [Copy.self]
    )

    /// `scim-bridge store copy --from sqlite:DIR --to postgres:URL`.
    struct Copy: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Copy a SQLite installation into an empty PostgreSQL database, in one transaction.",
            discussion: """
                Stop the bridge first: the copy reads one snapshot of the SQLite database, and changes made \
                after it would not reach PostgreSQL (the copy holds the data directory's serve lock, so a \
                serve started meanwhile refuses to run). The destination's schema is created or brought up to \
                date, then every table is copied in one transaction: channels and credentials, users, groups \
                and memberships, the outbox (states, attempts and order), mappings, the audit log and the \
                state of each target. A destination holding any row of these tables is refused. Row counts \
                are compared on both sides before the commit; any failure rolls everything back. The SQLite \
                database is left as it was. Then point storage.postgres.url at the database and start the \
                bridge.
                """
        )

        @Option(help: "The SQLite installation: sqlite:DIR, its data directory (server.dataDir).")
        var from: String

        @Option(
            help: """
                The PostgreSQL database: postgres://user:password@host:port/database, or postgres:env:VAR or \
                postgres:file:PATH naming where that URL is (as storage.postgres.url does; the URL holds a \
                password). sslmode in the URL as for storage.postgres.
                """
        )
        var to: String

        func validate() throws {
            _ = try Self.sourceDirectory(from)
            _ = try Self.destination(to)
        }

        func run() async throws {
            let dataDir = try Self.sourceDirectory(from)
            let path = (dataDir as NSString).appendingPathComponent(EmbeddedStore.fileName)
            guard FileManager.default.fileExists(atPath: path) else {
                throw CLIError(
                    "--from: there is no SQLite database in '\(dataDir)' (no \(EmbeddedStore.fileName)); give the data directory the bridge served from (server.dataDir)."
                )
            }
            try ServeLock.acquire(
                dataDir: dataDir,
                heldMessage:
                    "--from: a 'scim-bridge serve' is running on '\(dataDir)'. Stop it first: a copy must see every change, and the bridge must not change the database meanwhile."
            )
            let configuration: PostgresStoreConfiguration
            do {
                configuration = try ConfiguredStore.postgresConfiguration(
                    PostgresStorageSettings(url: try Self.destination(to), poolSize: 2)
                )
            } catch let error as ConfiguredStore.OpenError {
                throw CLIError(error.description.replacingOccurrences(of: "storage.postgres.url", with: "--to"))
            }
            let source: SQLiteStore
            do {
                source = try SQLiteStore(path: path, durability: .normal)
            } catch {
                throw CLIError("--from: cannot open the database '\(path)': \(error)")
            }
            var logger = Logger(label: "scim-bridge")
            logger.logLevel = .error
            let destination = PostgresStore(configuration: configuration, logger: logger, leaseTimeout: .seconds(15))
            let place =
                "\(configuration.host):\(configuration.port)/\(configuration.database ?? configuration.username)"
            let report: StoreCopyReport
            do {
                report = try await destination.withRunning(migrate: false) { destination in
                    try await StoreCopy.copy(from: source, to: destination)
                }
            } catch let error as StoreCopyError {
                throw CLIError("--to: \(error)")
            } catch let error as StoreUnavailable {
                throw CLIError("--to: cannot reach the database at \(place) (\(error.reason)).")
            }
            print(
                "Copied \(dataDir) into PostgreSQL at \(place), in one transaction, in \(Self.seconds(report.elapsed)):"
            )
            let width = report.tables.map(\.name.count).max() ?? 0
            for table in report.tables {
                print("  \(table.name.padding(toLength: width, withPad: " ", startingAt: 0))  \(table.rows)")
            }
            print(
                "  (\(report.foldedUserStamps) users' membership stamps folded into scim_user's version and lastModified)"
            )
            print("Row counts verified on both sides: \(report.rows) rows in all.")
            print("Next: set storage.postgres.url to this database and start the bridge; keep \(dataDir) as a backup.")
        }

        /// The data directory of `sqlite:DIR`.
        static func sourceDirectory(_ value: String) throws -> String {
            guard value.hasPrefix("sqlite:"), value.count > "sqlite:".count else {
                throw ValidationError(
                    "--from must be sqlite:DIR, the data directory of the SQLite installation (server.dataDir), such as --from sqlite:./data."
                )
            }
            let dir = String(value.dropFirst("sqlite:".count))
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: dir, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw ValidationError(
                    "--from: '\(dir)' is not a directory; give the data directory of the SQLite installation (server.dataDir)."
                )
            }
            return dir
        }

        /// Where the URL of `postgres:…` is, as a `storage.postgres.url` reference.
        static func destination(_ value: String) throws -> Secret {
            if value.hasPrefix("postgres://") || value.hasPrefix("postgresql://") {
                return Secret(.inline(value))
            }
            guard value.hasPrefix("postgres:"), let reference = Secret(reference: String(value.dropFirst(9))) else {
                throw ValidationError(
                    "--to must be postgres://user:password@host:port/database, or postgres:env:VAR or postgres:file:PATH naming where that URL is."
                )
            }
            return reference
        }

        static func seconds(_ d: Duration) -> String {
            let ms = d.components.seconds * 1000 + d.components.attoseconds / 1_000_000_000_000_000
            return String(format: "%.1f s", Double(ms) / 1000)
        }
    }
}
