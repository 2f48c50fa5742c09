internal import Foundation
public import SCIM
internal import Synchronization

/// An in-memory GitHub Enterprise Managed Users SCIM API (`/scim/v2/enterprises/{enterprise}`),
/// faithful to GitHub's OpenAPI description (`conformance/specs/github-emu-scim.openapi.json`):
/// bearer auth, request bodies checked against the contract, single-`eq` filters, 1-based paging
/// (30 a page by default), 409 on duplicates, `basic-error` 404s, `scim-error` 400/429/5xx, PATCH on
/// a group answering 204 or 200. Faults and the rate limit are the shared `FaultPlan` and `RateLimit`.
/// Serve it with `EmulatorServer` or `withRunningEmulator`.
public final class GitHubEMUEmulator: Sendable {
    /// What PATCH `/Groups/{id}` answers; GitHub's spec lists both.
    public enum GroupPatchAnswer: Int, Sendable {
        case noContent = 204
        case group = 200
    }

    /// How the emulator starts, and what `reset()` returns it to.
    public struct Configuration: Sendable {
        /// The enterprise slug in the base path; any other slug is 404.
        public var enterprise: String
        /// The setup user's token every request must carry as `Authorization: Bearer <token>`.
        public var token: String
        public var rateLimit: RateLimit?
        public var faults: FaultPlan
        public var groupPatchAnswer: GroupPatchAnswer
        /// The largest page (`count` above it is clamped). GitHub documents none; 100 keeps clients paging.
        public var maxPageSize: Int

        public init(
            enterprise: String = "acme",
            token: String = GitHubEMUEmulator.defaultToken,
            rateLimit: RateLimit? = nil,
            faults: FaultPlan = .none,
            groupPatchAnswer: GroupPatchAnswer = .noContent,
            maxPageSize: Int = 100
        ) {
            self.enterprise = enterprise
            self.token = token
            self.rateLimit = rateLimit
            self.faults = faults
            self.groupPatchAnswer = groupPatchAnswer
            self.maxPageSize = max(1, maxPageSize)
        }
    }

    public static let defaultToken = "ghp_emulator_token"
    /// GitHub's default page size.
    public static let defaultPageSize = 30

    public let configuration: Configuration
    /// `/scim/v2/enterprises/<slug>`.
    public let basePath: String

    struct State {
        var directory = GitHubEMUDirectory()
        var injector: FaultInjector
        var bucket: TokenBucket?
        var counters = EmulatorCounters()
        var requests: [GitHubEMURecordedRequest] = []
        var windows = RetryAfterWindows()
        var groupPatchAnswer: GroupPatchAnswer
        var baseURL: String
    }

