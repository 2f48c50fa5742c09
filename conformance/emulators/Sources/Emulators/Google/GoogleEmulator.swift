internal import Foundation
public import Hummingbird
public import SCIM
internal import Synchronization

/// An emulated Google Workspace: the Admin SDK Directory API v1 (`/admin/directory/v1/users`,
/// `/groups`, `/groups/{groupKey}/members`) behind an OAuth 2.0 token endpoint (`/token`) that
/// verifies service-account JWT assertions (RFC 7523) against a configured public key. It enforces
/// the contract of the discovery document and research/targets.md §C: required fields and
/// parameters, 409 `duplicate`, 404 `notFound`, a per-minute quota answered with 403
/// `userRateLimitExceeded`, groups that answer 404 for a while after creation, page tokens. Faults,
/// seeding, state inspection and request recording as the SCIM emulator offers them.
public final class GoogleEmulator: Sendable {
    /// How the emulator starts, and what `reset()` returns it to.
    public struct Configuration: Sendable {
        /// The PEM public key (`BEGIN PUBLIC KEY`) whose private half signs the service account's assertions.
        public var publicKeyPEM: String
        /// How long an issued access token lives (and the `expires_in` announced).
        public var tokenLifetime: Duration
        /// Scopes an assertion must request (all of them).
        public var requiredScopes: Set<String>
        /// Directory API requests allowed per minute (Google's default is 2,400 per user); beyond it,
        /// 403 `userRateLimitExceeded`. nil for none.
        public var quotaPerMinute: Int?
        /// How long a new group answers 404 to requests that name it (Google's propagation delay).
        public var groupPropagationDelay: Duration
        public var faults: FaultPlan

        public init(
            publicKeyPEM: String,
            tokenLifetime: Duration = .seconds(3600),
            requiredScopes: Set<String> = GoogleEmulator.directoryScopes,
            quotaPerMinute: Int? = nil,
            groupPropagationDelay: Duration = .zero,
            faults: FaultPlan = .none
        ) {
            self.publicKeyPEM = publicKeyPEM
            self.tokenLifetime = tokenLifetime
            self.requiredScopes = requiredScopes
            self.quotaPerMinute = quotaPerMinute
            self.groupPropagationDelay = groupPropagationDelay
            self.faults = faults
        }
    }

    /// The scopes the bridge's Google connector needs.
    public static let directoryScopes: Set<String> = [
        "https://www.googleapis.com/auth/admin.directory.user",
        "https://www.googleapis.com/auth/admin.directory.group",
    ]
    /// The path of the Directory API on the emulator's host.
    public static let apiPath = "/admin/directory/v1"

    /// One API request as it arrived, for contract tests (the discovery-document check).
    public struct RecordedRequest: Sendable, Hashable {
        public var method: String
        /// The path, percent-decoded, without the query.
        public var path: String
        /// The query parameters' names, in order.
        public var parameters: [String]

        /// `{"method", "path", "parameters"}`.
        public var json: JSONValue {
            ["method": .string(method), "path": .string(path), "parameters": .array(parameters.map(JSONValue.string))]
        }
    }

    /// A snapshot for tests.
    public struct State: Sendable {
        public var users: [JSONObject]
        public var groups: [JSONObject]
        public var directory: GoogleDirectory
        public var counters: EmulatorCounters
        /// Access tokens issued by `/token`, and assertions it refused.
        public var tokensIssued: Int
        public var assertionsRefused: Int
        /// API requests refused for a missing, unknown or expired token.
        public var unauthorized: Int
        /// 403 `userRateLimitExceeded` answers of the quota (injected ones count under `counters.faults`).
        public var quotaRefusals: Int
        /// The `sub` of the last accepted assertion.
        public var lastSubject: String?

        /// The user with this primary email.
        public func user(email: String) -> JSONObject? {
            users.first { $0["primaryEmail"]?.stringValue.map { caseInsensitiveEquals($0, email) } ?? false }
        }

        /// The group with this name.
        public func group(named name: String) -> JSONObject? {
            groups.first { $0["name"]?.stringValue.map { caseInsensitiveEquals($0, name) } ?? false }
        }

