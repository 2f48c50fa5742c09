import GRDB
import Synchronization

/// Group commit: writes that arrive while a commit is under way wait for it, then share the next
/// transaction, and so one fsync. Each write runs in its own savepoint, so one that fails is rolled
/// back alone and reports its own error; the others commit. A caller still resumes only after the
/// commit that holds its write, so every `2xx` is on disk as before, at a fraction of the fsyncs.
///
/// With one writer at a time this is an ordinary transaction per write: nothing waits for company.
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

    init(pool: DatabasePool, maxBatch: Int = 128) {
        self.pool = pool
        self.maxBatch = maxBatch
    }

    /// Writes waiting for the next transaction (tests use it to fill a batch on purpose).
    var waiting: Int { queue.withLock { $0.pending.count } }

    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        let value = try await withCheckedThrowingContinuation { (c: CheckedContinuation<any Sendable, any Error>) in
            let startDrain = queue.withLock { q -> Bool in
                q.pending.append(Pending(body: { try body($0) }, continuation: c))
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
                let results = try await pool.writeWithoutTransaction { db in
                    try Self.inTransaction(db) {
                        var aborted: (any Error)?
                        return batch.map { p -> Result<any Sendable, any Error> in
                            // An error SQLite answers by rolling back the whole transaction (a full
                            // disk, say) fails the rest of the batch: none of it may run outside it.
                            if let aborted { return .failure(aborted) }
                            do {
                                return .success(try Self.inSavepoint(db) { try p.body(db) })
                            } catch {
                                if !db.isInsideTransaction { aborted = error }
                                return .failure(error)
                            }
                        }
                    }
                }
                for (p, r) in zip(batch, results) { p.continuation.resume(with: r) }
            } catch {
                // The commit itself failed: none of the batch is written.
                for p in batch { p.continuation.resume(throwing: error) }
            }
        }
    }
}
