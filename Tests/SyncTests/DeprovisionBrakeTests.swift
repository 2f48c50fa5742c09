import Sync
import Testing

/// The pure state of `safety.maxDeprovisions`: counting within the hour, pausing before the change
/// that would cross the limit, plans, and resuming.
struct DeprovisionBrakeTests {
    let start = ContinuousClock.now

    @Test func pausesBeforeTheDeprovisionThatWouldCrossTheLimitAndHoldsUntilResumed() {
        var brake = DeprovisionBrake(limit: 3)
        for i in 0..<3 { #expect(brake.admit(at: start + .seconds(i)) == .proceed) }
        guard case .pause(let reason) = brake.admit(at: start + .seconds(3)) else {
            Issue.record("the fourth was let through")
            return
        }
        #expect(reason.contains("3 deprovisions") && reason.contains("safety.maxDeprovisions 3"), "\(reason)")
        #expect(brake.admit(at: start + .seconds(7200)) == .hold(reason: reason), "a pause outlasts the window")
        brake.resume(approving: 0, at: start + .seconds(7200))
        #expect(brake.pausedReason == nil)
        #expect(brake.admit(at: start + .seconds(7201)) == .proceed)
    }

    @Test func deprovisionsOlderThanAnHourNoLongerCount() {
        var brake = DeprovisionBrake(limit: 2)
        #expect(brake.admit(at: start) == .proceed)
        #expect(brake.admit(at: start + .seconds(1800)) == .proceed)
        #expect(brake.admit(at: start + .seconds(3600)) == .proceed, "the first is an hour old")
        #expect(brake.count(at: start + .seconds(3600)) == 2)
        if case .proceed = brake.admit(at: start + .seconds(3601)) { Issue.record("a third within the hour went") }
    }

    @Test func aFailedCallIsNotCounted() {
        var brake = DeprovisionBrake(limit: 1)
        #expect(brake.admit(at: start) == .proceed)
        brake.release(admittedAt: start)
        #expect(brake.admit(at: start + .seconds(1)) == .proceed)
    }

    @Test func aPlanAboveTheLimitPausesBeforeItsFirstDeprovision() {
        var brake = DeprovisionBrake(limit: 5)
        for i in 0..<2 { _ = brake.admit(at: start + .seconds(i)) }
        #expect(brake.allow(planned: 3, at: start + .seconds(2)) == .proceed, "2 made + 3 planned = 5")
        guard case .pause(let reason) = brake.allow(planned: 4, at: start + .seconds(2)) else {
            Issue.record("a plan of 4 after 2 went")
            return
        }
        #expect(reason.contains("plans 4") && reason.contains("2 were made"), "\(reason)")
        #expect(brake.allow(planned: 0, at: start + .seconds(3)) == .hold(reason: reason))
    }

    @Test func aResumeApprovesWhatWasHeldSoItGoesThroughWithoutASecondPause() {
        var brake = DeprovisionBrake(limit: 2)
        for i in 0..<2 { _ = brake.admit(at: start + .seconds(i)) }
        if case .proceed = brake.admit(at: start + .seconds(2)) { Issue.record("the third went") }
        brake.resume(approving: 3, at: start + .seconds(5))
        for i in 0..<5 { #expect(brake.admit(at: start + .seconds(10 + i)) == .proceed, "\(i)") }
        if case .proceed = brake.admit(at: start + .seconds(20)) { Issue.record("beyond limit and approval") }

        var planned = DeprovisionBrake(limit: 5)
        if case .proceed = planned.allow(planned: 10, at: start) { Issue.record("a plan of 10 went") }
        planned.resume(approving: 0, at: start)
        #expect(planned.allow(planned: 10, at: start + .seconds(1)) == .proceed, "the plan that paused is approved")
        for i in 0..<10 { #expect(planned.admit(at: start + .seconds(2 + i)) == .proceed) }
        // An hour without deprovisions: the approval lapses.
        _ = planned.count(at: start + .seconds(2 + 9 + 3600))
        #expect(planned.allow(planned: 6, at: start + .seconds(2 + 9 + 3600)) != .proceed)
    }
}