        /// The primary emails of the direct members of the group named `name` (empty if there is none).
        public func memberEmails(ofGroupNamed name: String) -> Set<String> {
            guard let id = group(named: name)?["id"]?.stringValue else { return [] }
            return Set(directory.memberEmails(ofGroupID: id))
        }

        public var json: JSONValue {
            [
                "users": .array(users.map(JSONValue.object)),
                "groups": .array(
                    groups.map { g in
                        var o = g
                        o["members"] = .array(
                            directory.memberEmails(ofGroupID: g["id"]?.stringValue ?? "").map(JSONValue.string)
                        )
                        return .object(o)
                    }
                ),
                "counters": counters.json, "tokensIssued": .integer(Int64(tokensIssued)),
                "assertionsRefused": .integer(Int64(assertionsRefused)), "unauthorized": .integer(Int64(unauthorized)),
                "quotaRefusals": .integer(Int64(quotaRefusals)),
            ]
        }
    }

    public let configuration: Configuration

    struct Box {
        var directory = GoogleDirectory()
        var injector: FaultInjector
        var quota: TokenBucket?
        var counters = EmulatorCounters()
        var windows = RetryAfterWindows()
        var tokens: [String: ContinuousClock.Instant] = [:]
        var tokenLifetime: Duration
        var propagationDelay: Duration
        var created: [String: ContinuousClock.Instant] = [:]
        var recorded: [RecordedRequest] = []
        var tokensIssued = 0
        var assertionsRefused = 0
        var unauthorized = 0
        var quotaRefusals = 0
        var lastSubject: String?
        var baseURL = ""
    }

    let box: Mutex<Box>
    private let origin = ContinuousClock.now
    let verifier: AssertionVerifier

    /// - Throws: when `publicKeyPEM` is not an RSA public key.
    public init(configuration: Configuration) throws {
        self.configuration = configuration
        verifier = try AssertionVerifier(publicKeyPEM: configuration.publicKeyPEM)
        box = Mutex(
            Box(
                injector: FaultInjector(plan: configuration.faults),
                quota: configuration.quotaPerMinute.map { TokenBucket(limit: .perMinute($0)) },
                tokenLifetime: configuration.tokenLifetime,
                propagationDelay: configuration.groupPropagationDelay
            )
        )
    }

    /// `http://127.0.0.1:PORT` once served: the API base URL (what the connector's `baseURL` is).
    public var baseURL: String { box.withLock { $0.baseURL } }
    /// The token endpoint, and the `aud` an assertion must name.
    public var tokenURL: String { baseURL + "/token" }

    // MARK: - Test API

    /// Adds users (each needs `primaryEmail`; name and password are filled in), then groups (each
    /// needs `email`, may carry `members`: emails of users seeded here or before), with no faults,
    /// quota or propagation delay. Returns the created users and groups.
    @discardableResult
    public func seed(users: [JSONObject] = [], groups: [JSONObject] = []) throws(GoogleError) -> (
        users: [JSONObject], groups: [JSONObject]
    ) {
        try box.withLock { (b) throws(GoogleError) in
            var d = b.directory
            var createdUsers: [JSONObject] = []
            var createdGroups: [JSONObject] = []
            for var u in users {
                let local = u["primaryEmail"]?.stringValue?.split(separator: "@").first.map(String.init) ?? "user"
                if u["name"] == nil { u["name"] = ["givenName": "Seeded", "familyName": .string(local)] }
                if u["password"] == nil { u["password"] = "seeded-password" }
                let id = u.removeValue(forKey: "id")?.stringValue
                createdUsers.append(try d.insertUser(u, id: id))
            }
            for var g in groups {
                let members = g.removeValue(forKey: "members")?.arrayValue ?? []
                let id = g.removeValue(forKey: "id")?.stringValue
                let created = try d.insertGroup(g, id: id)
                for m in members {
                    guard let email = m.stringValue ?? m["email"]?.stringValue else { continue }
                    _ = try d.insertMember(group: created["id"]?.stringValue ?? "", ["email": .string(email)])
                }
                createdGroups.append(try d.group(created["id"]?.stringValue ?? ""))
            }
            b.directory = d
            return (createdUsers, createdGroups)
        }
    }

