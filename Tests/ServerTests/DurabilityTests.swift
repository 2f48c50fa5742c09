import Foundation
import GRDB
import Testing

@testable import Store

/// The writer commits with the durability asked for: `full` syncs the WAL on every commit.
@Suite("Store: durability")
struct DurabilityTests {
    /// `PRAGMA synchronous` of the writer connection (0 off, 1 normal, 2 full).
    static func writerSynchronous(_ durability: SQLiteStore.Durability) throws -> Int {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("durability-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try SQLiteStore(path: dir.appendingPathComponent("d.sqlite").path, durability: durability)
        return try store.pool.write { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1 }
    }

    // GRDB sets `synchronous = NORMAL` on a pool's writer after the connection is prepared; this
    // test failed before the store set it again.
    @Test("full durability: the writer syncs every commit (synchronous = FULL)")
    func fullIsFull() throws {
        #expect(try Self.writerSynchronous(.full) == 2)
    }

    @Test("normal durability: the writer syncs at checkpoints (synchronous = NORMAL)")
    func normalIsNormal() throws {
        #expect(try Self.writerSynchronous(.normal) == 1)
    }
}
