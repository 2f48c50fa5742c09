import Foundation
import Synchronization

/// Makes commits durable off the writer's path.
///
/// With `synchronous = FULL`, SQLite's writer waits for the fsync of every commit before it can start
/// the next one: in the IdP benchmark's membership phase the writer spent about a fifth of its time
/// waiting for the disk. Instead the writer commits without syncing (`synchronous = NORMAL`) and hands
/// the commit's callers to this type, which syncs the WAL file on a thread of its own while the writer
/// goes on with the next batch. A caller resumes only after a sync that started after its commit has
/// returned, so every `2xx` is on disk exactly as before; one sync serves every commit made before it.
///
/// What changes is that a commit is visible to readers a few milliseconds before it is durable. The
/// store never lets it leave the bridge before: the outbox hands out entries only after a sync (see
/// `SQLiteStore.dueOutboxEntries`).
final class WALSync: Sendable {
    /// Called once the sync covering a commit has returned (or failed).
    typealias Waiter = @Sendable (Result<Void, any Error>) -> Void

    private struct State {
        var waiting: [Waiter] = []
        var syncing = false
    }

    private let state = Mutex(State())
    private let sync: @Sendable () throws -> Void
    private let queue = DispatchQueue(label: "scim-bridge.wal-sync")

    /// Syncs the WAL file at `walPath` (the database path followed by `-wal`).
    convenience init(walPath: String) {
        self.init { try Self.fdatasync(path: walPath) }
    }

    /// Syncs with `sync` (tests count, delay or fail syncs with it).
    init(sync: @escaping @Sendable () throws -> Void) {
        self.sync = sync
    }

    /// Calls `done` once everything committed before this call is on disk.
    func afterSync(_ done: @escaping Waiter) {
        let start = state.withLock { s -> Bool in
            s.waiting.append(done)
            if s.syncing { return false }
            s.syncing = true
            return true
        }
        if start { queue.async { self.syncWhileWaited() } }
    }

    /// Returns once everything committed before the call is on disk.
    func barrier() async throws {
        try await withCheckedThrowingContinuation { (c: CheckedContinuation<Void, any Error>) in
            afterSync { c.resume(with: $0) }
        }
    }

    /// Syncs until nobody waits. A waiter that arrives during a sync waits for the next one: the
    /// running sync may have started before its commit.
    private func syncWhileWaited() {
        while true {
            let waiters = state.withLock { s -> [Waiter] in
                let w = s.waiting
                s.waiting = []
                if w.isEmpty { s.syncing = false }
                return w
            }
            if waiters.isEmpty { return }
            let result = Result { try sync() }
            for w in waiters { w(result) }
        }
    }

    /// The disk did not confirm a sync: what was committed may not survive a power cut.
    struct SyncFailed: Error, CustomStringConvertible {
        var path: String
        var errno: Int32
        var description: String { "fdatasync of '\(path)' failed: \(String(cString: strerror(errno)))" }
    }

    /// `fdatasync` of the file at `path`: any descriptor of a file flushes all of its written data.
    static func fdatasync(path: String) throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw SyncFailed(path: path, errno: errno) }
        defer { close(fd) }
        #if canImport(Darwin)
            guard fcntl(fd, F_FULLFSYNC) == 0 else { throw SyncFailed(path: path, errno: errno) }
        #else
            guard Glibc.fdatasync(fd) == 0 else { throw SyncFailed(path: path, errno: errno) }
        #endif
    }
}
