import Synchronization

/// Whether a target's worker loop runs and when it last went round, for `/readyz`: shared between the
/// worker, which reports, and the server, which reads.
package final class WorkerActivity: Sendable {
    private let state = Mutex<(running: Bool, lastRound: ContinuousClock.Instant?)>((false, nil))

    package init() {}

    /// Whether the worker's loop runs now.
    package var running: Bool { state.withLock { $0.running } }

    /// How long ago the loop last went round; nil before it first did.
    package var idle: Duration? { state.withLock { s in s.lastRound.map { ContinuousClock.now - $0 } } }

    func started() { state.withLock { $0 = (true, .now) } }
    func round() { state.withLock { $0.lastRound = .now } }
    func stopped() { state.withLock { $0.running = false } }
}
