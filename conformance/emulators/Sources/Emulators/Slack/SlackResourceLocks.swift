/// Slack's per-resource concurrency rule (targets.md §B "Rate limits", Concurrency): one update to a
/// given user or group at a time; a second non-GET request to a resource that is still being updated
/// is refused with 429 and `Retry-After`, however far below the rate limit. A pure state machine over
/// an explicit time: the emulator locks when an update starts and unlocks when it has been applied.
public struct SlackResourceLocks: Sendable {
    /// Resource key (`/Users/U…`) → when its update is expected to end.
    private var held: [String: Duration] = [:]

    public init() {}

    /// Locks `key` for an update expected to last until `until`. nil when locked; else the whole
    /// seconds (at least 1) until the update in progress should end: the `Retry-After` value.
    public mutating func lock(_ key: String, now: Duration, until: Duration) -> Int? {
        if let end = held[key] {
            let remaining = end - now
            let seconds = Double(remaining.components.seconds) + Double(remaining.components.attoseconds) / 1e18
            return max(1, Int(seconds.rounded(.up)))
        }
        held[key] = until
        return nil
    }

    /// The update of `key` is over.
    public mutating func unlock(_ key: String) {
        held[key] = nil
    }

    /// Whether `key` is being updated.
    public func isLocked(_ key: String) -> Bool { held[key] != nil }
}
