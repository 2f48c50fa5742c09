/// `safety.maxDeprovisions` of one target as a pure state machine over instants the caller supplies:
/// the deprovisions (users disabled or deleted, groups deleted) let through within the last hour, and
/// whether the next one, or a plan of several, may go. Once it pauses it stays paused until `resume`,
/// like Entra's accidental-deletions prevention. Pure.
package struct DeprovisionBrake: Sendable {
    /// What the caller does with the deprovision it asked about.
    package enum Decision: Sendable, Equatable {
        /// Make the call; it is counted.
        case proceed
        /// Do not, and pause the target now, for this reason (record it, say it).
        case pause(reason: String)
        /// Do not: the target is already paused, for this reason.
        case hold(reason: String)
    }

    /// The most deprovisions within `window`.
    package let limit: Int
    /// How far back deprovisions count.
    package static let window: Duration = .seconds(3600)

    /// When each deprovision counted in the window was let through, oldest first.
    private(set) var admitted: [ContinuousClock.Instant] = []
    /// Why the brake holds; nil while deprovisions may go.
    package private(set) var pausedReason: String?
    /// Deprovisions an administrator let through beyond `limit` when resuming; they lapse once an
    /// hour passes after the resume and the last deprovision.
    private(set) var approved = 0
    private var resumedAt: ContinuousClock.Instant?
    /// The size of the plan that paused the brake, which a resume approves.
    package private(set) var heldPlan = 0

    package init(limit: Int) { self.limit = limit }

    /// The deprovisions counted in the hour before `now`.
    package mutating func count(at now: ContinuousClock.Instant) -> Int {
        admitted.removeAll { now - $0 >= Self.window }
        if admitted.isEmpty, resumedAt.map({ now - $0 >= Self.window }) ?? true { approved = 0 }
        return admitted.count
    }

    /// Whether one more deprovision may go now; counts it when it may.
    package mutating func admit(at now: ContinuousClock.Instant) -> Decision {
        if let pausedReason { return .hold(reason: pausedReason) }
        let made = count(at: now)
        guard made < limit + approved else {
            return pause(
                "\(made) deprovisions (users disabled or deleted, groups deleted) within an hour reached safety.maxDeprovisions \(limit)"
            )
        }
        admitted.append(now)
        return .proceed
    }

    /// Takes back a deprovision admitted at `instant` whose call failed: it will be asked for again.
    package mutating func release(admittedAt instant: ContinuousClock.Instant) {
        if let i = admitted.lastIndex(of: instant) { admitted.remove(at: i) }
    }

    /// Whether a plan (reconciliation) with `planned` deprovisions may start; pauses before the first
    /// of them when it would cross the limit.
    package mutating func allow(planned: Int, at now: ContinuousClock.Instant) -> Decision {
        if let pausedReason { return .hold(reason: pausedReason) }
        let made = count(at: now)
        guard planned > 0, made + planned > limit + approved else { return .proceed }
        heldPlan = planned
        return pause(
            "a reconciliation plans \(planned) deprovisions (users disabled or deleted, groups deleted), and \(made) were made within the hour: above safety.maxDeprovisions \(limit)"
        )
    }

    /// Holds the brake for `reason` (a pause recorded before a restart).
    package mutating func pause(_ reason: String) -> Decision {
        pausedReason = reason
        return .pause(reason: reason)
    }

    /// An administrator looked: the pause ends, the count starts again from zero, and `held` more
    /// deprovisions than the limit may go within the next hour (what was held: the queued changes,
    /// or the plan that paused), so that what was looked at goes through without a second pause.
    package mutating func resume(approving held: Int, at now: ContinuousClock.Instant) {
        resumedAt = now
        pausedReason = nil
        admitted = []
        approved = max(held, heldPlan)
        heldPlan = 0
    }
}
