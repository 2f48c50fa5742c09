import GRDB
import ServiceContextModule
import Synchronization

/// Group commit: writes that arrive while a commit is under way wait for it, then share the next
/// transaction, and so one fsync. A write that fails is rolled back alone and reports its own error;
/// the others commit. A caller still resumes only after the commit that holds its write, so every
/// `2xx` is on disk as before, at a fraction of the fsyncs.
///
/// A batch first runs its writes straight in the transaction. Only when one fails is the transaction
/// rolled back and the batch run again without it, each write then in its own savepoint. Savepoints
/// are not free: SQLite journals the first change of every page inside one (a statement journal, in
/// a temporary file), which cost about a tenth of the IdP benchmark's membership phase. Running a
/// write again is safe because a write is a function of the database (and of values it captured);
/// it has no other effects.
///
/// With one writer at a time this is an ordinary transaction per write: nothing waits for company.
///
/// With a `WALSync`, a batch's callers wait for the fsync on another thread while the writer runs the
/// next batch (the writer then commits with `synchronous = NORMAL`).
final class GroupCommit: Sendable {
    private struct Pending: Sendable {
        let body: @Sendable (Database) throws -> any Sendable
        let continuation: CheckedContinuation<any Sendable, any Error>
    }

    private struct Queue {
        var pending: [Pending] = []
        var draining = false
    }

    private let pool: DatabasePool
    private let queue = Mutex(Queue())
    /// Most writes in one transaction: bounds the latency a batch adds to its first member.
    private let maxBatch: Int

    /// When set, commits do not wait for the disk: their callers resume after `walSync` (see there).
    private let walSync: WALSync?

    init(pool: DatabasePool, maxBatch: Int = 128, walSync: WALSync? = nil) {
        self.pool = pool
        self.maxBatch = maxBatch
        self.walSync = walSync
    }

    /// Writes waiting for the next transaction (tests use it to fill a batch on purpose).
    var waiting: Int { queue.withLock { $0.pending.count } }

    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        let value = try await withCheckedThrowingContinuation { (c: CheckedContinuation<any Sendable, any Error>) in
            let startDrain = queue.withLock { q -> Bool in
                // The writer runs `body` in its own task: it sees the caller's trace context (the span an
                // outbox entry written by `body` continues), not the writer's.
                let context = ServiceContext.current
                q.pending.append(
                    Pending(
                        body: { db in try ServiceContext.$current.withValue(context) { try body(db) } },
                        continuation: c
                    )
                )
                if q.draining { return false }
                q.draining = true
                return true
            }
            if startDrain { Task { await self.drain() } }
        }
        // The value is the one `body` returned, boxed on the way through the batch.
        return value as! T
    }

    // The transaction and savepoint statements run prepared: GRDB's `inTransaction` and `inSavepoint`
    // compile their SQL on every call, a measurable share of a small write (and of a read, see
    // `PointReaders.readConsistently`).

    /// Runs `body` in an IMMEDIATE transaction, committed when it returns, rolled back when it throws.
    private static func inTransaction<T>(_ db: Database, _ body: () throws -> T) throws -> T {
        try db.cachedStatement(sql: "BEGIN IMMEDIATE TRANSACTION").execute()
        do {
            let result = try body()
            try db.cachedStatement(sql: "COMMIT TRANSACTION").execute()
            return result
        } catch {
            if !db.isInsideTransaction { throw error }
            try? db.cachedStatement(sql: "ROLLBACK TRANSACTION").execute()
            throw error
        }
    }

    /// Runs `body` in a savepoint, released when it returns; rolled back to (its writes undone, the
    /// transaction kept) when it throws.
    private static func inSavepoint<T>(_ db: Database, _ body: () throws -> T) throws -> T {
        try db.cachedStatement(sql: "SAVEPOINT write").execute()
        do {
            let result = try body()
            try db.cachedStatement(sql: "RELEASE SAVEPOINT write").execute()
            return result
        } catch {
            if db.isInsideTransaction {
                try db.cachedStatement(sql: "ROLLBACK TRANSACTION TO SAVEPOINT write").execute()
                try db.cachedStatement(sql: "RELEASE SAVEPOINT write").execute()
            }
            throw error
        }
    }

    /// One batch in one transaction: straight, or, after a failure, again with savepoints.
    private static func run(_ batch: [Pending], _ db: Database) throws -> [Result<any Sendable, any Error>] {
        try db.cachedStatement(sql: "BEGIN IMMEDIATE TRANSACTION").execute()
        var results: [Result<any Sendable, any Error>] = []
        results.reserveCapacity(batch.count)
        for (i, p) in batch.enumerated() {
            do {
                results.append(.success(try p.body(db)))
            } catch {
                // Its partial changes cannot be undone alone: undo the transaction, keep this write's
                // error, and run the others again, each in a savepoint.
                if db.isInsideTransaction { try? db.cachedStatement(sql: "ROLLBACK TRANSACTION").execute() }
                var others = batch
                others.remove(at: i)
                var rerun = others.isEmpty ? [] : try runWithSavepoints(others, db)
                rerun.insert(.failure(error), at: i)
                return rerun
            }
        }
        do {
            try db.cachedStatement(sql: "COMMIT TRANSACTION").execute()
        } catch {
            if db.isInsideTransaction { try? db.cachedStatement(sql: "ROLLBACK TRANSACTION").execute() }
            throw error
        }
        return results
    }

    /// The batch in one transaction, each write in its own savepoint: one that fails is rolled back
    /// alone. An error SQLite answers by rolling back the whole transaction (a full disk, say) fails
    /// the rest of the batch: none of it may run outside the transaction.
    private static func runWithSavepoints(_ batch: [Pending], _ db: Database) throws -> [Result<
        any Sendable, any Error
    >] {
        try inTransaction(db) {
            var aborted: (any Error)?
            return batch.map { p -> Result<any Sendable, any Error> in
                if let aborted { return .failure(aborted) }
                do {
                    return .success(try inSavepoint(db) { try p.body(db) })
                } catch {
                    if !db.isInsideTransaction { aborted = error }
                    return .failure(error)
                }
            }
        }
    }

    /// Commits batches until no write is waiting.
    private func drain() async {
        while true {
            let batch = queue.withLock { q -> [Pending] in
                guard !q.pending.isEmpty else {
                    q.draining = false
                    return []
                }
                let n = min(maxBatch, q.pending.count)
                let batch = Array(q.pending.prefix(n))
                q.pending.removeFirst(n)
                return batch
            }
            if batch.isEmpty { return }
            do {
                let results = try await pool.writeWithoutTransaction { db in try Self.run(batch, db) }
                guard let walSync else {
                    for (p, r) in zip(batch, results) { p.continuation.resume(with: r) }
                    continue
                }
                // The next batch executes while this one's commit reaches the disk.
                walSync.afterSync { synced in
                    for (p, r) in zip(batch, results) {
                        if case .failure(let error) = synced, case .success = r {
                            p.continuation.resume(throwing: error)
                        } else {
                            p.continuation.resume(with: r)
                        }
                    }
                }
            } catch {
                // The commit itself failed: none of the batch is written.
                for p in batch { p.continuation.resume(throwing: error) }
            }
        }
    }
}
