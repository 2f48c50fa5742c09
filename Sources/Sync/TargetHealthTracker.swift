package import Logging
package import Store
import Synchronization

/// Whether the bridge can currently work with one target, as its worker sees it: healthy, failing
/// (`failingAfter` deliveries in a row failed and will be retried: the target is down or throttling),
/// or unable to authenticate (a secret that cannot be read, a refused credential). Transitions are
/// logged and recorded in the store once each, not per failed delivery.
package final class TargetHealthTracker: Sendable {
    struct State {
        var authenticationFailure: String?
        /// Consecutive probes that failed to authenticate (the retry delay grows with them).
        var failedProbes = 0
        /// Consecutive deliveries that failed otherwise, and whether that was reported.
        var failedDeliveries = 0
        var failingReported = false
        /// When the last success was written to the store (at most one write per `successEvery`).
        var successRecorded: ContinuousClock.Instant?
    }

    /// How often a run of successful deliveries updates the target's "last success" in the store.
    static let successEvery: Duration = .seconds(10)

    /// Consecutive failed deliveries after which the target is reported failing.
    package static let failingAfter = 5

    package let target: String
    let store: any SyncStore
    let logger: Logger
    private let state = Mutex(State())

    package init(target: String, store: any SyncStore, logger: Logger) {
        self.target = target
        self.store = store
        self.logger = logger
    }

    /// Whether the last delivery failed because the bridge cannot authenticate (the worker then probes).
    package var isAuthenticating: Bool { state.withLock { $0.authenticationFailure != nil } }

    /// Why the bridge cannot authenticate, while it cannot.
    package var authenticationFailure: String? { state.withLock { $0.authenticationFailure } }

    /// 1 s after the first failure, doubling up to `cap`.
    package func authenticationRetryDelay(cap: Duration) -> Duration {
        let n = state.withLock { $0.failedProbes }
        return min(.seconds(1) * (1 << min(max(n - 1, 0), 10)), cap)
    }

    func cannotAuthenticate(_ reason: String) async {
        let first = state.withLock { s in
            defer {
                s.authenticationFailure = reason
                s.failedProbes += 1
            }
            return s.authenticationFailure == nil
        }
        if first {
            logger.error(
                "target unhealthy: cannot authenticate; deliveries wait and are retried",
                metadata: ["target": "\(target)", "error": "\(reason)"]
            )
            await record(.unauthenticated, error: reason)
        }
    }

    /// A delivery failed for a reason other than authentication (it will be retried or was dead-lettered).
    func failed(_ reason: String) async {
        let report = state.withLock { s in
            s.failedDeliveries += 1
            guard s.failedDeliveries >= Self.failingAfter, !s.failingReported, s.authenticationFailure == nil else {
                return false
            }
            s.failingReported = true
            return true
        }
        if report {
            logger.error(
                "target failing: deliveries fail and are retried",
                metadata: ["target": "\(target)", "error": "\(reason)"]
            )
            await record(.failing, error: reason)
        }
    }

    func succeeded() async {
        let now = ContinuousClock.now
        let (recovered, due) = state.withLock { s in
            defer {
                s.authenticationFailure = nil
                s.failedProbes = 0
                s.failedDeliveries = 0
                s.failingReported = false
            }
            let due = s.successRecorded.map { now - $0 >= Self.successEvery } ?? true
            if due { s.successRecorded = now }
            return (s.authenticationFailure != nil || s.failingReported, due)
        }
        if recovered {
            logger.notice("target healthy again", metadata: ["target": "\(target)"])
            await record(.healthy, error: nil)
        }
        if due {
            do {
                try await store.recordSuccess(target: target, at: TargetWorker.now())
            } catch {
                logger.warning("target's last success could not be recorded", metadata: ["target": "\(target)"])
            }
        }
    }

    /// Writes a transition to the store, where `status` and the admin API read it. A store that
    /// cannot take it is logged and otherwise ignored: reporting must not stop delivery.
    func record(_ health: TargetHealth, error: String?) async {
        do {
            try await store.recordHealth(target: target, health: health, error: error, at: TargetWorker.now())
        } catch {
            logger.error(
                "target health could not be recorded",
                metadata: ["target": "\(target)", "errorType": "\(type(of: error))", "error": "\(error)"]
            )
        }
    }
}
