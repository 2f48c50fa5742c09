internal import Foundation
public import Hummingbird
public import SCIM
internal import Synchronization

/// An emulated Salesforce org: the REST API (`/services/data/vXX.X/…`: sObjects `User`, `Group`,
/// `GroupMember`, `PermissionSet`, `PermissionSetAssignment`, `UserLogin`, `Contact`, `Account`,
/// `Profile`, SOQL `/query` with `nextRecordsUrl` paging, `/limits`) behind the OAuth 2.0 JWT bearer
/// token endpoint (`/services/oauth2/token`, RFC 7523) that verifies assertions against a configured
/// public key. It enforces research/targets.md §D and §E: the error arrays, `INVALID_SESSION_ID`
/// for a missing or expired token, an API request allocation answered with 403
/// `REQUEST_LIMIT_EXCEEDED`, and the org's rules in `SalesforceOrg`. Faults, seeding, state
/// inspection and request recording as the other emulators offer them.
public final class SalesforceEmulator: Sendable {
    /// How the emulator starts, and what `reset()` returns it to.
    public struct Configuration: Sendable {
        /// The PEM public key (`BEGIN PUBLIC KEY`) of the connected app's certificate.
        public var publicKeyPEM: String
        /// Consumer keys of the connected apps allowed to ask for tokens (the assertion's `iss`).
        public var clientIDs: Set<String>
        /// The `aud` an assertion must name (the login URL).
        public var audience: String
        /// The integration user, created with the org and pre-authorised for the app: an assertion's
        /// `sub` must be this user or another active user of the org.
        public var integrationUsername: String
        /// How long an access token stays valid (Salesforce's session timeout).
        public var tokenLifetime: Duration
        /// The API request allocation (Salesforce's is per 24 h; tests scale the window down). nil for none.
        public var requestLimit: RateLimit?
        /// Rows per query page before `nextRecordsUrl` (Salesforce's default batch is 2,000).
        public var queryBatchSize: Int
        /// Usernames taken in other orgs: creating a user with one is `DUPLICATE_USERNAME`.
        public var takenUsernames: Set<String>
        public var faults: FaultPlan

        public init(
            publicKeyPEM: String,
            clientIDs: Set<String> = [SalesforceEmulator.defaultClientID],
            audience: String = "https://login.salesforce.com",
            integrationUsername: String = "integration@example.com",
            tokenLifetime: Duration = .seconds(7200),
            requestLimit: RateLimit? = nil,
            queryBatchSize: Int = 2000,
            takenUsernames: Set<String> = [],
            faults: FaultPlan = .none
        ) {
            self.publicKeyPEM = publicKeyPEM
            self.clientIDs = clientIDs
            self.audience = audience
            self.integrationUsername = integrationUsername
            self.tokenLifetime = tokenLifetime
            self.requestLimit = requestLimit
            self.queryBatchSize = max(1, queryBatchSize)
            self.takenUsernames = takenUsernames
            self.faults = faults
        }
    }

    /// The consumer key of a default configuration.
    public static let defaultClientID = "3MVG9emulator.connected.app"
    /// The `Profile` "Standard User" every org has.
    public static let standardProfileID = "00e000000000STDAAA"
    /// A `Profile` "Customer Community User" for Experience Cloud users.
    public static let communityProfileID = "00e000000000CCUAAA"
    /// The `Account` "Acme Partners" that community contacts can belong to.
    public static let partnerAccountID = "001000000000ACMAAA"
    /// The REST API version the emulator answers when asked which it is.
    public static let defaultAPIVersion = "62.0"

    /// One API request as it arrived.
    public struct RecordedRequest: Sendable, Hashable {
        public var method: String
        /// The path after `/services/data/vXX.X`, percent-decoded.
        public var path: String
        /// The SOQL of a `/query` request.
        public var soql: String?
        public var body: JSONValue?

        /// `{"method", "path", "soql", "body"}`.
        public var json: JSONValue {
            [
                "method": .string(method), "path": .string(path), "soql": soql.map(JSONValue.string) ?? .null,
                "body": body ?? .null,
            ]
        }
    }

    /// A snapshot for tests.
    public struct State: Sendable {
        public var org: SalesforceOrg
        public var counters: EmulatorCounters
        public var tokensIssued: Int
        public var assertionsRefused: Int
        /// API requests refused with `INVALID_SESSION_ID`.
        public var unauthorized: Int
        /// `REQUEST_LIMIT_EXCEEDED` answers of the allocation (injected 403s count under `counters.faults`).
        public var limitRefusals: Int
        /// The `sub` of the last accepted assertion.
        public var lastSubject: String?

