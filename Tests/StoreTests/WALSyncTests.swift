import Foundation
import GRDB
import Membership
import SCIM
import Synchronization
import TestSupport
import Testing

@testable import Store

/// Under `full` durability the writer commits without waiting for the disk, and `WALSync` syncs
/// behind it: a write returns only after a sync that started after its commit, a failed sync fails
/// the write, one sync serves many commits, and the outbox hands out nothing before a sync.
@Suite("Store: the fsync behind the writer")
struct WALSyncTests {
    /// A sync that counts, can be slowed down, and can be made to fail.
    final class Disk: Sendable {
        struct Refused: Error {}
        let syncs = Atomic<Int>(0)
        let delayMicroseconds: UInt32
        let failing = Atomic<Bool>(false)
        init(delayMicroseconds: UInt32 = 0) { self.delayMicroseconds = delayMicroseconds }
        func sync() throws {
            if delayMicroseconds > 0 { usleep(delayMicroseconds) }
            if failing.load(ordering: .relaxed) { throw Refused() }
            syncs.add(1, ordering: .relaxed)
        }
    }

    static func store(_ disk: Disk) throws -> (SQLiteStore, URL) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("walsync-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let store = try SQLiteStore(
            path: dir.appendingPathComponent("s.sqlite").path,
            durability: .full,
            walSync: WALSync { try disk.sync() }
        )
        return (store, dir)
    }

    @Test("a write returns only after a sync has run since its commit")
    func writesWaitForTheirSync() async throws {
        let disk = Disk(delayMicroseconds: 50_000)
        let (store, dir) = try Self.store(disk)
        defer { try? FileManager.default.removeItem(at: dir) }
        let channel = try await store.createChannel(named: "c")
        let before = disk.syncs.load(ordering: .relaxed)
        let clock = ContinuousClock()
        let started = clock.now
        _ = try await store.create(.user, in: channel, resource: StoredBodies.user("u"), members: [])
        #expect(clock.now - started >= .milliseconds(50), "the write waited for the (slow) sync")
        #expect(disk.syncs.load(ordering: .relaxed) > before)
    }

    @Test("the writer commits without syncing itself (synchronous = NORMAL) while WALSync syncs")
    func theWriterDoesNotSync() async throws {
        let (store, dir) = try Self.store(Disk())
        defer { try? FileManager.default.removeItem(at: dir) }
        let synchronous = try await store.pool.write { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") }
        #expect(synchronous == 1)
    }

    @Test("one sync serves the commits made before it: 40 concurrent writes, fewer syncs")
    func syncsAreShared() async throws {
        let disk = Disk(delayMicroseconds: 5_000)
        let (store, dir) = try Self.store(disk)
        defer { try? FileManager.default.removeItem(at: dir) }
        let channel = try await store.createChannel(named: "c")
        let before = disk.syncs.load(ordering: .relaxed)
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            for i in 0..<40 {
                tasks.addTask {
                    _ = try await store.create(.user, in: channel, resource: StoredBodies.user("u\(i)"), members: [])
                }
            }
            try await tasks.waitForAll()
        }
        let syncs = disk.syncs.load(ordering: .relaxed) - before
        #expect(syncs >= 1 && syncs < 40, "\(syncs) syncs for 40 concurrent writes")
        #expect(try await store.query(.user, in: channel, ResourceQuery(count: 100)).totalResults == 40)
    }

    @Test("a sync the disk refuses fails the write (no 2xx for a change that may not survive)")
    func aFailedSyncFailsTheWrite() async throws {
        let disk = Disk()
        let (store, dir) = try Self.store(disk)
        defer { try? FileManager.default.removeItem(at: dir) }
        let channel = try await store.createChannel(named: "c")
        disk.failing.store(true, ordering: .relaxed)
        await #expect(throws: Disk.Refused.self) {
            _ = try await store.create(.user, in: channel, resource: StoredBodies.user("u"), members: [])
        }
        disk.failing.store(false, ordering: .relaxed)
        _ = try await store.create(.user, in: channel, resource: StoredBodies.user("v"), members: [])
    }

    @Test("the outbox hands out entries only after a sync")
    func outboxEntriesAreDurableBeforeDelivery() async throws {
        let disk = Disk()
        let (store, dir) = try Self.store(disk)
        defer { try? FileManager.default.removeItem(at: dir) }
        let channel = try await store.createChannel(named: "c")
        try await store.setTargets(["t"], for: channel)
        _ = try await store.create(.user, in: channel, resource: StoredBodies.user("u"), members: [])
        let before = disk.syncs.load(ordering: .relaxed)
        let due = try await store.dueOutboxEntries(target: "t", limit: 10, now: SQLiteStore.now())
        #expect(!due.isEmpty)
        #expect(
            disk.syncs.load(ordering: .relaxed) > before,
            "a sync ran between reading the entries and handing them out"
        )
    }

    @Test("with the real fdatasync, writes commit and are there after reopening")
    func realSync() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("walsync-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("s.sqlite").path
        do {
            let store = try SQLiteStore(path: path)
            #expect(store.walSync != nil, "full durability, the default, syncs behind the writer")
            let channel = try await store.createChannel(named: "c")
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                for i in 0..<10 {
                    tasks.addTask {
                        _ = try await store.create(
                            .user,
                            in: channel,
                            resource: StoredBodies.user("u\(i)"),
                            members: []
                        )
                    }
                }
                try await tasks.waitForAll()
            }
        }
        let reopened = try SQLiteStore(path: path)
        let channel = try #require(try await reopened.channels().first)
        #expect(try await reopened.query(.user, in: channel, ResourceQuery(count: 100)).totalResults == 10)
    }

    @Test("a missing WAL file is an error, not a silent success")
    func missingFile() throws {
        #expect(throws: WALSync.SyncFailed.self) { try WALSync.fdatasync(path: "/nonexistent/x.sqlite-wal") }
    }
}
