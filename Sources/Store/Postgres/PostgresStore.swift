import Foundation
import Logging
package import Membership
import NIOConcurrencyHelpers
package import PostgresNIO
package import SCIM
import ServiceLifecycle

/// The store on a PostgreSQL database (postgres-nio's `PostgresClient` and its connection pool), for
/// one or several bridge processes sharing that database.
///
/// It behaves as `SQLiteStore` does (the shared store suite runs on both); where the two differ in
/// how, the reason is at the place. Every write is one transaction on one pooled connection; reads
/// that must see one snapshot run in a `REPEATABLE READ` read-only transaction.
///
/// The pool runs while `run()` runs (`Service`): put the store in the `ServiceGroup` before the services
/// that use it, or use `withRunning`, which also brings the schema up to date.
package final class PostgresStore: Sendable {
    let client: PostgresClient
    let logger: Logger
    /// How long a claimed outbox entry stays with its claimer before it returns to the pool (see
    /// `dueOutboxEntries`).
    let outboxLease: Duration
    /// How long a store operation waits for a pooled connection before it reports `StoreUnavailable`.
    let leaseTimeout: Duration
    /// How to open a connection outside the pool: the one that holds a reconciliation's advisory lock
    /// for as long as the pass runs, which must not take a pooled connection from the pass itself.
    let settings: PostgresStoreConfiguration

    package init(
        configuration: PostgresStoreConfiguration,
        logger: Logger,
        outboxLease: Duration = .seconds(120),
        leaseTimeout: Duration = .seconds(10)
    ) {
        var config = PostgresClient.Configuration(
            host: configuration.host,
            port: configuration.port,
            username: configuration.username,
            password: configuration.password,
            database: configuration.database,
            tls: configuration.tls.clientTLS
        )
        config.options.maximumConnections = max(configuration.poolSize, 1)
        config.options.connectTimeout = configuration.connectTimeout
        if let schema = configuration.schema {
            // Every connection works in this schema (tests give each run one of its own).
            config.options.additionalStartupParameters = [("options", "-c search_path=\(schema)")]
        }
        client = PostgresClient(configuration: config, backgroundLogger: logger)
        settings = configuration
        self.logger = logger
        self.outboxLease = outboxLease
        self.leaseTimeout = leaseTimeout
    }

    /// Runs the connection pool until cancelled or, in a `ServiceGroup`, until graceful shutdown.
    package func run() async {
        await client.run()
    }

    /// Runs the pool while `body` runs, with the schema brought up to date first (`migrate()`).
    package func withRunning<T>(migrate: Bool = true, _ body: (PostgresStore) async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await self.client.run() }
            defer { group.cancelAll() }
            if migrate { try await self.migrate() }
            return try await body(self)
        }
    }

    // MARK: - Time and ids (as `SQLiteStore`: times in ns since 1970, millisecond precision)

    static func now() -> SCIMDateTime { SQLiteStore.now() }
    static func nanoseconds(_ t: SCIMDateTime) -> Int64 { SQLiteStore.nanoseconds(t) }
    static func instant(_ ns: Int64) -> SCIMDateTime { SQLiteStore.instant(ns) }
    static func newID() -> String { UUID().uuidString.lowercased() }

    // MARK: - Connections and transactions

    /// Runs `body` in a transaction, committed when it returns. A serialization failure or a deadlock
    /// (two writes locking the same rows in opposite orders) runs it again, so `body` must depend on
    /// the database alone, as `SQLiteStore.write`'s does.
    func write<T: Sendable>(_ body: @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        var attempt = 0
        while true {
            attempt += 1
            do {
                return try await transaction("BEGIN", body)
            } catch let error as PSQLError where attempt < 5 && error.isRetryableConflict {
                continue
            }
        }
    }

    /// A read on one snapshot (several statements that must agree).
    func read<T: Sendable>(_ body: @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        try await transaction("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", body)
    }

    /// A read of one statement (which sees one snapshot by itself), without a transaction around it.
    func readOne<T: Sendable>(_ body: @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        do {
            return try await leased(body)
        } catch {
            throw Self.mapped(error)
        }
    }

    private func transaction<T: Sendable>(
        _ begin: PostgresQuery,
        _ body: @Sendable (PostgresConnection) async throws -> T
    ) async throws -> T {
        do {
            return try await leased { connection in
                try await connection.query(begin, logger: logger)
                do {
                    let value = try await body(connection)
                    try await connection.query("COMMIT", logger: logger)
                    return value
                } catch {
                    // A connection that failed is closed by the pool; a rollback on it fails too.
                    _ = try? await connection.query("ROLLBACK", logger: logger)
                    throw error
                }
            }
        } catch let error as PSQLError where error.isRetryableConflict {
            throw error  // `write` runs it again
        } catch {
            throw Self.mapped(error)
        }
    }

    /// Runs `body` on a pooled connection. A connection not granted within `leaseTimeout` is
    /// `StoreUnavailable`: while the database cannot be reached, the pool keeps a request waiting for up
    /// to a minute before it gives up (postgres-nio's circuit breaker, not configurable), longer than an
    /// identity provider waits for an answer; it should get a `503` it can retry instead.
    private func leased<T: Sendable>(_ body: @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        let granted = NIOLockedValueBox(false)
        let timeout = leaseTimeout
        return try await withoutActuallyEscaping(body) { body in
            try await withThrowingTaskGroup(of: T?.self) { group in
                group.addTask {
                    try await self.client.withConnection { connection in
                        granted.withLockedValue { $0 = true }
                        return try await body(connection)
                    }
                }
                group.addTask {
                    try await Task.sleep(for: timeout)
                    guard granted.withLockedValue({ $0 }) else {
                        throw StoreUnavailable("no database connection within \(timeout)")
                    }
                    return nil  // granted: the work goes on as long as it takes
                }
                while let next = try await group.next() {
                    if let value = next {
                        group.cancelAll()
                        return value
                    }
                }
                throw CancellationError()  // both tasks end with a value or an error: not reached
            }
        }
    }

    /// Runs one statement, returning its rows.
    @discardableResult
    func rows(_ sql: String, _ values: [PostgresValue] = [], on connection: PostgresConnection) async throws
        -> [PostgresRow]
    {
        try await connection.query(PostgresValue.query(sql, values), logger: logger).collect()
    }

    // MARK: - Channels and credentials

    package func createChannel(named name: String) async throws -> Membership.Channel {
        let created = Self.now()
        return try await write { c in
            let rows = try await rows(
                "INSERT INTO channel (name, created) VALUES (?, ?) ON CONFLICT (name) DO NOTHING RETURNING key",
                [.text(name), .int(Self.nanoseconds(created))],
                on: c
            )
            guard let row = rows.first else {
                throw SCIMError.uniqueness("A channel named '\(name)' already exists.")
            }
            return Membership.Channel(key: try row.decode(Int64.self), name: name, created: created)
        }
    }

    package func channel(named name: String) async throws -> Membership.Channel? {
        try await readOne { c in
            try await rows("SELECT key, name, created FROM channel WHERE name = ?", [.text(name)], on: c)
                .first.map(Self.channel(from:))
        }
    }

    package func channels() async throws -> [Membership.Channel] {
        try await readOne { c in
            try await rows("SELECT key, name, created FROM channel ORDER BY name", on: c).map(Self.channel(from:))
        }
    }

    /// A channel from a row whose first three columns are `key, name, created`.
    static func channel(from row: PostgresRow) throws -> Membership.Channel {
        let (key, name, created) = try row.decode((Int64, String, Int64).self)
        return Membership.Channel(key: key, name: name, created: instant(created))
    }

    package func recordRequest(toChannel channel: Membership.Channel, at: SCIMDateTime) async throws {
        let ns = Self.nanoseconds(at)
        try await write { c in
            try await rows(
                "UPDATE channel SET last_request = ? WHERE key = ? AND (last_request IS NULL OR last_request < ?)",
                [.int(ns), .int(channel.key), .int(ns)],
                on: c
            )
        }
    }

    package func lastRequests() async throws -> [String: SCIMDateTime] {
        try await readOne { c in
            var times: [String: SCIMDateTime] = [:]
            for row in try await rows("SELECT name, last_request FROM channel WHERE last_request IS NOT NULL", on: c) {
                let (name, ns) = try row.decode((String, Int64).self)
                times[name] = Self.instant(ns)
            }
            return times
        }
    }

    package func deleteChannel(named name: String) async throws -> Bool {
        try await write { c in
            guard
                let key = try await rows("SELECT key FROM channel WHERE name = ? FOR UPDATE", [.text(name)], on: c)
                    .first?.decode(Int64.self)
            else { return false }
            // Edge and email tables carry no foreign key (as in SQLite): clear them first.
            for table in ["membership", "scim_user_email"] {
                try await rows("DELETE FROM \(table) WHERE channel_key = ?", [.int(key)], on: c)
            }
            try await rows("DELETE FROM channel WHERE key = ?", [.int(key)], on: c)
            return true
        }
    }

    package func addCredential(_ credential: NewCredential, to channel: Membership.Channel) async throws {
        let created = Self.nanoseconds(Self.now())
        try await write { c in
            try await rows(
                """
                INSERT INTO credential (channel_key, kind, lookup_key, secret_hash, salt, created)
                VALUES (?, ?, ?, ?, ?, ?)
                """,
                [
                    .int(channel.key), .text(credential.kind.rawValue), .text(credential.lookupKey),
                    .bytes(credential.secretHash), .bytes(credential.salt), .int(created),
                ],
                on: c
            )
        }
    }

    package func removeCredentials(of kind: CredentialKind, from channel: Membership.Channel) async throws {
        try await write { c in
            try await rows(
                "DELETE FROM credential WHERE channel_key = ? AND kind = ?",
                [.int(channel.key), .text(kind.rawValue)],
                on: c
            )
        }
    }

    package func credentials(of channel: Membership.Channel) async throws -> [StoredCredential] {
        try await readOne { c in
            try await rows(
                """
                SELECT ch.key, ch.name, ch.created, c.kind, c.lookup_key, c.secret_hash, c.salt
                FROM credential c JOIN channel ch ON ch.key = c.channel_key WHERE c.channel_key = ?
                """,
                [.int(channel.key)],
                on: c
            ).compactMap(Self.credential(from:))
        }
    }

    package func credentials(kind: CredentialKind, lookupKey: String) async throws -> [StoredCredential] {
        try await readOne { c in
            try await rows(
                """
                SELECT ch.key, ch.name, ch.created, c.kind, c.lookup_key, c.secret_hash, c.salt
                FROM credential c JOIN channel ch ON ch.key = c.channel_key WHERE c.kind = ? AND c.lookup_key = ?
                """,
                [.text(kind.rawValue), .text(lookupKey)],
                on: c
            ).compactMap(Self.credential(from:))
        }
    }

    static func credential(from row: PostgresRow) throws -> StoredCredential? {
        let (key, name, created, kind, lookupKey, hash, salt) = try row.decode(
            (Int64, String, Int64, String, String, Data, Data).self
        )
        guard let kind = CredentialKind(rawValue: kind) else { return nil }
        return StoredCredential(
            channel: Membership.Channel(key: key, name: name, created: instant(created)),
            kind: kind,
            lookupKey: lookupKey,
            secretHash: Array(hash),
            salt: Array(salt)
        )
    }
}

extension PostgresStore: Service {}

extension PostgresStore {
    /// Runs one statement without values, outside the store's own tables: administration (a schema for
    /// a test run, its removal). Never with text from a request.
    package func execute(administrative sql: String) async throws {
        try await readOne { c in try await rows(sql, on: c) }
    }
}
