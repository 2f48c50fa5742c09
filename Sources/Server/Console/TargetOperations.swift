/// What the console asks of the targets themselves rather than of the store: their recent calls, a
/// reconciliation's plan, a pass now, and a same-named group as the target holds it. `serve` gives
/// the console one, built from the same connectors its workers use.
package protocol TargetOperations: Sendable {
    /// This process's calls to the target per minute, oldest first, and its configured limit.
    func calls(target: String) -> TargetCalls?
    /// The calls a reconciliation of the target would make now (nothing is changed).
    func plan(target: String) async throws -> TargetPlan
    /// Runs one reconciliation pass of the target now, in the background; says what happened to the request.
    func reconcileNow(target: String) async -> String
    /// The target's groups named `displayName`, with their members as the target lists them.
    func sameNamedGroups(target: String, displayName: String) async throws -> [TargetGroupView]
}

/// A target's calls per minute against its limit.
package struct TargetCalls: Sendable, Hashable {
    /// Oldest first; the last minute is still running.
    package var perMinute: [Int]
    package var limitPerMinute: Int
    /// Seconds left of a pause the target asked for (`Retry-After`); 0 when it is not throttling.
    package var throttledFor: Int

    package init(perMinute: [Int], limitPerMinute: Int, throttledFor: Int = 0) {
        self.perMinute = perMinute
        self.limitPerMinute = limitPerMinute
        self.throttledFor = throttledFor
    }
}

/// What a reconciliation of a target would do.
package struct TargetPlan: Sendable, Hashable {
    /// One line per call, as `scim-bridge plan` prints them.
    package var calls: [String]
    /// The groups it leaves alone because they are blocked.
    package var blocked: [String]

    package init(calls: [String], blocked: [String]) {
        self.calls = calls
        self.blocked = blocked
    }
}

/// A group as a target holds it.
package struct TargetGroupView: Sendable, Hashable {
    package var id: String
    package var displayName: String
    /// The target's ids of its members.
    package var members: [String]

    package init(id: String, displayName: String, members: [String]) {
        self.id = id
        self.displayName = displayName
        self.members = members
    }
}
