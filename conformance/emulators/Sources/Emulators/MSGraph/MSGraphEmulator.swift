internal import Foundation
public import SCIM
internal import Synchronization

/// An emulated Microsoft Entra ID tenant behind Microsoft Graph v1.0 (users, groups, group members
/// and `$batch` under `/v1.0`) and the identity platform's token endpoint
/// (`/{tenant}/oauth2/v2.0/token`, client secret or certificate assertion). It enforces the contract
/// of research/targets.md §F: app roles in the token, Graph's error bodies and codes, the 20-reference
/// and 20-request caps, "already a member" as a 400, soft deletes, non-unique group names, the
/// replication delay after a create, and the identity-and-access throttling (ResourceUnits per
/// 10 s, writes per 150 s) answered 429 with `Retry-After`. Faults, seeding, state, recorded requests
/// and an optional OpenAPI contract check as the other emulators offer them. Serve it with
/// `EmulatorServer` or `withRunningEmulator`; the admin API is under `/_emulator`.
public final class MSGraphEmulator: Sendable {
    /// How the emulator starts, and what `reset()` returns it to.
    public struct Configuration: Sendable {
        public var tenantID: String
        public var clientID: String
        /// The client secret accepted; nil refuses every secret.
        public var clientSecret: String?
        /// The app's certificate (PEM); an assertion must name it by `x5t` or `x5t#S256`. nil refuses
        /// every assertion.
        public var certificatePEM: String?
        /// The certificate's public key (PEM) that verifies assertion signatures; nil takes it from
        /// the certificate.
        public var publicKeyPEM: String?
        /// The app roles granted, put in each token's `roles` claim.
        public var roles: Set<String>
        /// The domains a UPN may use.
        public var verifiedDomains: Set<String>
        /// Domains federated with another IdP: their users need `onPremisesImmutableId`, not a password.
        public var federatedDomains: Set<String>
        public var tokenLifetime: Duration
        /// Write requests per `writeWindow` (nil: unlimited).
        public var writesPerWindow: Int?
        public var writeWindow: Duration
        /// ResourceUnits per `resourceUnitWindow` (nil: unlimited).
        public var resourceUnitsPerWindow: Int?
        /// Graph refills ResourceUnits over 10 seconds; a test may stretch it so that a slow machine
        /// does not refill the budget between the calls it counts.
        public var resourceUnitWindow: Duration
        /// How long a new user or group stays unknown to member references.
        public var replicationDelay: Duration
        public var faults: FaultPlan
        /// When set, every Graph request (and each request inside a `$batch`) is checked against it;
        /// violations are recorded in `State.contractViolations`, the request is still served.
        public var contract: OpenAPIContract?
        /// How late after a `Retry-After` window opens a request still counts as already in flight
        /// (`RetryAfterWindows.inFlightGrace`), not as a violation.
        public var inFlightGrace: Duration = .milliseconds(250)

        public init(
            tenantID: String = "8f0c5d1e-0000-4000-8000-000000000001",
            clientID: String = "3c1a7e52-0000-4000-8000-000000000002",
            clientSecret: String? = nil,
            certificatePEM: String? = nil,
            publicKeyPEM: String? = nil,
            roles: Set<String> = MSGraphEmulator.requiredRoles,
            verifiedDomains: Set<String> = ["example.com", "contoso.onmicrosoft.com"],
            federatedDomains: Set<String> = [],
            tokenLifetime: Duration = .seconds(3599),
            writesPerWindow: Int? = 3000,
            writeWindow: Duration = .seconds(150),
            resourceUnitsPerWindow: Int? = 8000,
            resourceUnitWindow: Duration = .seconds(10),
            replicationDelay: Duration = .zero,
            faults: FaultPlan = .none,
            contract: OpenAPIContract? = nil
        ) {
            self.tenantID = tenantID
            self.clientID = clientID
            self.clientSecret = clientSecret
            self.certificatePEM = certificatePEM
            self.publicKeyPEM = publicKeyPEM
            self.roles = roles
            self.verifiedDomains = verifiedDomains
            self.federatedDomains = federatedDomains
            self.tokenLifetime = tokenLifetime
            self.writesPerWindow = writesPerWindow
            self.writeWindow = writeWindow
            self.resourceUnitsPerWindow = resourceUnitsPerWindow
            self.resourceUnitWindow = resourceUnitWindow
            self.replicationDelay = replicationDelay
            self.faults = faults
            self.contract = contract
        }
    }

