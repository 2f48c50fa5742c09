import Synchronization

/// The rate-limit state of one target shared by everything that calls it (its outbox worker, the
/// scheduled reconciliation, `plan`, `sync` and `doctor` in the same process): the async wrapper that
/// sleeps where `RateLimitState` says to wait.
package final class TokenBucket: Sendable {
    private let state: Mutex<RateLimitState>
    /// The target's name, which labels the metrics of every call made under this bucket.
    package let target: String

    package init(requestsPerMinute: Int, burst: Int, target: String = "") {
        state = Mutex(RateLimitState(requestsPerMinute: requestsPerMinute, burst: burst, now: .now))
        self.target = target
    }

    /// Waits until a request (to `resource`, when given: see `RateLimitState.resourceKey(of:)`) may be
    /// sent, then takes one token. Called right before the request goes out, so that nothing waiting
    /// here slips into a pause that began while it waited.
    package func acquire(resource: String? = nil) async throws {
        while true {
            switch state.withLock({ $0.acquire(resource: resource, now: .now) }) {
            case .send: return
            case .wait(let until): try await Task.sleep(until: until, clock: .continuous)
            }
        }
    }

    /// Holds requests back for `duration`: every request to the target, or those to one resource.
    package func pause(for duration: Duration, scope: RateLimitState.Scope = .target) {
        state.withLock { $0.pause(scope, until: .now + duration) }
    }

    /// How long the target-wide pause still runs.
    package var pauseRemaining: Duration { state.withLock { $0.pauseRemaining(at: .now) } }
}
