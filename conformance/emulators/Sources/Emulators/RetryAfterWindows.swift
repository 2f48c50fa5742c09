/// The `Retry-After` windows an emulator has opened, and the judge of the requests that arrive.
///
/// An answer carrying `Retry-After: N` opens a window from the moment it is sent until N seconds
/// later, for the whole target or for one resource. A request that *arrives* inside an open window
/// that covers it is a violation: its client did not wait as told. Requests are judged by arrival
/// time, so one that was already in flight when the refusal went out (it arrived before the window
/// opened) is not; nor is one arriving within `inFlightGrace` of the window's opening. Such a request
/// may have been sent before its client could read the refusal, and its arrival is stamped when the
/// emulator gets to handle it, which on a loaded machine (two cores, a whole test suite) was seen
/// up to some 150 ms late. A client that ignores `Retry-After` keeps sending through the whole
/// window and is flagged all the same. A pure state machine over an explicit time (since any fixed
/// origin), like `TokenBucket`, so that tests need no clock.
public struct RetryAfterWindows: Sendable {
    struct Window: Sendable {
        var start: Duration
        var end: Duration
        var retryAfter: Int
    }

    private var target: Window?
    private var resources: [String: Window] = [:]
    /// How long after a window opens a request still counts as sent before its client heard of it.
    public var inFlightGrace: Duration

    public init(inFlightGrace: Duration = .milliseconds(250)) {
        self.inFlightGrace = inFlightGrace
    }

    /// Records an answer sent at `now` with `Retry-After: seconds`. `0` opens no window (there is
    /// nothing to wait for). While a window of the same scope is still open the two merge: the
    /// earlier start, the later end.
    public mutating func open(_ scope: RetryAfterScope, retryAfter seconds: Int, at now: Duration) {
        guard seconds > 0 else { return }
        switch scope {
        case .target:
            target = Self.merged(target, seconds, now)
        case .resource(let key):
            // Closed windows are forgotten here, so that a long run keeps only the open ones.
            resources = resources.filter { $0.value.end > now }
            resources[key] = Self.merged(resources[key], seconds, now)
        }
    }

    private static func merged(_ existing: Window?, _ seconds: Int, _ now: Duration) -> Window {
        let fresh = Window(start: now, end: now + .seconds(seconds), retryAfter: seconds)
        guard let existing, existing.end > now else { return fresh }
        return existing.end >= fresh.end ? existing : Window(start: existing.start, end: fresh.end, retryAfter: seconds)
    }

    /// The violation a request that arrived at `arrival` commits, or nil. Every request is covered
    /// by an open target window; `resource` is what the request would update (its path for a
    /// write, nil for a read or a collection), and only such a request is covered by that
    /// resource's window. A request inside both counts once, against the window that ends last.
    public func judge(method: String, path: String, resource: String?, arrivedAt arrival: Duration)
        -> RetryAfterViolation?
    {
        var found: (window: Window, scope: RetryAfterScope)?
        if let target, target.covers(arrival, grace: inFlightGrace) { found = (target, .target) }
        if let resource, let window = resources[resource], window.covers(arrival, grace: inFlightGrace),
            window.end > (found?.window.end ?? .zero)
        {
            found = (window, .resource(resource))
        }
        guard let found else { return nil }
        let early = found.window.end - arrival
        let milliseconds = Double(early.components.seconds) * 1000 + Double(early.components.attoseconds) / 1e15
        return RetryAfterViolation(
            method: method,
            path: path,
            millisecondsBeforeEnd: max(1, Int(milliseconds.rounded(.up))),
            scope: found.scope,
            retryAfter: found.window.retryAfter
        )
    }

    /// Whether a window of this scope is open at `now`.
    public func isOpen(_ scope: RetryAfterScope, at now: Duration) -> Bool {
        switch scope {
        case .target: target.map { $0.end > now } ?? false
        case .resource(let key): resources[key].map { $0.end > now } ?? false
        }
    }
}

extension RetryAfterWindows.Window {
    func covers(_ instant: Duration, grace: Duration) -> Bool { start + grace <= instant && instant < end }
}