    public func state() -> State {
        box.withLock { b in
            State(
                users: b.directory.users.map { b.directory.rendered(user: $0) },
                groups: b.directory.groups.map { b.directory.rendered(group: $0) },
                directory: b.directory,
                counters: b.counters,
                tokensIssued: b.tokensIssued,
                assertionsRefused: b.assertionsRefused,
                unauthorized: b.unauthorized,
                quotaRefusals: b.quotaRefusals,
                lastSubject: b.lastSubject
            )
        }
    }

    /// Every API request received since the start (or `reset()`), in order.
    public var recordedRequests: [RecordedRequest] { box.withLock { $0.recorded } }

    /// Back to the configuration: no resources, tokens, counters or recordings.
    public func reset() {
        box.withLock { b in
            let url = b.baseURL
            b = Box(
                injector: FaultInjector(plan: configuration.faults),
                quota: configuration.quotaPerMinute.map { TokenBucket(limit: .perMinute($0)) },
                tokenLifetime: configuration.tokenLifetime,
                propagationDelay: configuration.groupPropagationDelay
            )
            b.baseURL = url
        }
    }

    public func setFaults(_ plan: FaultPlan) { box.withLock { $0.injector = FaultInjector(plan: plan) } }
    public var faults: FaultPlan { box.withLock { $0.injector.plan } }
    /// "Fail the next `count` API requests to `method` under `pathPrefix` (relative to `/admin/directory/v1`) with `fault`."
    public func failNext(_ count: Int = 1, method: String? = nil, pathPrefix: String = "", with fault: Fault) {
        box.withLock {
            $0.injector.append(FaultPlan.Rule(method: method, pathPrefix: pathPrefix, count: count, fault: fault))
        }
    }
    /// Replaces the quota (requests per minute, with a full bucket), or removes it.
    public func setQuota(perMinute: Int?) {
        box.withLock { $0.quota = perMinute.map { TokenBucket(limit: .perMinute($0)) } }
    }
    public func setTokenLifetime(_ lifetime: Duration) { box.withLock { $0.tokenLifetime = lifetime } }
    public func setGroupPropagationDelay(_ delay: Duration) { box.withLock { $0.propagationDelay = delay } }
    /// Makes every access token issued so far invalid, as if each had expired.
    public func expireAllTokens() { box.withLock { $0.tokens.removeAll() } }

    // MARK: - Serving

    /// Counts and records an API request (and judges it against the open `Retry-After` windows by the
    /// time it arrived), then applies the fault plan, the quota and the bearer token, in that order.
    func admit(
        method: String,
        path: String,
        query: String?,
        authorization: String?,
        arrivedAt arrival: ContinuousClock.Instant = .now
    ) -> Result<(delay: Int?, loseResponse: Bool), AdmissionRefusal> {
        let now = ContinuousClock.now
        return box.withLock { b in
            b.counters.requests["\(method) \(Self.template(path))", default: 0] += 1
            if let violation = b.windows.judge(
                method: method,
                path: String(path.dropFirst(Self.apiPath.count)),
                resource: nil,
                arrivedAt: arrival - origin
            ) {
                b.counters.record(violation)
            }
            b.recorded.append(
                RecordedRequest(
                    method: method,
                    path: path,
                    parameters: (query ?? "").split(separator: "&").map {
                        String($0.split(separator: "=", maxSplits: 1).first ?? "")
                    }
                )
            )
            var delay: Int? = nil
            var lose = false
            if let fault = b.injector.next(method: method, path: String(path.dropFirst(Self.apiPath.count))) {
                b.counters.faults[fault.counterKey, default: 0] += 1
                switch fault {
                case .dropConnection: return .failure(.drop)
                case .loseResponse: lose = true
                case .delay(let ms): delay = ms
                case .status(let status, let retryAfter):
                    return .failure(.error(Self.injected(status), retryAfter: retryAfter))
                }
            }
            if b.quota?.take(at: now - origin) != nil {
                b.quotaRefusals += 1
                return .failure(.error(.userRateLimit, retryAfter: nil))
            }
            let token = authorization.flatMap { h -> String? in
                let parts = h.split(separator: " ", maxSplits: 1)
                return parts.count == 2 && parts[0].lowercased() == "bearer" ? String(parts[1]) : nil
            }
            guard let token, let expiry = b.tokens[token], expiry > now else {
                b.unauthorized += 1
                return .failure(.error(.invalidCredentials, retryAfter: nil))
            }
            return .success((delay, lose))
        }
    }

