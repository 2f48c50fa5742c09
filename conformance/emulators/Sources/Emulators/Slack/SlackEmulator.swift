public import SCIM
internal import Synchronization

/// An in-memory emulation of Slack's SCIM v2 API (`https://api.slack.com/scim/v2`) faithful to the
/// contract of targets.md §B and §E "Slack": bearer auth, `U…`/`S…` ids, Slack error bodies and codes,
/// user-name rewriting, DELETE as deactivation, the org-wide rate-limit table (scaled by
/// `rateScale`), one update at a time per resource (`updateDuration`), injected faults, and the
/// state, counters and recorded requests tests assert on. Serve it with `EmulatorServer` or
/// `withRunningEmulator`; the admin API is under `/_emulator`.
public final class SlackEmulator: Sendable {
    public struct Configuration: Sendable {
        /// The token every request must carry as `Authorization: Bearer <token>`.
        public var token: String
        /// Every figure of Slack's rate-limit table multiplied by this (requests per minute and
        /// burst); nil for no rate limits at all.
        public var rateScale: Double?
        /// How long a write to a user or group takes; while it runs, another non-GET to the same
        /// resource is refused (429 `resource_locked`). Zero: writes are instant and never collide.
        public var updateDuration: Duration
        public var faults: FaultPlan
        /// Channel names that exist in the org: no user may take one as its user name.
        public var channelNames: [String]
        /// Keep every request (method, path, body, status) for `recordedRequests()`.
        public var recordRequests: Bool

        public init(
            token: String = SlackEmulator.defaultToken,
            rateScale: Double? = 1,
            updateDuration: Duration = .zero,
            faults: FaultPlan = .none,
            channelNames: [String] = [],
            recordRequests: Bool = true
        ) {
            self.token = token
            self.rateScale = rateScale
            self.updateDuration = updateDuration
            self.faults = faults
            self.channelNames = channelNames
            self.recordRequests = recordRequests
        }
    }

    public static let basePath = "/scim/v2"
    public static let defaultToken = "xoxp-emulator-token"

    public let configuration: Configuration

    struct State {
        var directory = SlackDirectory()
        var injector: FaultInjector
        var limits: SlackRateLimits?
        var locks = SlackResourceLocks()
        var windows = RetryAfterWindows()
        var counters = EmulatorCounters()
        var limitedBy: [String: Int] = [:]
        var resourceLocked = 0
        var recorded: [SlackRecordedRequest] = []
        var baseURL: String
        /// `Configuration.updateDuration`, until a test changes it (`setUpdateDuration`).
        var updateDuration: Duration
        /// Counts `setUpdateDuration` calls: a write under way ends when it changes.
        var updateGeneration = 0

        init(_ configuration: Configuration, baseURL: String) {
            updateDuration = configuration.updateDuration
            injector = FaultInjector(plan: configuration.faults)
            limits = configuration.rateScale.map(SlackRateLimits.init(scale:))
            self.baseURL = baseURL
            for name in configuration.channelNames { try? directory.addChannel(name) }
        }
    }

