/// Capped exponential backoff with full jitter: the delay before retry `attempt` (1-based).
/// A target's `Retry-After`, when given, is honoured as the minimum.
package struct Backoff: Sendable, Hashable {
    package var base: Duration
    package var cap: Duration

    package init(base: Duration = .milliseconds(500), cap: Duration = .seconds(300)) {
        self.base = base
        self.cap = cap
    }

    /// The delay for `attempt`, drawn with `random` in [0, 1) so tests can pin it.
    package func delay(attempt: Int, retryAfter: Duration?, random: Double) -> Duration {
        let exponent = min(max(attempt - 1, 0), 30)
        let ceiling = min(cap, base * (1 << exponent))
        let jittered = ceiling * random
        if let retryAfter, retryAfter > jittered { return retryAfter }
        return jittered
    }
}
