import Synchronization

/// The rate-limit state of one target shared by everything that calls it (its outbox worker, the
/// scheduled reconciliation, `plan`, `sync` and `doctor` in the same process): the async wrapper that
/// sleeps where `RateLimitState` says to wait.
package final class TokenBucket: Sendable {
    private let state: Mutex<RateLimitState>
    private let history: Mutex<CallHistory>
    /// The target's name, which labels the metrics of every call made under this bucket.
    package let target: String
    /// The configured limit, for whoever shows the calls against it.
    package let requestsPerMinute: Int
    /// The budget shared with the other replicas on the same database, if any.
    let shared: (any SharedRateBudget)?
    private let started = ContinuousClock.Instant.now

    package init(requestsPerMinute: Int, burst: Int, target: String = "", shared: (any SharedRateBudget)? = nil) {
        state = Mutex(RateLimitState(requestsPerMinute: requestsPerMinute, burst: burst, now: .now))
        history = Mutex(CallHistory())
        self.target = target
        self.requestsPerMinute = requestsPerMinute
        self.shared = shared
    }

    /// Waits until a request (to `resource`, when given: see `RateLimitState.resourceKey(of:)`) may be
    /// sent, then takes one token. Called right before the request goes out, so that nothing waiting
    /// here slips into a pause that began while it waited.
    package func acquire(resource: String? = nil) async throws {
        while true {
            switch state.withLock({ $0.acquire(resource: resource, now: .now) }) {
            case .send:
                // This process may send; the replicas together may not yet.
                while let shared, let wait = try await shared.take() { try await Task.sleep(for: wait) }
                let minute = self.minute(.now)
                history.withLock { $0.record(minute: minute) }
                return
            case .wait(let until): try await Task.sleep(until: until, clock: .continuous)
            }
        }
    }

    /// Calls sent in each of the last minutes (by this process), oldest first; the last is running.
    package var callsPerMinute: [Int] {
        let minute = self.minute(.now)
        return history.withLock { $0.perMinute(at: minute) }
    }

    private func minute(_ now: ContinuousClock.Instant) -> Int {
        Int((now - started).components.seconds / 60)
    }

    /// Holds requests back for `duration`: every request to the target, or those to one resource.
    package func pause(for duration: Duration, scope: RateLimitState.Scope = .target) {
        state.withLock { $0.pause(scope, until: .now + duration) }
    }

    /// How long the target-wide pause still runs.
    package var pauseRemaining: Duration { state.withLock { $0.pauseRemaining(at: .now) } }
}