        public var users: [JSONObject] { org.all("User") }

        public func user(username: String) -> JSONObject? {
            users.first { $0["Username"]?.stringValue.map { caseInsensitiveEquals($0, username) } ?? false }
        }

        /// Public groups with this name (not unique in Salesforce), oldest first.
        public func groups(named name: String) -> [JSONObject] {
            org.all("Group").filter { $0["Name"]?.stringValue.map { caseInsensitiveEquals($0, name) } ?? false }
        }

        /// The usernames of the users who are direct members of the (oldest) group named `name`; empty if none.
        public func memberUsernames(ofGroupNamed name: String) -> Set<String> {
            guard let id = groups(named: name).first?["Id"]?.stringValue else { return [] }
            return usernames(
                org.all("GroupMember").filter { $0["GroupId"]?.stringValue == id }.compactMap {
                    $0["UserOrGroupId"]?.stringValue
                }
            )
        }

        public func permissionSet(labeled label: String) -> JSONObject? {
            org.all("PermissionSet").first {
                $0["Label"]?.stringValue.map { caseInsensitiveEquals($0, label) } ?? false
            }
        }

        /// The usernames of the users assigned the permission set labelled `label`.
        public func assigneeUsernames(ofPermissionSetLabeled label: String) -> Set<String> {
            guard let id = permissionSet(labeled: label)?["Id"]?.stringValue else { return [] }
            return usernames(
                org.all("PermissionSetAssignment").filter { $0["PermissionSetId"]?.stringValue == id }.compactMap {
                    $0["AssigneeId"]?.stringValue
                }
            )
        }

        /// The `UserLogin` of a user (its `IsFrozen` flag).
        public func login(ofUser id: String) -> JSONObject? {
            org.all("UserLogin").first { $0["UserId"]?.stringValue == id }
        }

        func usernames(_ ids: [String]) -> Set<String> {
            Set(ids.compactMap { org.record("User", id: $0)?["Username"]?.stringValue })
        }

        public var json: JSONValue {
            var records = JSONObject()
            for t in SalesforceOrg.objectTypes { records[t.name] = .array(org.all(t.name).map(JSONValue.object)) }
            return [
                "records": .object(records), "counters": counters.json, "tokensIssued": .integer(Int64(tokensIssued)),
                "assertionsRefused": .integer(Int64(assertionsRefused)), "unauthorized": .integer(Int64(unauthorized)),
                "limitRefusals": .integer(Int64(limitRefusals)),
                "lastSubject": lastSubject.map(JSONValue.string) ?? .null,
            ]
        }
    }

    public let configuration: Configuration

    struct Box {
        var org: SalesforceOrg
        var injector: FaultInjector
        var limit: TokenBucket?
        var counters = EmulatorCounters()
        var windows = RetryAfterWindows()
        var tokens: [String: ContinuousClock.Instant] = [:]
        var tokenLifetime: Duration
        var batchSize: Int
        var cursors: [String: [JSONObject]] = [:]
        var cursorCounter = 0
        var recorded: [RecordedRequest] = []
        var tokensIssued = 0
        var assertionsRefused = 0
        var unauthorized = 0
        var limitRefusals = 0
        var apiCalls = 0
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
        box = Mutex(Self.initialBox(configuration))
    }

    static func initialBox(_ c: Configuration) -> Box {
        var org = SalesforceOrg(
            takenUsernames: c.takenUsernames,
            profiles: [(standardProfileID, "Standard User"), (communityProfileID, "Customer Community User")],
            accounts: [(partnerAccountID, "Acme Partners")]
        )
        _ = try? org.insert("User", defaultUserFields(username: c.integrationUsername, lastName: "Integration"))
        return Box(
            org: org,
            injector: FaultInjector(plan: c.faults),
            limit: c.requestLimit.map(TokenBucket.init(limit:)),
            tokenLifetime: c.tokenLifetime,
            batchSize: c.queryBatchSize
        )
    }

