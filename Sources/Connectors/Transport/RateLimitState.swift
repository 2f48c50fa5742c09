/// The rate-limit state of one target as a pure value: a token bucket (`requestsPerMinute` sustained,
/// `burst` at once) and the pauses the target asked for with `Retry-After`, for the whole target or for
/// one resource. It never reads a clock or sleeps: callers pass `now` and obey the decision, so that
/// tests drive it with made-up instants.
package struct RateLimitState: Sendable {
    package typealias Instant = ContinuousClock.Instant

    /// What a `Retry-After` (or a vendor's own "slow down") speaks for.
    package enum Scope: Sendable, Hashable {
        /// Every request to the target (rate limits, an overloaded service).
        case target
        /// Requests to one resource only (Slack's lock on a group being updated), by `resourceKey(of:)`.
        case resource(String)
    }

    /// What a caller about to send a request must do.
    package enum Decision: Sendable, Hashable {
        /// Send now; a token was taken.
        case send
        /// Ask again at this instant (a pause runs until then, or the bucket refills by then).
        case wait(until: Instant)
    }

    let ratePerSecond: Double
    let capacity: Double
    var tokens: Double
    /// When `tokens` was last brought up to date.
    var last: Instant
    var pausedUntil: Instant
    var resourcePausedUntil: [String: Instant] = [:]

    package init(requestsPerMinute: Int, burst: Int, now: Instant) {
        ratePerSecond = Double(max(requestsPerMinute, 1)) / 60
        capacity = Double(max(burst, 1))
        tokens = capacity
        last = now
        pausedUntil = now
    }

    /// Whether a request (to `resource`, when it names one) may be sent at `now`.
    package mutating func acquire(resource: String?, now: Instant) -> Decision {
        var until = pausedUntil
        if let resource, let paused = resourcePausedUntil[resource] {
            if paused > now { until = max(until, paused) } else { resourcePausedUntil[resource] = nil }
        }
        if until > now { return .wait(until: until) }
        refill(now)
        if tokens >= 1 {
            tokens -= 1
            return .send
        }
        return .wait(until: now + Self.seconds((1 - tokens) / ratePerSecond))
    }

    /// The target said to wait until `until` (for everything, or for one resource). A target-wide pause
    /// also empties the bucket and refills it only from the pause's end: a burst the moment the pause
    /// ends would be answered with the next 429.
    package mutating func pause(_ scope: Scope, until: Instant) {
        switch scope {
        case .target:
            if until > pausedUntil { pausedUntil = until }
            tokens = 0
            if until > last { last = until }
        case .resource(let key):
            if let old = resourcePausedUntil[key], old >= until {} else { resourcePausedUntil[key] = until }
            if resourcePausedUntil.count > 1024 {
                resourcePausedUntil = resourcePausedUntil.filter { $0.value > until - .seconds(3600) }
            }
        }
    }

    /// How long the target-wide pause still runs at `now` (zero when none).
    package func pauseRemaining(at now: Instant) -> Duration { pausedUntil > now ? pausedUntil - now : .zero }

    mutating func refill(_ now: Instant) {
        guard now > last else { return }
        let elapsed = now - last
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        tokens = min(capacity, tokens + ratePerSecond * seconds)
        last = now
    }

    static func seconds(_ s: Double) -> Duration { .nanoseconds(Int64((s * 1e9).rounded(.up))) }

    /// The resource a request path speaks of for per-resource pauses: the path without its query,
    /// cut after the resource's id (`/Groups/abc/members` → `/Groups/abc`), lowercased.
    package static func resourceKey(of path: String) -> String {
        let bare =
            path.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? path
        let segments = bare.split(separator: "/")
        return "/" + segments.prefix(2).joined(separator: "/").lowercased()
    }
}
