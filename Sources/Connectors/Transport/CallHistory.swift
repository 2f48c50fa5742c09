/// How many calls went to a target in each of the last minutes, as a pure value (callers pass the
/// minute): what the console draws against the target's rate limit.
package struct CallHistory: Sendable, Hashable {
    /// Minutes kept.
    package let span: Int
    private var counts: [Int]
    /// The minute `counts` was last brought up to date for (its slot is `latest % span`).
    private var latest: Int

    package init(span: Int = 15, minute: Int = 0) {
        self.span = max(span, 1)
        counts = Array(repeating: 0, count: self.span)
        latest = minute
    }

    /// One call in `minute`.
    package mutating func record(minute: Int) {
        advance(to: minute)
        counts[minute % span] += 1
    }

    /// Calls per minute, oldest first, the last entry being `minute` (still running).
    package func perMinute(at minute: Int) -> [Int] {
        var copy = self
        copy.advance(to: minute)
        return (0..<span).map { copy.counts[(minute - span + 1 + $0 + span * 2) % span] }
    }

    /// Clears the slots of the minutes that passed without a call.
    private mutating func advance(to minute: Int) {
        guard minute > latest else { return }
        for m in (latest + 1)...min(minute, latest + span) { counts[m % span] = 0 }
        latest = minute
    }
}

/// A target's rate-limit budget shared by every replica of the bridge (kept in the database), which
/// `TokenBucket` consults after its own state: three replicas together send no more than the limit.
package protocol SharedRateBudget: Sendable {
    /// Takes one call from the budget: nil when it may go now, or how long to wait before asking again.
    func take() async throws -> Duration?
}
