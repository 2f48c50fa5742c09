import Connectors
import Testing

/// The token bucket and `Retry-After` pauses as a pure state machine, driven by made-up instants.
@Suite("Rate-limit state")
struct RateLimitStateTests {
    typealias Decision = RateLimitState.Decision
    static let t0 = ContinuousClock.now
    static func at(_ ms: Int64) -> ContinuousClock.Instant { t0 + .milliseconds(ms) }

    /// One step: a request (to `resource`) at `ms`, or a pause the target asked for, and what follows.
    enum Step: Sendable, CustomStringConvertible {
        case acquire(resource: String?, at: Int64, expect: Expected)
        case pause(RateLimitState.Scope, until: Int64)

        var description: String {
            switch self {
            case .acquire(let r, let at, let e): "acquire \(r ?? "-") at \(at) ms → \(e)"
            case .pause(let scope, let until): "pause \(scope) until \(until) ms"
            }
        }
    }

    enum Expected: Sendable, Equatable, CustomStringConvertible {
        case send
        case waitUntil(Int64)
        var description: String {
            switch self {
            case .send: "send"
            case .waitUntil(let ms): "wait until \(ms) ms"
            }
        }
    }

    struct Case: Sendable, CustomStringConvertible {
        var name: String
        var perMinute: Int
        var burst: Int
        var steps: [Step]
        var description: String { name }
    }

    static let cases: [Case] = [
        Case(
            name: "a full bucket sends its burst at once, then one request per token interval",
            perMinute: 60,
            burst: 3,
            steps: [
                .acquire(resource: nil, at: 0, expect: .send), .acquire(resource: nil, at: 0, expect: .send),
                .acquire(resource: nil, at: 0, expect: .send), .acquire(resource: nil, at: 0, expect: .waitUntil(1000)),
                .acquire(resource: nil, at: 1000, expect: .send),
                .acquire(resource: nil, at: 1000, expect: .waitUntil(2000)),
            ]
        ),
        Case(
            name: "an idle bucket refills up to its burst, no further",
            perMinute: 600,
            burst: 2,
            steps: [
                .acquire(resource: nil, at: 0, expect: .send), .acquire(resource: nil, at: 0, expect: .send),
                .acquire(resource: nil, at: 60_000, expect: .send), .acquire(resource: nil, at: 60_000, expect: .send),
                .acquire(resource: nil, at: 60_000, expect: .waitUntil(60_100)),
            ]
        ),
        Case(
            name: "a target-wide pause holds back every request, and the bucket refills only from its end",
            perMinute: 60,
            burst: 5,
            steps: [
                .acquire(resource: nil, at: 0, expect: .send), .pause(.target, until: 3000),
                .acquire(resource: nil, at: 100, expect: .waitUntil(3000)),
                .acquire(resource: "/groups/a", at: 2999, expect: .waitUntil(3000)),
                .acquire(resource: nil, at: 3000, expect: .waitUntil(4000)),
                .acquire(resource: nil, at: 4000, expect: .send),
            ]
        ),
        Case(
            name: "a shorter pause does not cut a longer one short",
            perMinute: 6000,
            burst: 10,
            steps: [
                .pause(.target, until: 5000), .pause(.target, until: 1000),
                .acquire(resource: nil, at: 2000, expect: .waitUntil(5000)),
                .pause(.resource("/users/u1"), until: 9000), .pause(.resource("/users/u1"), until: 6000),
                .acquire(resource: "/users/u1", at: 7000, expect: .waitUntil(9000)),
            ]
        ),
        Case(
            name: "a resource's pause holds back that resource only, and ends on time",
            perMinute: 6000,
            burst: 10,
            steps: [
                .pause(.resource("/groups/a"), until: 2000),
                .acquire(resource: "/groups/a", at: 0, expect: .waitUntil(2000)),
                .acquire(resource: "/groups/b", at: 0, expect: .send), .acquire(resource: nil, at: 0, expect: .send),
                .acquire(resource: "/groups/a", at: 2000, expect: .send),
            ]
        ),
        Case(
            name: "under a resource's pause, the target's longer pause still rules",
            perMinute: 6000,
            burst: 10,
            steps: [
                .pause(.resource("/groups/a"), until: 2000), .pause(.target, until: 3000),
                .acquire(resource: "/groups/a", at: 0, expect: .waitUntil(3000)),
            ]
        ),
    ]

    @Test(arguments: cases)
    func decides(_ c: Case) {
        var state = RateLimitState(requestsPerMinute: c.perMinute, burst: c.burst, now: Self.t0)
        for step in c.steps {
            switch step {
            case .pause(let scope, let until):
                state.pause(scope, until: Self.at(until))
            case .acquire(let resource, let at, let expected):
                let decision = state.acquire(resource: resource, now: Self.at(at))
                let wanted: Decision =
                    switch expected {
                    case .send: .send
                    case .waitUntil(let ms): .wait(until: Self.at(ms))
                    }
                #expect(decision == wanted, "\(step)")
            }
        }
    }

    @Test func pauseRemainingCountsDownToZero() {
        var state = RateLimitState(requestsPerMinute: 60, burst: 1, now: Self.t0)
        #expect(state.pauseRemaining(at: Self.t0) == .zero)
        state.pause(.target, until: Self.at(1500))
        #expect(state.pauseRemaining(at: Self.at(500)) == .seconds(1))
        #expect(state.pauseRemaining(at: Self.at(1500)) == .zero)
        #expect(state.pauseRemaining(at: Self.at(9000)) == .zero)
    }

    @Test(arguments: [
        ("/Groups/AbC/members?x=1", "/groups/abc"), ("/Users/u1", "/users/u1"), ("/Users?filter=x", "/users"),
        ("/Groups", "/groups"), ("/admin/directory/v1/users/a@b.c", "/admin/directory"),
    ])
    func resourceKeys(_ path: String, _ key: String) {
        #expect(RateLimitState.resourceKey(of: path) == key)
    }
}