    /// The required `User` fields with the defaults an org admin would pick.
    static func defaultUserFields(username: String, firstName: String? = nil, lastName: String) -> JSONObject {
        var o: JSONObject = [
            "Username": .string(username), "LastName": .string(lastName), "Email": .string(username),
            "Alias": .string(String(username.filter { $0.isLetter || $0.isNumber }.prefix(8))),
            "CommunityNickname": .string(username), "TimeZoneSidKey": "America/Los_Angeles", "LocaleSidKey": "en_US",
            "EmailEncodingKey": "UTF-8", "LanguageLocaleKey": "en_US", "ProfileId": .string(standardProfileID),
        ]
        if let firstName { o["FirstName"] = .string(firstName) }
        return o
    }

    /// `http://127.0.0.1:PORT` once served: the login URL and the `instance_url` the token endpoint returns.
    public var baseURL: String { box.withLock { $0.baseURL } }
    /// The token endpoint.
    public var tokenURL: String { baseURL + "/services/oauth2/token" }

    // MARK: - Test API

    /// Creates users (each a `Username`, optionally `FirstName`, `LastName`, `IsActive`; the other
    /// required fields get defaults), public groups (each a `Name`, optionally `DeveloperName`, and
    /// `members`: usernames) and permission sets (`Label`, optionally `Name`, and `assignees`:
    /// usernames), through the org's rules but with no faults, limit or counting. Returns the ids by
    /// username, group name and permission set label.
    @discardableResult
    public func seed(users: [JSONObject] = [], groups: [JSONObject] = [], permissionSets: [JSONObject] = [])
        throws(SalesforceError)
        -> [String: String]
    {
        try box.withLock { (b) throws(SalesforceError) -> [String: String] in
            var org = b.org
            var ids: [String: String] = [:]
            func userID(_ username: String) throws(SalesforceError) -> String {
                guard
                    let id = org.all("User").first(where: { $0["Username"]?.stringValue == username })?["Id"]?
                        .stringValue
                else {
                    throw SalesforceError(
                        400,
                        "INVALID_CROSS_REFERENCE_KEY",
                        "Seeded member \(username) is not a user of the org."
                    )
                }
                return id
            }
            for u in users {
                let username = u["Username"]?.stringValue ?? ""
                var fields = Self.defaultUserFields(
                    username: username,
                    firstName: u["FirstName"]?.stringValue,
                    lastName: u["LastName"]?.stringValue ?? "Seeded"
                )
                for (k, v) in u { fields[k] = v }
                ids[username] = try org.insert("User", fields)
            }
            for (n, g) in groups.enumerated() {
                let name = g["Name"]?.stringValue ?? ""
                let developerName = g["DeveloperName"]?.stringValue ?? "Seeded_Group_\(n + 1)_\(org.all("Group").count)"
                let id = try org.insert(
                    "Group",
                    ["Name": .string(name), "DeveloperName": .string(developerName), "Type": "Regular"]
                )
                ids[name] = id
                for m in g["members"]?.arrayValue ?? [] {
                    _ = try org.insert(
                        "GroupMember",
                        ["GroupId": .string(id), "UserOrGroupId": .string(try userID(m.stringValue ?? ""))]
                    )
                }
            }
            for (n, p) in permissionSets.enumerated() {
                let label = p["Label"]?.stringValue ?? ""
                let name = p["Name"]?.stringValue ?? "Seeded_Permission_Set_\(n + 1)_\(org.all("PermissionSet").count)"
                let id = try org.insert("PermissionSet", ["Label": .string(label), "Name": .string(name)])
                ids[label] = id
                for m in p["assignees"]?.arrayValue ?? [] {
                    _ = try org.insert(
                        "PermissionSetAssignment",
                        ["PermissionSetId": .string(id), "AssigneeId": .string(try userID(m.stringValue ?? ""))]
                    )
                }
            }
            b.org = org
            return ids
        }
    }

    /// Marks usernames as taken in another org.
    public func takeUsernames(_ usernames: [String]) {
        box.withLock { b in for u in usernames { b.org.takenUsernames.insert(u.lowercased()) } }
    }

    public func state() -> State {
        box.withLock { b in
            State(
                org: b.org,
                counters: b.counters,
                tokensIssued: b.tokensIssued,
                assertionsRefused: b.assertionsRefused,
                unauthorized: b.unauthorized,
                limitRefusals: b.limitRefusals,
                lastSubject: b.lastSubject
            )
        }
    }

    /// Every API request received since the start (or `reset()`), in order.
    public var recordedRequests: [RecordedRequest] { box.withLock { $0.recorded } }

