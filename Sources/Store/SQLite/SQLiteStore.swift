import Foundation
import GRDB
package import Membership
package import SCIM

/// The embedded store: one SQLite file in WAL mode behind GRDB `DatabasePool`s.
///
/// Reads run concurrently; writes are serialised by SQLite's single writer, in commits they may share
/// with concurrent writes (`GroupCommit`), so concurrent PATCHes of one group never lose an edge.
package final class SQLiteStore: Store {
    /// Writes, and reads that may be long (lists, member lists), awaited on GRDB's queues.
    let pool: DatabasePool
    /// Read-only connections for short indexed lookups run on the caller's thread (`readNow`).
    /// They are connections of their own: a blocking read must never wait for a connection of `pool`,
    /// which an awaiting read can hold until a cooperative thread is free to release it.
    let quickPool: DatabasePool
    /// The connections `readNow` claims first; `quickPool` takes the overflow.
    let pointReaders: PointReaders
    /// Every write goes through it, so that concurrent writes share commits (see `GroupCommit`).
    let commits: GroupCommit
    /// Syncs commits behind the writer under `full` durability; nil under `normal`.
    let walSync: WALSync?
    /// The targets being reconciled by this process (one file has one serving process: `ServeLock`).
    let reconciling = ReconciliationLocks()

    /// How much a commit waits for the disk.
    package enum Durability: String, Sendable {
        /// fsync on every commit: a `2xx` survives a power cut (the default).
        case full
        /// fsync at checkpoints only: a `2xx` survives a process crash, not a power cut.
        case normal
    }

    /// Opens (creating if needed) the database at `path` and brings its schema up to date.
    /// `writerCacheMiB` is the page cache of the writer connection (a bulk load wants more).
    /// `statementObserver` sees the SQL of every statement run (tests count queries with it).
    package convenience init(
        path: String,
        durability: Durability = .full,
        writerCacheMiB: Int = 32,
        statementObserver: (@Sendable (String) -> Void)? = nil
    ) throws {
        try self.init(
            path: path,
            durability: durability,
            writerCacheMiB: writerCacheMiB,
            statementObserver: statementObserver,
            walSync: durability == .full ? WALSync(walPath: path + "-wal") : nil
        )
    }

    /// `walSync`, when given, makes commits durable (`full` durability without the writer waiting for
    /// the disk); tests give one that counts, delays or fails its syncs.
    init(
        path: String,
        durability: Durability,
        writerCacheMiB: Int = 32,
        statementObserver: (@Sendable (String) -> Void)? = nil,
        walSync: WALSync?
    ) throws {
        // With a `WALSync` the writer commits without syncing and `walSync` syncs behind it.
        let synchronous = durability == .full && walSync == nil ? "FULL" : "NORMAL"
        var config = Configuration()
        config.foreignKeysEnabled = true
        config.busyMode = .timeout(10)
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = \(synchronous)")
            if let statementObserver {
                db.trace(options: .statement) { event in statementObserver(event.description) }
            }
        }
        pool = try DatabasePool(path: path, configuration: config)
        try SQLiteMigrations.migrator.migrate(pool)
        // The one writer connection keeps the pages of the indexes it updates (a membership PATCH
        // touches one user row per member) instead of reading them again with a syscall each, and
        // checkpoints less often, so a page dirtied by many commits is copied back once.
        // (`temp_store = MEMORY`, which would keep the savepoints' statement journals off the disk, was
        // tried and left out: the journal of a large write then lives in memory, and the peak RSS of
        // the benchmark run went from 83 to 207 MB for no gain in throughput.)
        try pool.writeWithoutTransaction { db in
            // Again here: opening a pool in WAL mode sets `synchronous = NORMAL` on the writer after
            // `prepareDatabase` ran, which would leave a `2xx` on disk only at the next checkpoint
            // (unless `walSync` syncs each commit).
            try db.execute(sql: "PRAGMA synchronous = \(synchronous)")
            try db.execute(sql: "PRAGMA cache_size = -\(max(writerCacheMiB, 1) * 1024)")  // in KiB
            try db.execute(sql: "PRAGMA wal_autocheckpoint = 8192")  // pages: 32 MiB of WAL
        }
        var quick = config
        quick.readonly = true
        quick.maximumReaderCount = 8
        quickPool = try DatabasePool(path: path, configuration: quick)
        pointReaders = try PointReaders(path: path, configuration: quick, count: 4, fallback: quickPool)
        self.walSync = walSync
        commits = GroupCommit(pool: pool, walSync: walSync)
    }

    // MARK: - Time and ids

    static func now() -> SCIMDateTime {
        let t = Date().timeIntervalSince1970
        let s = t.rounded(.down)
        // Millisecond precision: what meta timestamps show and filters compare.
        return SCIMDateTime(seconds: Int64(s), nanoseconds: Int32(((t - s) * 1000).rounded(.down)) * 1_000_000)
    }

    static func nanoseconds(_ t: SCIMDateTime) -> Int64 {
        t.seconds &* 1_000_000_000 &+ Int64(t.nanoseconds)
    }

    static func instant(_ ns: Int64) -> SCIMDateTime {
        var s = ns / 1_000_000_000
        var n = ns % 1_000_000_000
        if n < 0 {
            n += 1_000_000_000
            s -= 1
        }
        return SCIMDateTime(seconds: s, nanoseconds: Int32(n))
    }

    static func newID() -> String { UUID().uuidString.lowercased() }

    /// Runs a write in a transaction (shared with concurrent writes, see `GroupCommit`), returning
    /// once it is committed. `body` may run more than once: it must depend on the database alone.
    func write<T: Sendable>(_ body: @Sendable @escaping (Database) throws -> T) async throws -> T {
        try await commits.write(body)
    }

    /// A short read (one indexed statement) on the caller's thread. GRDB's async read hops to a reader
    /// queue and back; on a loaded two-core machine those two thread wake-ups cost several times the
    /// query itself (see BENCHMARKS.md). Long reads (lists, member lists) use `read`.
    func readNow<T>(_ body: (Database) throws -> T) throws -> T {
        // One statement needs no surrounding transaction: SQLite runs it on one snapshot.
        try pointReaders.read(body)
    }

    /// Like `readNow`, for a few short statements that must see one snapshot.
    func readNowConsistently<T>(_ body: (Database) throws -> T) throws -> T {
        try pointReaders.readConsistently(body)
    }

    /// A read that may be long, in one transaction (one snapshot), awaited on a GRDB reader queue.
    func read<T: Sendable>(_ body: @Sendable @escaping (Database) throws -> T) async throws -> T {
        try await pool.read(body)
    }

    // MARK: - Channels and credentials

    package func createChannel(named name: String) async throws -> Channel {
        let created = Self.now()
        return try await write { db in
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM channel WHERE name = ?", arguments: [name]) == true {
                throw SCIMError.uniqueness("A channel named '\(name)' already exists.")
            }
            try db.execute(
                sql: "INSERT INTO channel (name, created) VALUES (?, ?)",
                arguments: [name, Self.nanoseconds(created)]
            )
            return Channel(key: db.lastInsertedRowID, name: name, created: created)
        }
    }

    package func channel(named name: String) async throws -> Channel? {
        try readNow { db in
            try Row.fetchOne(
                db.cachedStatement(sql: "SELECT key, name, created FROM channel WHERE name = ?"),
                arguments: [name]
            )
            .map(Self.channel(from:))
        }
    }

    package func channels() async throws -> [Channel] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT key, name, created FROM channel ORDER BY name").map(Self.channel(from:))
        }
    }

    static func channel(from row: Row) -> Channel {
        Channel(key: row["key"], name: row["name"], created: instant(row["created"]))
    }

    package func recordRequest(toChannel channel: Channel, at: SCIMDateTime) async throws {
        let ns = Self.nanoseconds(at)
        try await write { db in
            try db.execute(
                sql: "UPDATE channel SET last_request = ? WHERE key = ? AND (last_request IS NULL OR last_request < ?)",
                arguments: [ns, channel.key, ns]
            )
        }
    }

    package func lastRequests() async throws -> [String: SCIMDateTime] {
        try await read { db in
            var times: [String: SCIMDateTime] = [:]
            for row in try Row.fetchAll(
                db,
                sql: "SELECT name, last_request FROM channel WHERE last_request IS NOT NULL"
            ) {
                times[row["name"]] = Self.instant(row["last_request"])
            }
            return times
        }
    }

    package func deleteChannel(named name: String) async throws -> Bool {
        try await write { db in
            guard let key = try Int64.fetchOne(db, sql: "SELECT key FROM channel WHERE name = ?", arguments: [name])
            else {
                return false
            }
            // Edge and email tables carry no foreign key (they are keyed for speed); clear them first.
            try db.execute(sql: "DELETE FROM membership WHERE channel_key = ?", arguments: [key])
            try db.execute(sql: "DELETE FROM scim_user_email WHERE channel_key = ?", arguments: [key])
            try db.execute(sql: "DELETE FROM scim_user_stamp WHERE channel_key = ?", arguments: [key])
            try db.execute(sql: "DELETE FROM channel WHERE key = ?", arguments: [key])
            return true
        }
    }

    package func addCredential(_ credential: NewCredential, to channel: Channel) async throws {
        let created = Self.nanoseconds(Self.now())
        try await write { db in
            try db.execute(
                sql: """
                    INSERT INTO credential (channel_key, kind, lookup_key, secret_hash, salt, created)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    channel.key, credential.kind.rawValue, credential.lookupKey, Data(credential.secretHash),
                    Data(credential.salt), created,
                ]
            )
        }
    }

    package func removeCredentials(of kind: CredentialKind, from channel: Channel) async throws {
        try await write { db in
            try db.execute(
                sql: "DELETE FROM credential WHERE channel_key = ? AND kind = ?",
                arguments: [channel.key, kind.rawValue]
            )
        }
    }

    package func credentials(of channel: Channel) async throws -> [StoredCredential] {
        try await read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT c.kind, c.lookup_key, c.secret_hash, c.salt, ch.key, ch.name, ch.created
                    FROM credential c JOIN channel ch ON ch.key = c.channel_key WHERE c.channel_key = ?
                    """,
                arguments: [channel.key]
            ).compactMap(Self.credential(from:))
        }
    }

    package func credentials(kind: CredentialKind, lookupKey: String) async throws -> [StoredCredential] {
        try readNow { db in
            try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT c.kind, c.lookup_key, c.secret_hash, c.salt, ch.key, ch.name, ch.created
                        FROM credential c JOIN channel ch ON ch.key = c.channel_key WHERE c.kind = ? AND c.lookup_key = ?
                        """
                ),
                arguments: [kind.rawValue, lookupKey]
            ).compactMap(Self.credential(from:))
        }
    }

    static func credential(from row: Row) -> StoredCredential? {
        guard let kind = CredentialKind(rawValue: row["kind"]) else { return nil }
        let hash: Data = row["secret_hash"]
        let salt: Data = row["salt"]
        return StoredCredential(
            channel: Channel(key: row["key"], name: row["name"], created: instant(row["created"])),
            kind: kind,
            lookupKey: row["lookup_key"],
            secretHash: Array(hash),
            salt: Array(salt)
        )
    }
}