    enum AdmissionRefusal: Error {
        case drop
        case error(GoogleError, retryAfter: Int?)
    }

    /// An injected status as Google words it: 403 is the per-user rate limit, 404 a missing resource,
    /// 429 `rateLimitExceeded`, 5xx `backendError`.
    static func injected(_ status: Int) -> GoogleError {
        switch status {
        case 403: .userRateLimit
        case 404: GoogleError(404, "Resource Not Found: groupKey", reason: "notFound")
        case 429: GoogleError(429, "Rate Limit Exceeded", reason: "rateLimitExceeded")
        case 500...: GoogleError(status, "Backend Error", reason: "backendError")
        default: GoogleError(status, "Injected fault: \(status).", reason: "invalid")
        }
    }

    /// Counts a response by status; one with `Retry-After` opens a target-wide window from now. (The
    /// quota's 403 carries none, as Google's does not: clients back off exponentially there.)
    func recordResponse(status: Int, retryAfter: Int? = nil) {
        let now = ContinuousClock.now - origin
        box.withLock { b in
            b.counters.responses[String(status), default: 0] += 1
            if let retryAfter { b.windows.open(.target, retryAfter: retryAfter, at: now) }
        }
    }

    /// Runs `body` on the directory; a group created less than the propagation delay ago is invisible
    /// to requests that name it (`visible` is false for those).
    func withDirectory<T: Sendable>(_ body: (inout GoogleDirectory, _ isPropagating: (String) -> Bool) throws -> T)
        throws -> T
    {
        let now = ContinuousClock.now
        return try box.withLock { b -> T in
            let delay = b.propagationDelay
            let created = b.created
            let directory = b.directory
            return try body(&b.directory) { key in
                guard delay > .zero, let i = directory.groupIndex(key), let id = directory.groups[i]["id"]?.stringValue,
                    let at = created[id]
                else { return false }
                return now - at < delay
            }
        }
    }

    func groupCreated(_ id: String) { box.withLock { $0.created[id] = .now } }

    /// Issues an access token for an accepted assertion.
    func issueToken(subject: String) -> (token: String, lifetime: Duration) {
        box.withLock { b in
            let token = "ya29.emulator-" + UUID().uuidString.lowercased()
            b.tokens[token] = .now + b.tokenLifetime
            b.tokensIssued += 1
            b.lastSubject = subject
            return (token, b.tokenLifetime)
        }
    }

    func assertionRefused() { box.withLock { $0.assertionsRefused += 1 } }

    /// `/admin/directory/v1/groups/abc/members/x` → `/groups/{groupKey}/members/{memberKey}`.
    static func template(_ path: String) -> String {
        var segments = path.dropFirst(apiPath.count).split(separator: "/").map(String.init)
        for i in segments.indices where i > 0 {
            switch segments[i - 1] {
            case "users": if segments[i] != "watch" { segments[i] = "{userKey}" }
            case "groups": segments[i] = "{groupKey}"
            case "members", "hasMember": segments[i] = "{memberKey}"
            default: break
            }
        }
        return "/" + segments.joined(separator: "/")
    }
}

extension GoogleEmulator: EmulatedTarget {
    /// The API's paths start at the host (`/admin/directory/v1/…`, `/token`).
    public var basePath: String { "" }

    public func setBaseURL(_ url: String) {
        box.withLock { $0.baseURL = url.hasSuffix("/") ? String(url.dropLast()) : url }
    }

    public func register(on router: Router<EmulatorRequestContext>) {
        router.add(middleware: GoogleMiddleware(emulator: self))
        GoogleTokenEndpoint(emulator: self).register(on: router)
        GoogleRoutes(emulator: self).register(on: router)
        GoogleAdminRoutes(emulator: self).register(on: router)
    }
}
