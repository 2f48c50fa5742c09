internal import Foundation
public import SCIM
internal import Synchronization

/// An in-memory, strict SCIM 2.0 service provider (RFC 7643, RFC 7644) for connector tests: the
/// state behind the HTTP routes, the fault plan, the rate limiter and the counters, all under one
/// lock. Serve it with `EmulatorServer` or `withRunningEmulator`; seed, inspect and reset it from
/// Swift or over the admin API (`/_emulator/…`).
public final class SCIMEmulator: Sendable {
    /// How the emulator starts, and what `reset()` returns it to.
    public struct Configuration: Sendable {
        /// The bearer token every SCIM request must carry.
        public var token: String
        /// The request budget; `nil` for none.
        public var rateLimit: RateLimit?
        public var faults: FaultPlan
        /// The largest page a query returns (and the default page size), announced in
        /// `/ServiceProviderConfig` as `filter.maxResults`.
        public var maxResults: Int
        public var registry: SchemaRegistry

        public init(
            token: String = SCIMEmulator.defaultToken,
            rateLimit: RateLimit? = nil,
            faults: FaultPlan = .none,
            maxResults: Int = 100,
            registry: SchemaRegistry = .standard
        ) {
            self.token = token
            self.rateLimit = rateLimit
            self.faults = faults
            self.maxResults = max(1, maxResults)
            self.registry = registry
        }
    }

    /// The path of the SCIM base URL on the emulator's host.
    public static let basePath = "/scim/v2"
    /// The token of a default configuration.
    public static let defaultToken = "emulator-token"

    public let configuration: Configuration

    private struct State {
        var directory: ResourceDirectory
        var injector: FaultInjector
        var bucket: TokenBucket?
        var counters = EmulatorCounters()
        var windows = RetryAfterWindows()
        var baseURL: String
    }

