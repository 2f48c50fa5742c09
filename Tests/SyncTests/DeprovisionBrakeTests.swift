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
        brake.resume()
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
}