    /// The application permissions a provisioning connector needs (research/targets.md §F).
    public static let requiredRoles: Set<String> = [
        "User.ReadWrite.All", "Group.ReadWrite.All", "GroupMember.ReadWrite.All",
    ]
    /// The path of Graph on the emulator's host.
    public static let apiPath = "/v1.0"
    /// Microsoft's token URL for a tenant, which an assertion may name as `aud`.
    public static func microsoftTokenURL(tenantID: String) -> String {
        "https://login.microsoftonline.com/\(tenantID)/oauth2/v2.0/token"
    }

    /// A configuration the emulator cannot start with.
    public struct ConfigurationError: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    public let configuration: Configuration

    struct IssuedToken {
        var expiry: ContinuousClock.Instant
        var roles: Set<String>
    }

    struct Box {
        var directory: MSGraphDirectory
        var injector: FaultInjector
        var throttle: MSGraphThrottle
        var counters = EmulatorCounters()
        var windows = RetryAfterWindows()
        var tokens: [String: IssuedToken] = [:]
        var tokenLifetime: Duration
        var spentJTIs: Set<String> = []
        var recorded: [MSGraphRecordedRequest] = []
        var contractViolations: [String] = []
        var tokensIssued = 0
        var assertionsRefused = 0
        var secretsRefused = 0
        var tokenRefusals: [String: Int] = [:]
        var unauthorized = 0
        var forbidden = 0
        var throttledBy: [String: Int] = [:]
        var batches = 0
        var baseURL = ""

        init(_ configuration: Configuration) {
            directory = MSGraphDirectory(
                settings: .init(
                    verifiedDomains: configuration.verifiedDomains,
                    federatedDomains: configuration.federatedDomains,
                    replicationDelay: configuration.replicationDelay
                )
            )
            injector = FaultInjector(plan: configuration.faults)
            windows = RetryAfterWindows(inFlightGrace: configuration.inFlightGrace)
            throttle = MSGraphThrottle(
                limits: .init(
                    writesPerWindow: configuration.writesPerWindow,
                    writeWindow: configuration.writeWindow,
                    resourceUnitsPerWindow: configuration.resourceUnitsPerWindow,
                    resourceUnitWindow: configuration.resourceUnitWindow
                )
            )
            tokenLifetime = configuration.tokenLifetime
        }
    }

    let box: Mutex<Box>
    let origin = ContinuousClock.now
    /// The registered certificate and the verifier of assertions signed with its key; nil when no
    /// certificate is configured.
    let registeredCertificate: (certificate: MSGraphCertificate, verifier: AssertionVerifier)?
    /// Signs the access tokens; never leaves the process.
    let signingKey = UUID().uuidString + UUID().uuidString

    /// - Throws: when `certificatePEM` holds no certificate, or its key (or `publicKeyPEM`) is not RSA.
    public init(configuration: Configuration = Configuration()) throws {
        self.configuration = configuration
        if let pem = configuration.certificatePEM {
            guard let certificate = MSGraphCertificate(pem: pem) else {
                throw ConfigurationError(description: "certificatePEM holds no PEM CERTIFICATE block.")
            }
            let verifier: AssertionVerifier
            if let publicKeyPEM = configuration.publicKeyPEM {
                verifier = try AssertionVerifier(publicKeyPEM: publicKeyPEM)
            } else {
                verifier = try AssertionVerifier(certificatePEM: pem)
            }
            registeredCertificate = (certificate, verifier)
        } else {
            registeredCertificate = nil
        }
        box = Mutex(Box(configuration))
    }