    private let box: Mutex<State>
    private let origin = ContinuousClock.now

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
        box = Mutex(
            State(
                directory: ResourceDirectory(registry: configuration.registry),
                injector: FaultInjector(plan: configuration.faults),
                bucket: configuration.rateLimit.map(TokenBucket.init(limit:)),
                baseURL: Self.basePath
            )
        )
    }

    /// The SCIM base URL, `http://127.0.0.1:PORT/scim/v2` once served (just the path before).
    public var baseURL: String { box.withLock { $0.baseURL } }

    public func setBaseURL(_ url: String) {
        box.withLock { $0.baseURL = url }
    }

    // MARK: - Test API

    /// Adds users, then groups, as if created by POST but with no faults, rate limit or counting.
    /// A resource may carry an `id` to be created with (any string); otherwise it gets a UUID.
    /// Group members must name users or groups that exist or come earlier in this call, which is how
    /// a same-named group with members the bridge does not know is set up. All or nothing.
    ///
    /// Returns the created resources as a client would see them.
    @discardableResult
    public func seed(users: [JSONObject] = [], groups: [JSONObject] = []) throws(SCIMError)
        -> (users: [JSONObject], groups: [JSONObject])
    {
        let now = Self.now()
        return try box.withLock { (s) throws(SCIMError) in
            var directory = s.directory
            var created: [StoredResource] = []
            for (kind, bodies) in [(ResourceKind.user, users), (.group, groups)] {
                for var body in bodies {
                    var id = Self.newID()
                    if let given = body.removeValue(forKey: "id") {
                        guard let text = given.stringValue, !text.isEmpty else {
                            throw .invalidValue("A seeded resource's 'id' must be a non-empty string.")
                        }
                        id = text
                    }
                    created.append(try directory.create(kind, body: body, id: id, now: now))
                }
            }
            s.directory = directory
            let rendered = created.map { directory.render($0, baseURL: s.baseURL) }
            return (Array(rendered.prefix(users.count)), Array(rendered.dropFirst(users.count)))
        }
    }

    /// Every user and group (full representations, `password` included), the counters and the
    /// fault and rate-limit settings in force.
    public func state() -> EmulatorState {
        box.withLock { s in
            EmulatorState(
                users: s.directory.all(.user).map {
                    s.directory.render($0, baseURL: s.baseURL, hidingNeverReturned: false)
                },
                groups: s.directory.all(.group).map {
                    s.directory.render($0, baseURL: s.baseURL, hidingNeverReturned: false)
                },
                counters: s.counters,
                faults: s.injector.plan,
                rateLimit: s.bucket?.limit
            )
        }
    }

    /// Back to how it started: no resources, zero counters, the configured faults and rate limit
    /// (with a full bucket).
    public func reset() {
        box.withLock { s in
            s.directory.removeAll()
            s.injector = FaultInjector(plan: configuration.faults)
            s.bucket = configuration.rateLimit.map(TokenBucket.init(limit:))
            s.counters = EmulatorCounters()
            s.windows = RetryAfterWindows()
        }
    }

    /// Only the counters back to zero; `Retry-After` windows still open stay open.
    public func resetCounters() {
        box.withLock { $0.counters = EmulatorCounters() }
    }

    /// The fault plan in force, with the scripted rules' remaining counts.
    public var faults: FaultPlan { box.withLock { $0.injector.plan } }

    /// Replaces the fault plan (and restarts its random sequence from the plan's seed).
    public func setFaults(_ plan: FaultPlan) {
        box.withLock { $0.injector = FaultInjector(plan: plan) }
    }

    /// Adds a scripted rule after the existing ones.
    public func addFaultRule(_ rule: FaultPlan.Rule) {
        box.withLock { $0.injector.append(rule) }
    }

    /// "Fail the next `count` requests to `method` (any when `nil`) under `pathPrefix` with `fault`."
    public func failNext(_ count: Int = 1, method: String? = nil, pathPrefix: String = "", with fault: Fault) {
        addFaultRule(FaultPlan.Rule(method: method, pathPrefix: pathPrefix, count: count, fault: fault))
    }

    /// The rate limit in force, if any.
    public var rateLimit: RateLimit? { box.withLock { $0.bucket?.limit } }

    /// Replaces the rate limit (with a full bucket), or removes it.
    public func setRateLimit(_ limit: RateLimit?) {
        box.withLock { $0.bucket = limit.map(TokenBucket.init(limit:)) }
    }

    // MARK: - Serving

    /// What to do with an arriving SCIM request.
    enum Admission: Sendable, Equatable {
        /// Handle it, after waiting `delayMilliseconds` when a delay fault fired; with `loseResponse`,
        /// close the connection instead of answering.
        case proceed(delayMilliseconds: Int?, loseResponse: Bool)
        /// Answer with this error status (and `Retry-After`), without handling it.
        case refuse(status: Int, retryAfter: Int?, detail: String)
        /// Close the connection without an answer.
        case drop
    }

    /// Counts the request (and judges it against the open `Retry-After` windows by the time it
    /// arrived), then applies the fault plan and the rate limiter, in that order. `path` is relative
    /// to the base URL (`/Users/…`).
    func admit(method: String, path: String, arrivedAt arrival: ContinuousClock.Instant = .now) -> Admission {
        let now = ContinuousClock.now - origin
        return box.withLock { s in
            s.counters.requests["\(method) \(EmulatorCounters.template(for: path))", default: 0] += 1
            if let violation = s.windows.judge(method: method, path: path, resource: nil, arrivedAt: arrival - origin) {
                s.counters.record(violation)
            }
            var delay: Int?
            var lose = false
            if let fault = s.injector.next(method: method, path: path) {
                s.counters.faults[fault.counterKey, default: 0] += 1
                switch fault {
                case .dropConnection:
                    return .drop
                case .loseResponse:
                    lose = true
                case .delay(let ms):
                    delay = ms
                case .status(let status, let retryAfter):
                    if status == 429 { s.counters.tooManyRequests += 1 }
                    return .refuse(status: status, retryAfter: retryAfter, detail: "Injected fault: \(status).")
                }
            }
            if let retryAfter = s.bucket?.take(at: now) {
                s.counters.tooManyRequests += 1
                s.counters.rateLimited += 1
                return .refuse(
                    status: 429,
                    retryAfter: retryAfter,
                    detail: "Rate limit exceeded; retry after \(retryAfter) second\(retryAfter == 1 ? "" : "s")."
                )
            }
            return .proceed(delayMilliseconds: delay, loseResponse: lose)
        }
    }

    /// Counts a response by status; one with `Retry-After` opens a target-wide window from now.
    func recordResponse(status: Int, retryAfter: Int? = nil) {
        let now = ContinuousClock.now - origin
        box.withLock { s in
            s.counters.responses[String(status), default: 0] += 1
            if let retryAfter { s.windows.open(.target, retryAfter: retryAfter, at: now) }
        }
    }

    /// Runs `body` on the directory under the lock, with the base URL for rendering.
    func withDirectory<T: Sendable>(_ body: (inout ResourceDirectory, String) throws(SCIMError) -> T) throws(SCIMError)
        -> T
    {
        try box.withLock { (s) throws(SCIMError) -> T in try body(&s.directory, s.baseURL) }
    }

    /// A new resource id: a lowercase UUID.
    static func newID() -> String { UUID().uuidString.lowercased() }

    static func now() -> SCIMDateTime {
        let t = Date().timeIntervalSince1970
        let seconds = t.rounded(.down)
        // Millisecond precision, as most service providers report.
        return SCIMDateTime(seconds: Int64(seconds), nanoseconds: Int32((t - seconds) * 1000) * 1_000_000)
    }
}