    /// Back to the configuration: the org as created, no tokens, counters or recordings.
    public func reset() {
        box.withLock { b in
            let url = b.baseURL
            b = Self.initialBox(configuration)
            b.baseURL = url
        }
    }

    public func setFaults(_ plan: FaultPlan) { box.withLock { $0.injector = FaultInjector(plan: plan) } }
    public var faults: FaultPlan { box.withLock { $0.injector.plan } }
    /// "Fail the next `count` API requests to `method` under `pathPrefix` (relative to `/services/data/vXX.X`) with `fault`."
    public func failNext(_ count: Int = 1, method: String? = nil, pathPrefix: String = "", with fault: Fault) {
        box.withLock {
            $0.injector.append(FaultPlan.Rule(method: method, pathPrefix: pathPrefix, count: count, fault: fault))
        }
    }
    /// Replaces the request allocation (with a full bucket), or removes it.
    public func setRequestLimit(_ limit: RateLimit?) { box.withLock { $0.limit = limit.map(TokenBucket.init(limit:)) } }
    public var requestLimit: RateLimit? { box.withLock { $0.limit?.limit } }
    public func setTokenLifetime(_ lifetime: Duration) { box.withLock { $0.tokenLifetime = lifetime } }
    /// Makes every access token issued so far invalid, as if each session had timed out.
    public func expireAllTokens() { box.withLock { $0.tokens.removeAll() } }

    // MARK: - Serving

    enum Refusal: Error {
        case drop
        case error(SalesforceError, retryAfter: Int?)
    }

    /// Counts and records an API request (and judges it against the open `Retry-After` windows by the
    /// time it arrived), then applies the fault plan, the session and the request allocation, in
    /// that order. Returns the delay of a delay fault and whether to lose the answer.
    func admit(
        method: String,
        path: String,
        soql: String?,
        body: JSONValue?,
        authorization: String?,
        arrivedAt arrival: ContinuousClock.Instant = .now
    ) -> Result<(delay: Int?, loseResponse: Bool), Refusal> {
        let now = ContinuousClock.now
        return box.withLock { b in
            b.counters.requests["\(method) \(Self.template(path))", default: 0] += 1
            if let violation = b.windows.judge(method: method, path: path, resource: nil, arrivedAt: arrival - origin) {
                b.counters.record(violation)
            }
            b.recorded.append(RecordedRequest(method: method, path: path, soql: soql, body: body))
            var delay: Int? = nil
            var lose = false
            if let fault = b.injector.next(method: method, path: path) {
                b.counters.faults[fault.counterKey, default: 0] += 1
                switch fault {
                case .dropConnection: return .failure(.drop)
                case .loseResponse: lose = true
                case .delay(let ms): delay = ms
                case .status(let status, let retryAfter):
                    return .failure(.error(.injected(status), retryAfter: retryAfter))
                }
            }
            // Salesforce also takes `OAuth <token>`.
            let token = authorization.flatMap { h -> String? in
                let parts = h.split(separator: " ", maxSplits: 1)
                return parts.count == 2 && ["bearer", "oauth"].contains(parts[0].lowercased()) ? String(parts[1]) : nil
            }
            guard let token, let expiry = b.tokens[token], expiry > now else {
                b.unauthorized += 1
                return .failure(.error(.invalidSession, retryAfter: nil))
            }
            if b.limit?.take(at: now - origin) != nil {
                b.limitRefusals += 1
                return .failure(.error(.requestLimit, retryAfter: nil))
            }
            b.apiCalls += 1
            return .success((delay, lose))
        }
    }

    /// Calls made against the allocation, and the allocation (a Developer Edition's 15,000 when unlimited).
    var apiUsage: (used: Int, max: Int) { box.withLock { b in (b.apiCalls, b.limit?.limit.requests ?? 15000) } }
    /// `Sforce-Limit-Info: api-usage=N/M`.
    var limitInfo: String { "api-usage=\(apiUsage.used)/\(apiUsage.max)" }

    /// Counts a response by status; one with `Retry-After` opens a target-wide window from now. (The
    /// allocation's `REQUEST_LIMIT_EXCEEDED` carries none, as Salesforce's does not.)
    func recordResponse(status: Int, retryAfter: Int? = nil) {
        let now = ContinuousClock.now - origin
        box.withLock { b in
            b.counters.responses[String(status), default: 0] += 1
            if let retryAfter { b.windows.open(.target, retryAfter: retryAfter, at: now) }
        }
    }