    /// `http://127.0.0.1:PORT` once served.
    public var baseURL: String { box.withLock { $0.baseURL } }
    /// `baseURL/v1.0`: what a connector calls Graph at.
    public var graphURL: String { baseURL + Self.apiPath }
    /// The emulator's token endpoint for the configured tenant.
    public var tokenURL: String { "\(baseURL)/\(configuration.tenantID)/oauth2/v2.0/token" }
    /// The `aud` values an assertion may carry: Microsoft's token URL or the emulator's.
    var acceptedAudiences: Set<String> { [Self.microsoftTokenURL(tenantID: configuration.tenantID), tokenURL] }

    // MARK: - Test API

    /// Adds users (each needs `userPrincipalName`; the other required fields are filled in) and then
    /// groups (each needs `displayName`; may carry `members`: ids or UPNs of users seeded here or
    /// before, and the id to be created with), without faults, throttling, replication delay or
    /// counting, all or nothing. Same-named groups are allowed. Returns the new ids.
    @discardableResult
    public func seed(users: [JSONObject] = [], groups: [JSONObject] = []) throws(MSGraphError) -> (
        users: [String], groups: [String]
    ) {
        let now = ContinuousClock.now - origin
        return try box.withLock { (b) throws(MSGraphError) in
            var d = b.directory
            let delay = d.settings.replicationDelay
            d.settings.replicationDelay = .zero
            var userIDs: [String] = []
            for var u in users {
                guard let upn = u["userPrincipalName"]?.stringValue else {
                    throw .required("userPrincipalName", of: "User")
                }
                let alias = String(upn.split(separator: "@").first ?? "user")
                if u["accountEnabled"] == nil { u["accountEnabled"] = true }
                if u["displayName"] == nil { u["displayName"] = .string(alias) }
                if u["mailNickname"] == nil { u["mailNickname"] = .string(MSGraphNameRules.mailNickname(from: alias)) }
                if u["passwordProfile"] == nil { u["passwordProfile"] = ["password": "Seeded-Passw0rd!"] }
                if u["onPremisesImmutableId"] == nil { u["onPremisesImmutableId"] = .string(alias) }
                let id = u.removeValue(forKey: "id")?.stringValue
                userIDs.append(try d.createUser(u, at: now, id: id)["id"]?.stringValue ?? "")
            }
            var groupIDs: [String] = []
            for var g in groups {
                let members = g.removeValue(forKey: "members")?.arrayValue ?? []
                let name = g["displayName"]?.stringValue ?? ""
                if g["mailEnabled"] == nil { g["mailEnabled"] = false }
                if g["securityEnabled"] == nil { g["securityEnabled"] = true }
                if g["mailNickname"] == nil { g["mailNickname"] = .string(MSGraphNameRules.mailNickname(from: name)) }
                let id = g.removeValue(forKey: "id")?.stringValue
                let created = try d.createGroup(g, at: now, id: id)
                let groupID = created["id"]?.stringValue ?? ""
                let ids = members.compactMap { $0.stringValue }.map { d.userID($0) ?? $0 }
                if !ids.isEmpty { try d.addMembers(ids, to: groupID, at: now) }
                groupIDs.append(groupID)
            }
            d.settings.replicationDelay = delay
            b.directory = d
            return (userIDs, groupIDs)
        }
    }

