import GRDB
import Synchronization

/// A few read-only connections for short indexed reads, claimed without a lock.
///
/// GRDB's `DatabasePool` hands out its readers through a lock built on a concurrent dispatch queue
/// and a semaphore; for a read of a few microseconds that hand-out cost more than the read (replacing
/// it took `GET /Users/{id}` from 4,100 to 6,600 req/s, see BENCHMARKS.md). Here a connection is claimed with one atomic
/// compare-and-swap on a bit mask and used on the caller's thread. When all are busy, the caller
/// falls back to the pool, so a read never waits for one of these.
final class PointReaders: Sendable {
    private let connections: [DatabaseQueue]
    /// Bit `i` set: connection `i` is in use.
    private let busy = Atomic<UInt64>(0)
    private let fallback: DatabasePool

    init(path: String, configuration: Configuration, count: Int, fallback: DatabasePool) throws {
        precondition(count > 0 && count <= 64)
        var config = configuration
        config.readonly = true
        connections = try (0..<count).map { _ in try DatabaseQueue(path: path, configuration: config) }
        self.fallback = fallback
    }

    /// Runs `body` on a free connection (a statement outside a transaction reads one snapshot).
    /// `body` must not start another read: past the free connections, the pool refuses reentrancy.
    func read<T>(_ body: (Database) throws -> T) throws -> T {
        guard let index = claim() else { return try fallback.unsafeRead(body) }
        defer { release(index) }
        return try connections[index].unsafeRead(body)
    }

    /// Runs `body` in one read transaction, so that several statements see one snapshot.
    /// BEGIN and COMMIT run as prepared statements: `inTransaction` compiles their SQL on every call,
    /// which cost a GET by id about 5% of its time.
    func readConsistently<T>(_ body: (Database) throws -> T) throws -> T {
        try read { db in
            try db.cachedStatement(sql: "BEGIN DEFERRED TRANSACTION").execute()
            let result: T
            do {
                result = try body(db)
            } catch {
                try? db.cachedStatement(sql: "ROLLBACK TRANSACTION").execute()
                throw error
            }
            try db.cachedStatement(sql: "COMMIT TRANSACTION").execute()
            return result
        }
    }

    private func claim() -> Int? {
        var current = busy.load(ordering: .relaxed)
        while true {
            let free = ~current & (connections.count == 64 ? ~0 : (UInt64(1) << connections.count) - 1)
            guard free != 0 else { return nil }
            let index = free.trailingZeroBitCount
            let (exchanged, original) = busy.compareExchange(
                expected: current,
                desired: current | (UInt64(1) << index),
                ordering: .acquiring
            )
            if exchanged { return index }
            current = original
        }
    }

    private func release(_ index: Int) {
        busy.bitwiseAnd(~(UInt64(1) << index), ordering: .releasing)
    }
}