    /// Runs `body` on the org under the lock.
    func withOrg<T: Sendable>(_ body: (inout SalesforceOrg) throws(SalesforceError) -> T) throws(SalesforceError) -> T {
        try box.withLock { (b) throws(SalesforceError) -> T in try body(&b.org) }
    }

    /// Runs a query: the first page, with a `nextRecordsUrl` when more rows remain.
    func query(_ soql: String, apiVersion: String) throws(SalesforceError) -> JSONValue {
        let q = try SOQLQuery.parse(soql)
        return try box.withLock { (b) throws(SalesforceError) -> JSONValue in
            let rows = try b.org.query(q, apiVersion: apiVersion)
            b.cursorCounter += 1
            let n = String(b.cursorCounter, radix: 36, uppercase: true)
            let locator = "01g" + String(repeating: "0", count: max(0, 12 - n.count)) + n + "AAA"
            b.cursors[locator] = rows
            return Self.page(&b, locator: locator, offset: 0, apiVersion: apiVersion)
        }
    }

    /// `GET /query/{locator}-{offset}`: a later page of a query.
    func queryMore(_ cursor: String, apiVersion: String) throws(SalesforceError) -> JSONValue {
        let parts = cursor.split(separator: "-")
        guard parts.count == 2, let offset = Int(parts[1]) else {
            throw SalesforceError(400, "INVALID_QUERY_LOCATOR", "invalid query locator")
        }
        return try box.withLock { (b) throws(SalesforceError) -> JSONValue in
            guard let rows = b.cursors[String(parts[0])], offset <= rows.count else {
                throw SalesforceError(400, "INVALID_QUERY_LOCATOR", "invalid query locator")
            }
            return Self.page(&b, locator: String(parts[0]), offset: offset, apiVersion: apiVersion)
        }
    }

    private static func page(_ b: inout Box, locator: String, offset: Int, apiVersion: String) -> JSONValue {
        let rows = b.cursors[locator] ?? []
        let batch = b.batchSize
        let end = min(rows.count, offset + batch)
        var o: JSONObject = ["totalSize": .integer(Int64(rows.count)), "done": .bool(end >= rows.count)]
        if end < rows.count {
            o["nextRecordsUrl"] = .string("/services/data/v\(apiVersion)/query/\(locator)-\(end)")
        } else {
            b.cursors.removeValue(forKey: locator)
        }
        o["records"] = .array(rows[offset..<end].map(JSONValue.object))
        return .object(o)
    }

    /// Issues an access token for an accepted assertion.
    func issueToken(subject: String) -> String {
        box.withLock { b in
            let token = "00D000000000EMUAAA!" + UUID().uuidString.replacingOccurrences(of: "-", with: "")
            b.tokens[token] = .now + b.tokenLifetime
            b.tokensIssued += 1
            b.lastSubject = subject
            return token
        }
    }

    func assertionRefused() { box.withLock { $0.assertionsRefused += 1 } }

    /// Whether `username` may be an assertion's `sub`: an active user of the org.
    func isAuthorizedSubject(_ username: String) -> Bool {
        box.withLock { b in
            b.org.all("User").contains {
                ($0["Username"]?.stringValue).map { caseInsensitiveEquals($0, username) } ?? false
                    && $0["IsActive"]?.boolValue != false
            }
        }
    }

    /// `/sobjects/User/005…` → `/sobjects/User/{id}`; `/query/01g…-2000` → `/query/{locator}`.
    static func template(_ path: String) -> String {
        var segments = path.split(separator: "/").map(String.init)
        if segments.count == 3, segments[0] == "sobjects" { segments[2] = "{id}" }
        if segments.count == 2, segments[0] == "query" { segments[1] = "{locator}" }
        return "/" + segments.joined(separator: "/")
    }
}

extension SalesforceEmulator: EmulatedTarget {
    /// Paths start at the host: `/services/oauth2/token`, `/services/data/vXX.X/…`.
    public var basePath: String { "" }

    public func setBaseURL(_ url: String) {
        box.withLock { $0.baseURL = url.hasSuffix("/") ? String(url.dropLast()) : url }
    }

    public func register(on router: Router<EmulatorRequestContext>) {
        router.add(middleware: SalesforceAPI(emulator: self))
        SalesforceTokenEndpoint(emulator: self).register(on: router)
        SalesforceAdminRoutes(emulator: self).register(on: router)
    }
}
