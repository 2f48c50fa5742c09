public import Logging
public import Store
import Synchronization

/// Whether the bridge can currently work with one target, as its worker sees it: healthy, or unable
/// to authenticate (a secret that cannot be read, a refused credential). Changes are logged once per
/// transition, not per failed delivery.
public final class TargetHealthTracker: Sendable {
    struct State {
        var authenticationFailure: String?
        /// Consecutive probes that failed to authenticate (the retry delay grows with them).
        var failedProbes = 0
    }

    public let target: String
    let store: any SyncStore
    let logger: Logger
    private let state = Mutex(State())

    public init(target: String, store: any SyncStore, logger: Logger) {
        self.target = target
        self.store = store
        self.logger = logger
    }

    /// Whether the last delivery failed because the bridge cannot authenticate (the worker then probes).
    public var isAuthenticating: Bool { state.withLock { $0.authenticationFailure != nil } }

    /// Why the bridge cannot authenticate, while it cannot.
    public var authenticationFailure: String? { state.withLock { $0.authenticationFailure } }

    /// 1 s after the first failure, doubling up to `cap`.
    public func authenticationRetryDelay(cap: Duration) -> Duration {
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
                "target unhealthy: cannot authenticate; deliveries wait and are retried", metadata: ["target": "\(target)", "error": "\(reason)"])
            await record(.unauthenticated, error: reason)
        }
    }

    func succeeded() async {
        let recovered = state.withLock { s in
            defer {
                s.authenticationFailure = nil
                s.failedProbes = 0
            }
            return s.authenticationFailure != nil
        }
        if recovered {
            logger.notice("target healthy again: authentication works", metadata: ["target": "\(target)"])
            await record(.healthy, error: nil)
        }
    }

    /// Writes a transition to the store, where `status` and the admin API read it. A store that
    /// cannot take it is logged and otherwise ignored: reporting must not stop delivery.
    func record(_ health: TargetHealth, error: String?) async {
        do {
            try await store.recordHealth(target: target, health: health, error: error, at: TargetWorker.now())
        } catch {
            logger.error(
                "target health could not be recorded", metadata: ["target": "\(target)", "errorType": "\(type(of: error))", "error": "\(error)"])
        }
    }
}