    let box: Mutex<State>
    let origin = ContinuousClock.now

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
        box = Mutex(State(configuration, baseURL: Self.basePath))
    }

    public var baseURL: String { box.withLock { $0.baseURL } }

    public func setBaseURL(_ url: String) { box.withLock { $0.baseURL = url } }

    /// Waits as long as a write takes (`updateDuration`), or until `setUpdateDuration` is called.
    func takeUpdateTime() async {
        let (duration, generation) = box.withLock { ($0.updateDuration, $0.updateGeneration) }
        guard duration > .zero else { return }
        let end = ContinuousClock.now + duration
        while ContinuousClock.now < end, box.withLock({ $0.updateGeneration }) == generation {
            try? await Task.sleep(for: .milliseconds(10))
        }
    }

    /// How long writes take from now on; writes under way end at once. A test holds an update with a
    /// long duration while it checks the lock, however slow the machine, then ends it here.
    public func setUpdateDuration(_ duration: Duration) {
        box.withLock {
            $0.updateDuration = duration
            $0.updateGeneration += 1
        }
    }

    // MARK: - Test API

    /// Adds channel names, users and groups (in that order) without faults, limits or counting, all
    /// or nothing. Users and groups may carry the `id` to be created with. Seeded group members must
    /// exist but may be deactivated users (a same-named group with foreign members, as found).
    /// Returns the users and groups as a client sees them.
    @discardableResult
    public func seed(channels: [String] = [], users: [JSONObject] = [], groups: [JSONObject] = []) throws(SlackError)
        -> (users: [JSONObject], groups: [JSONObject])
    {
        let now = Self.now()
        return try box.withLock { (s) throws(SlackError) in
            var directory = s.directory
            for name in channels { try directory.addChannel(name) }
            var userIDs: [String] = []
            for var body in users {
                let id = body.removeValue(forKey: "id")?.stringValue
                userIDs.append(try directory.createUser(body, id: id, now: now).id)
            }
            var groupIDs: [String] = []
            for var body in groups {
                let id = body.removeValue(forKey: "id")?.stringValue
                groupIDs.append(try directory.createGroup(body, id: id, allowingAnyMember: true, now: now).id)
            }
            s.directory = directory
            return (
                userIDs.compactMap { directory.users[$0].map { directory.render($0, baseURL: s.baseURL) } },
                groupIDs.compactMap { directory.groups[$0].map { directory.render($0, baseURL: s.baseURL) } }
            )
        }
    }

    /// Every user and group, the channel names, the counters and the fault plan.
    public func state() -> SlackEmulatorState {
        box.withLock { s in
            let d = s.directory
            return SlackEmulatorState(
                users: d.userOrder.compactMap { d.users[$0].map { d.render($0, baseURL: s.baseURL) } },
                groups: d.groupOrder.compactMap { d.groups[$0].map { d.render($0, baseURL: s.baseURL) } },
                channelNames: d.channelNames.sorted(),
                counters: s.counters,
                rateLimitedBy: s.limitedBy,
                resourceLocked: s.resourceLocked,
                faults: s.injector.plan
            )
        }
    }

    /// Every request so far, oldest first (when `recordRequests`).
    public func recordedRequests() -> [SlackRecordedRequest] { box.withLock { $0.recorded } }

    /// Back to the configuration: no resources beyond its channel names, zero counters, full buckets.
    public func reset() {
        box.withLock { s in s = State(configuration, baseURL: s.baseURL) }
    }

    /// Counters and recorded requests back to zero; `Retry-After` windows still open stay open.
    public func resetCounters() {
        box.withLock { s in
            s.counters = EmulatorCounters()
            s.limitedBy = [:]
            s.resourceLocked = 0
            s.recorded = []
        }
    }

    public var faults: FaultPlan { box.withLock { $0.injector.plan } }

    public func setFaults(_ plan: FaultPlan) { box.withLock { $0.injector = FaultInjector(plan: plan) } }

    public func addFaultRule(_ rule: FaultPlan.Rule) { box.withLock { $0.injector.append(rule) } }

    /// "Fail the next `count` requests to `method` (any when nil) under `pathPrefix` with `fault`."
    public func failNext(_ count: Int = 1, method: String? = nil, pathPrefix: String = "", with fault: Fault) {
        addFaultRule(FaultPlan.Rule(method: method, pathPrefix: pathPrefix, count: count, fault: fault))
    }

    /// Whether a write to this resource (`/Groups/S…`, relative to the base URL) is in progress.
    public func isBeingUpdated(_ path: String) -> Bool { box.withLock { $0.locks.isLocked(path) } }

    /// The limit a rate-limit bucket (`"writes"`, `"POST /Users"`, …) enforces, nil when there are none.
    public func rateLimit(of bucket: String) -> RateLimit? { box.withLock { $0.limits?.limit(of: bucket) } }

    // MARK: - Serving

    enum Admission: Sendable, Equatable {
        /// Handle it, after a delay fault's wait; `lockKey` is the resource to unlock afterwards; with
        /// `loseResponse`, close the connection instead of answering.
        case proceed(delayMilliseconds: Int?, lockKey: String?, loseResponse: Bool)
        case refuse(SlackError, retryAfter: Int?)
        case drop
    }

    /// In order: count (and judge against the open `Retry-After` windows by arrival time), fault
    /// plan, authentication, rate limits, the resource lock.
    func admit(method: String, path: String, authorized: Bool, arrivedAt arrival: ContinuousClock.Instant = .now)
        -> Admission
    {
        let now = ContinuousClock.now - origin
        let template = EmulatorCounters.template(for: path)
        return box.withLock { s in
            let updateDuration = s.updateDuration
            s.counters.requests["\(method) \(template)", default: 0] += 1
            if let violation = s.windows.judge(
                method: method,
                path: path,
                resource: Self.lockedResource(method: method, path: path),
                arrivedAt: arrival - origin
            ) {
                s.counters.record(violation)
            }
            var delay: Int?
            var lose = false
            if let fault = s.injector.next(method: method, path: path) {
                s.counters.faults[fault.counterKey, default: 0] += 1
                switch fault {
                case .dropConnection: return .drop
                case .loseResponse: lose = true
                case .delay(let ms): delay = ms
                case .status(let status, let retryAfter):
                    if status == 429 { s.counters.tooManyRequests += 1 }
                    let code = status == 429 ? "too_many_requests" : status >= 500 ? "fatal_error" : "invalid_request"
                    return .refuse(SlackError(status, code), retryAfter: retryAfter)
                }
            }
            guard authorized else { return .refuse(.invalidAuthentication, retryAfter: nil) }
            if let refusal = s.limits?.take(method: method, template: template, at: now) {
                s.counters.tooManyRequests += 1
                s.counters.rateLimited += 1
                s.limitedBy[refusal.bucket, default: 0] += 1
                return .refuse(.tooManyRequests, retryAfter: refusal.retryAfter)
            }
            var lockKey: String?
            if updateDuration > .zero, Self.lockedResource(method: method, path: path) != nil {
                if let wait = s.locks.lock(path, now: now, until: now + updateDuration) {
                    s.counters.tooManyRequests += 1
                    s.resourceLocked += 1
                    return .refuse(.resourceLocked, retryAfter: wait)
                }
                lockKey = path
            }
            return .proceed(delayMilliseconds: delay, lockKey: lockKey, loseResponse: lose)
        }
    }

    /// The resource a request would lock (and whose `resource_locked` window covers it): a non-GET
    /// to `/Users/{id}` or `/Groups/{id}`, keyed by its path. Reads never lock, so a GET of a
    /// resource being updated is no violation of that resource's window.
    static func lockedResource(method: String, path: String) -> String? {
        method != "GET" && EmulatorCounters.template(for: path).hasSuffix("/{id}") ? path : nil
    }

    func unlock(_ key: String) { box.withLock { $0.locks.unlock(key) } }

    /// Counts the response and keeps the request; an answer with `Retry-After` opens a window from
    /// now over `scope` (one resource for `resource_locked`, the whole target otherwise).
    func record(_ request: SlackRecordedRequest, retryAfter: Int? = nil, scope: RetryAfterScope = .target) {
        let now = ContinuousClock.now - origin
        box.withLock { s in
            if let status = request.status { s.counters.responses[String(status), default: 0] += 1 }
            if let retryAfter { s.windows.open(scope, retryAfter: retryAfter, at: now) }
            if configuration.recordRequests { s.recorded.append(request) }
        }
    }

    /// Runs `body` on the directory under the lock.
    func withDirectory<T: Sendable>(_ body: (inout SlackDirectory, String) throws(SlackError) -> T) throws(SlackError)
        -> T
    {
        try box.withLock { (s) throws(SlackError) -> T in try body(&s.directory, s.baseURL) }
    }

    static func now() -> SCIMDateTime { SCIMEmulator.now() }
}

/// One request as the Slack emulator received it, for tests to assert on.
public struct SlackRecordedRequest: Sendable {
    public var method: String
    /// Relative to the base URL, with the query: `/Users?filter=…`.
    public var path: String
    public var body: JSONValue?
    /// nil when the connection was dropped.
    public var status: Int?

    /// `{"method", "path", "body", "status"}`.
    public var json: JSONValue {
        var o: JSONObject = ["method": .string(method), "path": .string(path)]
        o["body"] = body ?? .null
        o["status"] = status.map { .integer(Int64($0)) } ?? .null
        return .object(o)
    }
}