    public func state() -> State {
        box.withLock { b in
            let d = b.directory
            var memberIDs: [String: [String]] = [:]
            for g in d.allGroups {
                if let id = g["id"]?.stringValue { memberIDs[id] = d.memberIDs(ofGroupID: id) }
            }
            return State(
                users: d.allUsers,
                deletedUsers: d.softDeletedUsers,
                groups: d.allGroups,
                memberIDs: memberIDs,
                counters: b.counters,
                tokensIssued: b.tokensIssued,
                assertionsRefused: b.assertionsRefused,
                secretsRefused: b.secretsRefused,
                tokenRefusals: b.tokenRefusals,
                unauthorized: b.unauthorized,
                forbidden: b.forbidden,
                throttledBy: b.throttledBy,
                writesAdmitted: b.throttle.writesAdmitted,
                peakWritesInWindow: b.throttle.peakWritesInWindow,
                writesPerWindow: b.throttle.limits.writesPerWindow,
                writeWindow: b.throttle.limits.writeWindow,
                writeRateShare: b.throttle.writeRateShare,
                peakWriteShare: b.throttle.peakWriteShare,
                batches: b.batches,
                contractViolations: b.contractViolations
            )
        }
    }

    /// Every Graph request received since the start (or `reset()`), in order of arrival; a batch's
    /// inner requests follow the `$batch` request itself.
    public var recordedRequests: [MSGraphRecordedRequest] { box.withLock { $0.recorded } }

    /// Back to the configuration: no resources, tokens, counters, recordings or open windows.
    public func reset() {
        box.withLock { b in
            let url = b.baseURL
            b = Box(configuration)
            b.baseURL = url
        }
    }

    public var faults: FaultPlan { box.withLock { $0.injector.plan } }
    public func setFaults(_ plan: FaultPlan) { box.withLock { $0.injector = FaultInjector(plan: plan) } }
    public func addFaultRule(_ rule: FaultPlan.Rule) { box.withLock { $0.injector.append(rule) } }
    /// "Fail the next `count` Graph requests to `method` under `pathPrefix` (relative to `/v1.0`,
    /// e.g. `/groups`; inner requests of a batch included) with `fault`."
    public func failNext(_ count: Int = 1, method: String? = nil, pathPrefix: String = "", with fault: Fault) {
        addFaultRule(FaultPlan.Rule(method: method, pathPrefix: pathPrefix, count: count, fault: fault))
    }

    /// Replaces the throttle's limits, with full budgets.
    public func setLimits(writesPerWindow: Int?, writeWindow: Duration = .seconds(150), resourceUnitsPerWindow: Int?) {
        box.withLock {
            $0.throttle = MSGraphThrottle(
                limits: .init(
                    writesPerWindow: writesPerWindow,
                    writeWindow: writeWindow,
                    resourceUnitsPerWindow: resourceUnitsPerWindow
                )
            )
        }
    }

    public func setReplicationDelay(_ delay: Duration) {
        box.withLock { $0.directory.settings.replicationDelay = delay }
    }
    /// The lifetime of tokens issued from now on.
    public func setTokenLifetime(_ lifetime: Duration) { box.withLock { $0.tokenLifetime = lifetime } }
    /// Makes every access token issued so far invalid, as if each had expired.
    public func expireAllTokens() {
        box.withLock { b in
            for key in b.tokens.keys { b.tokens[key]?.expiry = .now - .seconds(1) }
        }
    }

    // MARK: - Token endpoint bookkeeping

    /// The roles and lifetime of the next token.
    func tokenGrant() -> (Set<String>, Duration) { box.withLock { (configuration.roles, $0.tokenLifetime) } }

    func tokenIssued(_ token: String, roles: Set<String>, lifetime: Duration) {
        box.withLock { b in
            b.tokens[token] = IssuedToken(expiry: .now + lifetime, roles: roles)
            b.tokensIssued += 1
        }
    }

    func tokenRefused(_ error: MSIdentityError) {
        box.withLock { b in
            b.tokenRefusals["AADSTS\(error.code)", default: 0] += 1
            if error.code == 7_000_215 { b.secretsRefused += 1 }
            if [700027, 50012, 700024, 50027, 700021, 7_000_219].contains(error.code) { b.assertionsRefused += 1 }
        }
    }

    /// Marks an assertion's `jti` as used; false when it was used before.
    func spend(jti: String) -> Bool { box.withLock { $0.spentJTIs.insert(jti).inserted } }
}
