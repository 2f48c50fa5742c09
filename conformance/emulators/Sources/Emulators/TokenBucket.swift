/// The token bucket behind a `RateLimit`: it holds up to `burst` tokens, refills at
/// `requests / perSeconds` tokens a second, and each request takes one. A pure state machine over
/// an explicit time, so that tests need no clock.
public struct TokenBucket: Sendable, Hashable {
    public let limit: RateLimit
    private var tokens: Double
    private var updated: Duration?

    /// A full bucket.
    public init(limit: RateLimit) {
        self.limit = limit
        tokens = Double(limit.burst)
    }

    private var refillPerSecond: Double { Double(limit.requests) / limit.perSeconds }

    /// Takes a token at `now` (time since any fixed origin, never decreasing). Returns `nil` when
    /// the request may go ahead, else the whole seconds until a token is back (at least 1): the
    /// `Retry-After` value.
    public mutating func take(at now: Duration) -> Int? {
        if let updated, now > updated {
            let elapsed =
                Double(now.components.seconds) - Double(updated.components.seconds)
                + (Double(now.components.attoseconds) - Double(updated.components.attoseconds)) / 1e18
            tokens = min(Double(limit.burst), tokens + elapsed * refillPerSecond)
        }
        if updated.map({ now > $0 }) ?? true { updated = now }
        if tokens >= 1 {
            tokens -= 1
            return nil
        }
        let wait = (1 - tokens) / refillPerSecond
        return max(1, Int(wait.rounded(.up)))
    }
}
