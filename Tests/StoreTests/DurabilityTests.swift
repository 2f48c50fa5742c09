import Foundation
import GRDB
import Testing

@testable import Store

/// The writer commits with the durability asked for: `full` syncs the WAL on every commit, by default
/// behind the writer (`WALSync`, see WALSyncTests), or in the writer itself.
@Suite("Store: durability")
struct DurabilityTests {
    static func withStore<T>(_ make: (String) throws -> SQLiteStore, _ body: (SQLiteStore) throws -> T) throws -> T {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("durability-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        return try body(try make(dir.appendingPathComponent("d.sqlite").path))
    }

    /// `PRAGMA synchronous` of the writer connection (0 off, 1 normal, 2 full).
    static func writerSynchronous(_ store: SQLiteStore) throws -> Int {
        try store.pool.write { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1 }
    }

    // GRDB sets `synchronous = NORMAL` on a pool's writer after the connection is prepared; this
    // test failed before the store set it again.
    @Test("full durability in the writer: it syncs every commit (synchronous = FULL)")
    func fullInTheWriterIsFull() throws {
        let synchronous = try Self.withStore(
            { try SQLiteStore(path: $0, durability: .full, walSync: nil) },
            Self.writerSynchronous
        )
        #expect(synchronous == 2)
    }

    @Test("full durability, the default, syncs behind the writer")
    func fullByDefaultSyncsBehindTheWriter() throws {
        let synced = try Self.withStore({ try SQLiteStore(path: $0) }) { $0.walSync != nil }
        #expect(synced)
    }

    @Test("normal durability: the writer syncs at checkpoints (synchronous = NORMAL), nothing syncs behind it")
    func normalIsNormal() throws {
        let (synchronous, synced) = try Self.withStore({ try SQLiteStore(path: $0, durability: .normal) }) {
            (try Self.writerSynchronous($0), $0.walSync != nil)
        }
        #expect(synchronous == 1)
        #expect(!synced)
    }
}
