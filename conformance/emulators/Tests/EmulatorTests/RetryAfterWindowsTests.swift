import Emulators
import SCIM
import Testing

/// The `Retry-After` window state machine on an explicit clock: which arrivals it flags, how early,
/// and for which scope.
@Suite struct RetryAfterWindowsTests {
    @Test func aTargetWindowCoversEveryRequestUntilItsEnd() throws {
        var windows = RetryAfterWindows()
        windows.open(.target, retryAfter: 1, at: .seconds(10))
        let early = try #require(
            windows.judge(method: "GET", path: "/Users", resource: nil, arrivedAt: .seconds(10) + .milliseconds(300))
        )
        #expect(
            early
                == RetryAfterViolation(
                    method: "GET",
                    path: "/Users",
                    millisecondsBeforeEnd: 700,
                    scope: .target,
                    retryAfter: 1
                )
        )
        #expect(early.isTargetWide)
        // A write to a resource is covered by a target window too.
        #expect(
            windows.judge(method: "PATCH", path: "/Groups/g", resource: "/Groups/g", arrivedAt: .milliseconds(10_999))
                != nil
        )
        // At the end, the wait is over.
        #expect(windows.judge(method: "GET", path: "/Users", resource: nil, arrivedAt: .seconds(11)) == nil)
        #expect(!windows.isOpen(.target, at: .seconds(11)))
    }

    @Test func aRequestThatArrivedBeforeTheRefusalWasSentIsNotFlagged() {
        var windows = RetryAfterWindows()
        windows.open(.target, retryAfter: 2, at: .seconds(5))
        // Judged after the window opened, but it arrived (was in flight) before: not a violation.
        #expect(windows.judge(method: "POST", path: "/Users", resource: nil, arrivedAt: .milliseconds(4_990)) == nil)
        // Sent by a concurrent request of the client before it could read the refusal: within the grace.
        #expect(windows.judge(method: "POST", path: "/Users", resource: nil, arrivedAt: .seconds(5)) == nil)
        #expect(
            windows.judge(method: "POST", path: "/Users", resource: nil, arrivedAt: .seconds(5) + .milliseconds(249))
                == nil
        )
        #expect(
            windows.judge(method: "POST", path: "/Users", resource: nil, arrivedAt: .seconds(5) + .milliseconds(250))
                != nil
        )
    }

    @Test func retryAfterZeroOpensNoWindow() {
        var windows = RetryAfterWindows()
        windows.open(.target, retryAfter: 0, at: .seconds(1))
        #expect(!windows.isOpen(.target, at: .seconds(1)))
        #expect(windows.judge(method: "GET", path: "/Users", resource: nil, arrivedAt: .seconds(1)) == nil)
    }

    @Test func aResourceWindowCoversOnlyWritesToThatResource() throws {
        var windows = RetryAfterWindows()
        windows.open(.resource("/Groups/S1"), retryAfter: 2, at: .zero)
        let at = Duration.milliseconds(500)
        let v = try #require(windows.judge(method: "PATCH", path: "/Groups/S1", resource: "/Groups/S1", arrivedAt: at))
        #expect(v.scope == .resource("/Groups/S1"))
        #expect(!v.isTargetWide)
        #expect(v.millisecondsBeforeEnd == 1_500)
        #expect(v.json["scope"] == "resource")
        #expect(v.json["resource"] == "/Groups/S1")
        // Another resource, a read of the same one (resource nil: reads never lock), the collection: not covered.
        #expect(windows.judge(method: "PATCH", path: "/Groups/S2", resource: "/Groups/S2", arrivedAt: at) == nil)
        #expect(windows.judge(method: "GET", path: "/Groups/S1", resource: nil, arrivedAt: at) == nil)
        #expect(windows.judge(method: "POST", path: "/Groups", resource: nil, arrivedAt: at) == nil)
    }

    @Test func overlappingWindowsMergeAndARequestCountsOnceAgainstTheLaterEnd() throws {
        var windows = RetryAfterWindows()
        windows.open(.target, retryAfter: 1, at: .zero)
        windows.open(.target, retryAfter: 3, at: .milliseconds(500))
        windows.open(.resource("/Users/U1"), retryAfter: 1, at: .milliseconds(600))
        // Inside both: counted once, against the target window, which ends later (3.5 s).
        let v = try #require(
            windows.judge(method: "PUT", path: "/Users/U1", resource: "/Users/U1", arrivedAt: .seconds(1))
        )
        #expect(v.scope == .target)
        #expect(v.retryAfter == 3)
        #expect(v.millisecondsBeforeEnd == 2_500)
        // A shorter window inside a longer one does not shorten it.
        windows.open(.target, retryAfter: 1, at: .seconds(2))
        #expect(windows.isOpen(.target, at: .milliseconds(3_400)))
    }

    @Test func theCountersKeepTheLatestViolationsButCountThemAll() {
        var counters = EmulatorCounters()
        for i in 0..<(EmulatorCounters.retryAfterViolationLimit + 5) {
            counters.record(
                RetryAfterViolation(
                    method: "GET",
                    path: "/Users/\(i)",
                    millisecondsBeforeEnd: 1,
                    scope: .target,
                    retryAfter: 1
                )
            )
        }
        #expect(counters.requestsInsideRetryAfter == EmulatorCounters.retryAfterViolationLimit + 5)
        #expect(counters.retryAfterViolations.count == EmulatorCounters.retryAfterViolationLimit)
        #expect(counters.retryAfterViolations.first?.path == "/Users/5")
        #expect(
            counters.json["requestsInsideRetryAfter"]?.integerValue
                == Int64(EmulatorCounters.retryAfterViolationLimit + 5)
        )
    }
}