    private let box: Mutex<State>
    private let origin = ContinuousClock.now

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
        basePath = "/scim/v2/enterprises/\(configuration.enterprise)"
        box = Mutex(
            State(
                injector: FaultInjector(plan: configuration.faults),
                bucket: configuration.rateLimit.map(TokenBucket.init(limit:)),
                groupPatchAnswer: configuration.groupPatchAnswer,
                baseURL: basePath
            )
        )
    }

    /// `http://127.0.0.1:PORT/scim/v2/enterprises/<slug>` once served.
    public var baseURL: String { box.withLock { $0.baseURL } }

    public func setBaseURL(_ url: String) { box.withLock { $0.baseURL = url } }

    // MARK: - Test API

    /// Adds users, then groups, without faults, rate limit, counting or recording. A user needs a
    /// `userName`; `externalId` and `displayName` default to it, `emails` to none, `active` to true.
    /// A group needs a `displayName` (`externalId` defaults to it) and may have `members: [{value: id}]`
    /// naming users that exist or come earlier in this call: how a same-named group with members the
    /// bridge does not know is set up. Either may carry the `id` to create it with. All or nothing.
    @discardableResult
    public func seed(users: [JSONObject] = [], groups: [JSONObject] = []) throws(SCIMError) -> (
        users: [JSONObject], groups: [JSONObject]
    ) {
        let now = Self.now()
        return try box.withLock { (s) throws(SCIMError) in
            var directory = s.directory
            var userIDs: [String] = []
            var groupIDs: [String] = []
            for body in users {
                var a = body
                let id = a.removeValue(forKey: "id")?.stringValue ?? Self.newID()
                a.removeValue(forKey: "schemas")
                guard let name = a["userName"]?.stringValue else {
                    throw .invalidValue("A seeded user needs a 'userName'.")
                }
                if a["externalId"] == nil { a["externalId"] = .string(name) }
                if a["displayName"] == nil { a["displayName"] = .string(name) }
                if a["emails"] == nil { a["emails"] = [] }
                if a["active"] == nil { a["active"] = true }
                var checked = a
                checked["schemas"] = [.string(GitHubEMUContract.userSchema)]
                try GitHubEMUContract.validateUser(checked)
                try directory.putUser(.init(id: id, attributes: a, created: now, lastModified: now))
                userIDs.append(id)
            }
            for body in groups {
                guard let name = body["displayName"]?.stringValue else {
                    throw .invalidValue("A seeded group needs a 'displayName'.")
                }
                let id = body["id"]?.stringValue ?? Self.newID()
                var g = GitHubEMUDirectory.Group(
                    id: id,
                    externalId: body["externalId"]?.stringValue ?? name,
                    displayName: name,
                    created: now
                )
                let members = (body["members"]?.arrayValue ?? []).compactMap { $0["value"]?.stringValue }
                try directory.checkMembers(members)
                g.add(members)
                try directory.putGroup(g)
                groupIDs.append(id)
            }
            s.directory = directory
            return (
                userIDs.map { directory.render(directory.users[$0]!, baseURL: s.baseURL) },
                groupIDs.map { directory.render(directory.groups[$0]!, baseURL: s.baseURL) }
            )
        }
    }

    /// Users and groups as GitHub returns them, the counters, the recorded requests and the settings.
    public func state() -> GitHubEMUState {
        box.withLock { s in
            GitHubEMUState(
                users: s.directory.allUsers.map { s.directory.render($0, baseURL: s.baseURL) },
                groups: s.directory.allGroups.map { s.directory.render($0, baseURL: s.baseURL) },
                counters: s.counters,
                requests: s.requests,
                faults: s.injector.plan,
                rateLimit: s.bucket?.limit,
                groupPatchStatus: s.groupPatchAnswer.rawValue
            )
        }
    }

    /// Every request received so far, in order.
    public var requests: [GitHubEMURecordedRequest] { box.withLock { $0.requests } }

    /// Back to how it started: no users or groups, no requests, the configured faults, rate limit and PATCH answer.
    public func reset() {
        box.withLock { s in
            s.directory.removeAll()
            s.injector = FaultInjector(plan: configuration.faults)
            s.bucket = configuration.rateLimit.map(TokenBucket.init(limit:))
            s.counters = EmulatorCounters()
            s.requests = []
            s.windows = RetryAfterWindows()
            s.groupPatchAnswer = configuration.groupPatchAnswer
        }
    }

    /// The counters and the recorded requests back to zero; `Retry-After` windows still open stay open.
    public func resetCounters() {
        box.withLock { s in
            s.counters = EmulatorCounters()
            s.requests = []
        }
    }

    public var faults: FaultPlan { box.withLock { $0.injector.plan } }

    /// Replaces the fault plan (its random sequence restarts from the plan's seed).
    public func setFaults(_ plan: FaultPlan) { box.withLock { $0.injector = FaultInjector(plan: plan) } }

    public func addFaultRule(_ rule: FaultPlan.Rule) { box.withLock { $0.injector.append(rule) } }

    /// "Fail the next `count` requests to `method` (any when nil) under `pathPrefix` (relative to the base path)."
    public func failNext(_ count: Int = 1, method: String? = nil, pathPrefix: String = "", with fault: Fault) {
        addFaultRule(FaultPlan.Rule(method: method, pathPrefix: pathPrefix, count: count, fault: fault))
    }

    public var rateLimit: RateLimit? { box.withLock { $0.bucket?.limit } }

    /// Replaces the rate limit (with a full bucket), or removes it.
    public func setRateLimit(_ limit: RateLimit?) { box.withLock { $0.bucket = limit.map(TokenBucket.init(limit:)) } }

    public var groupPatchAnswer: GroupPatchAnswer { box.withLock { $0.groupPatchAnswer } }

    public func setGroupPatchAnswer(_ answer: GroupPatchAnswer) { box.withLock { $0.groupPatchAnswer = answer } }

    // MARK: - Serving

    /// Records and counts a request (and judges it against the open `Retry-After` windows by the time
    /// it arrived), then applies the fault plan and the rate limiter, in that order.
    /// `relativePath` is the path after the enterprise slug (`/Users/…`).
    func admit(
        _ recorded: GitHubEMURecordedRequest,
        relativePath: String,
        arrivedAt arrival: ContinuousClock.Instant = .now
    ) -> SCIMEmulator.Admission {
        let now = ContinuousClock.now - origin
        return box.withLock { s in
            s.requests.append(recorded)
            s.counters.requests["\(recorded.method) \(EmulatorCounters.template(for: relativePath))", default: 0] += 1
            if let violation = s.windows.judge(
                method: recorded.method,
                path: relativePath,
                resource: nil,
                arrivedAt: arrival - origin
            ) {
                s.counters.record(violation)
            }
            var delay: Int?
            var lose = false
            if let fault = s.injector.next(method: recorded.method, path: relativePath) {
                s.counters.faults[fault.counterKey, default: 0] += 1
                switch fault {
                case .dropConnection: return .drop
                case .loseResponse: lose = true
                case .delay(let ms): delay = ms
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
                    detail:
                        "API rate limit exceeded for SCIM requests; retry after \(retryAfter) second\(retryAfter == 1 ? "" : "s")."
                )
            }
            return .proceed(delayMilliseconds: delay, loseResponse: lose)
        }
    }

    /// Counts a response by status; one with `Retry-After` (GitHub's secondary limits send it, and
    /// clients must honour it) opens a target-wide window from now.
    func recordResponse(status: Int, retryAfter: Int? = nil) {
        let now = ContinuousClock.now - origin
        box.withLock { s in
            s.counters.responses[String(status), default: 0] += 1
            if let retryAfter { s.windows.open(.target, retryAfter: retryAfter, at: now) }
        }
    }

    /// Runs `body` on the directory under the lock, with the base URL and the PATCH answer.
    func withDirectory<T: Sendable>(_ body: (inout GitHubEMUDirectory, String, GroupPatchAnswer) throws(SCIMError) -> T)
        throws(SCIMError) -> T
    {
        try box.withLock { (s) throws(SCIMError) -> T in try body(&s.directory, s.baseURL, s.groupPatchAnswer) }
    }

    static func newID() -> String { UUID().uuidString.lowercased() }

    static func now() -> String { SCIMEmulator.now().iso8601 }
}
