import Foundation
import Synchronization

/// A token bucket shared by every worker of one target: `requestsPerMinute` sustained, `burst` at once,
/// and a pause until a moment the target named (`Retry-After`).
public final class TokenBucket: Sendable {
    struct State {
        var tokens: Double
        var last: ContinuousClock.Instant
        var pausedUntil: ContinuousClock.Instant
    }

    let ratePerSecond: Double
    let capacity: Double
    private let state: Mutex<State>

    public init(requestsPerMinute: Int, burst: Int) {
        ratePerSecond = Double(max(requestsPerMinute, 1)) / 60
        capacity = Double(max(burst, 1))
        let now = ContinuousClock.now
        state = Mutex(State(tokens: Double(max(burst, 1)), last: now, pausedUntil: now))
    }

    /// Waits until a request may be sent, then takes one token.
    public func acquire() async throws {
        while true {
            let wait: Duration = state.withLock { s in
                let now = ContinuousClock.now
                if s.pausedUntil > now { return s.pausedUntil - now }
                let elapsed = now - s.last
                s.tokens = min(capacity, s.tokens + ratePerSecond * (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18))
                s.last = now
                if s.tokens >= 1 {
                    s.tokens -= 1
                    return .zero
                }
                return .milliseconds(Int64(((1 - s.tokens) / ratePerSecond * 1000).rounded(.up)))
            }
            if wait == .zero { return }
            try await Task.sleep(for: wait)
        }
    }

    /// Holds every request back for `duration` (the target said so with `Retry-After`).
    public func pause(for duration: Duration) {
        state.withLock { s in
            let until = ContinuousClock.now + duration
            if until > s.pausedUntil { s.pausedUntil = until }
            s.tokens = 0
        }
    }
}
