import Synchronization

/// The targets a process is reconciling right now: a second pass of the same target (the schedule
/// and the console's "reconcile now" at once) is refused rather than run beside the first.
final class ReconciliationLocks: Sendable {
    private let held = Mutex<Set<String>>([])

    /// Runs `body` holding `target`, or returns false at once if it is held.
    func with(_ target: String, _ body: @Sendable () async throws -> Void) async throws -> Bool {
        guard held.withLock({ $0.insert(target).inserted }) else { return false }
        defer { _ = held.withLock { $0.remove(target) } }
        try await body()
        return true
    }
}
