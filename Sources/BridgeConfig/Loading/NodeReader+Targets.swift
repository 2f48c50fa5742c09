import Membership
import Yams

extension NodeReader {
    static let commonTargetKeys = [
        "name", "kind", "baseURL", "auth", "onNameCollision", "acknowledgeNameCollision", "removeAction", "rateLimit",
        "concurrency", "reconcileEvery", "maxAttempts", "timeout", "scope", "mapping", "safety",
    ]
    // An ordered list, not a dictionary, so that "did you mean" breaks ties the same way every run.
    static let kindSpecificKeys: [(kind: TargetKind, keys: [String])] = [
        (.google, ["customer", "domain"]),
        (.msgraph, ["groupType", "initialPassword", "domain"]),
        (
            .salesforce,
            [
                "apiVersion", "memberships", "communities", "profileId", "usernameSuffix", "deprovisioning",
                "timeZoneSidKey", "localeSidKey", "emailEncodingKey", "languageLocaleKey",
            ]
        ),
    ]

    /// `targets:`; the names are unique.
    mutating func targets(_ node: Node?) -> [TargetSettings] {
        guard let node else { return [] }
        guard case .sequence(let sequence) = node else {
            report("targets", "expected a list of targets (- name: …), found \(Self.describe(node))", at: node)
            return []
        }
        var targets: [TargetSettings] = []
        var seen: [String: Int] = [:]
        for (i, element) in sequence.enumerated() {
            let path = "targets[\(i)]"
            guard let target = target(element, at: path) else { continue }
            if let first = seen[target.name] {
                report(
                    "\(path).name",
                    "duplicate target name '\(target.name)' (also targets[\(first)])",
                    at: element["name"]
                )
                continue
            }
            seen[target.name] = i
            targets.append(target)
        }
        return targets
    }

    /// One target; `nil` when a required key is missing or invalid (its problems are reported).
    mutating func target(_ node: Node, at path: String) -> TargetSettings? {
        // The kind decides which keys exist, so read it before checking the others.
        let kind = node.mapping?["kind"]?.string.flatMap(TargetKind.init(rawValue:))
        var allowed = Self.commonTargetKeys
        var elsewhere: [String: String] = [:]
        for (specificKind, keys) in Self.kindSpecificKeys {
            // With an unknown kind, accept every kind-specific key rather than report each as a second problem.
            if kind == nil || kind == specificKind {
                allowed += keys
            } else {
                for key in keys {
                    elsewhere[key] =
                        elsewhere[key].map { "\($0) or \(specificKind.rawValue)" }
                        ?? "only valid for kind \(specificKind.rawValue)"
                }
            }
        }
        guard let f = fields(node, at: path, allowed: allowed, elsewhere: elsewhere) else { return nil }

        let name = string(f, "name", required: true)
        if let name, !ChannelSettings.isValidName(name) {
            report(
                f.path("name"),
                "'\(name)' is not a valid target name: use 1-64 lowercase letters, digits, '-' or '_', "
                    + "not starting with '-'",
                at: f["name"]
            )
        }
        let parsedKind: TargetKind? = choice(f, "kind", required: true)
        let baseURL: String? = {
            if f["baseURL"] != nil { return url(f, "baseURL") }
            if let defaultURL = parsedKind?.defaultBaseURL { return defaultURL }
            if parsedKind != nil {
                missing("baseURL", in: f, " (kind \(parsedKind!.rawValue) has no default base URL)")
            }
            return nil
        }()
        var auth: TargetAuth?
        if let authNode = f["auth"] {
            if let parsedKind { auth = self.auth(authNode, at: f.path("auth"), kind: parsedKind) }
        } else {
            missing("auth", in: f)
        }

        let policy: CollisionPolicy = choice(f, "onNameCollision") ?? .fail
        let acknowledged = bool(f, "acknowledgeNameCollision") ?? false
        if policy != .fail, !acknowledged {
            report(
                f.path("acknowledgeNameCollision"),
                "onNameCollision is \(policy.rawValue), which \(Self.consequences(of: policy)); "
                    + "set acknowledgeNameCollision: true to accept this, or use onNameCollision: fail",
                at: f["acknowledgeNameCollision"] ?? f["onNameCollision"]
            )
        }
        let removeAction: UserRemoval = choice(f, "removeAction") ?? .disable
        if let parsedKind, !parsedKind.supportedUserRemovals.contains(removeAction) {
            report(
                f.path("removeAction"),
                "kind \(parsedKind.rawValue) cannot \(removeAction.rawValue) users; use "
                    + parsedKind.supportedUserRemovals.map(\.rawValue).joined(separator: " or "),
                at: f["removeAction"]
            )
        }
        let rateLimit = f["rateLimit"].map { self.rateLimit($0, at: f.path("rateLimit")) } ?? nil
        let concurrency = int(f, "concurrency", in: 1...64) ?? TargetSettings.defaultConcurrency
        let reconcileEvery =
            duration(f, "reconcileEvery", atLeast: .seconds(10), atMost: .seconds(7 * 86_400), allowOff: true)
            ?? TargetSettings.defaultReconcileEvery
        let maxAttempts = int(f, "maxAttempts", in: 1...1000) ?? TargetSettings.defaultMaxAttempts
        let timeout =
            (duration(f, "timeout", atLeast: .seconds(1), atMost: .seconds(3600)) ?? nil)
            ?? TargetSettings.defaultTimeout

        let scope = f["scope"].map { self.scope($0, at: f.path("scope")) } ?? .everything
        var mappings: (user: AttributeMapping, group: AttributeMapping)? = (.none, .none)
        if let node = f["mapping"] { mappings = mapping(node, at: f.path("mapping"), kind: parsedKind) }
        // nil: unreadable (reported); .some(nil): `off`.
        var maxDeprovisions: Int?? = .some(TargetSettings.defaultMaxDeprovisions)
        if let safety = f["safety"] { maxDeprovisions = self.maxDeprovisions(safety, at: f.path("safety")) }
        var google: GoogleSettings?
        var salesforce: SalesforceSettings?
        var msgraph: MSGraphSettings?
        switch parsedKind {
        case .google:
            let customer = string(f, "customer") ?? "my_customer"
            if let domain = string(f, "domain", required: true) {
                google = GoogleSettings(customer: customer, domain: domain)
            }
        case .salesforce:
            salesforce = salesforceSettings(f)
        case .msgraph:
            msgraph = MSGraphSettings(
                groupType: choice(f, "groupType") ?? .security,
                initialPassword: choice(f, "initialPassword") ?? .random,
                domain: string(f, "domain")
            )
        default:
            break
        }

        guard let name, let kind = parsedKind, let baseURL, let auth, let scope, let mappings, let maxDeprovisions
        else { return nil }
        if kind == .google, google == nil { return nil }
        if kind == .salesforce, salesforce == nil { return nil }
        return TargetSettings(
            name: name,
            kind: kind,
            baseURL: baseURL,
            auth: auth,
            onNameCollision: policy,
            acknowledgeNameCollision: acknowledged,
            removeAction: removeAction,
            rateLimit: rateLimit,
            concurrency: concurrency,
            reconcileEvery: reconcileEvery,
            maxAttempts: maxAttempts,
            timeout: timeout,
            google: google,
            salesforce: salesforce,
            msgraph: msgraph,
            scope: scope,
            mapping: mappings.user,
            groupMapping: mappings.group,
            maxDeprovisions: maxDeprovisions
        )
    }

    /// What accepting a policy means, for the acknowledgement error (DESIGN §Name collisions).
    static func consequences(of policy: CollisionPolicy) -> String {
        switch policy {
        case .fail: "refuses to touch an existing group of the same name"
        case .merge:
            "adopts an existing group of the same name on the target and adds the source members to it, keeping "
                + "everyone already there (when the group is deleted at the source, the bridge removes the members it "
                + "added and keeps the group)"
        case .overwrite:
            "adopts an existing group of the same name on the target and makes its members exactly the source's, "
                + "removing everyone else (when the group is deleted at the source, the bridge deletes it)"
        }
    }

    /// `rateLimit: { requestsPerMinute, burst }`; `burst` defaults to a tenth of the rate.
    mutating func rateLimit(_ node: Node, at path: String) -> RateLimit? {
        guard let f = fields(node, at: path, allowed: ["requestsPerMinute", "burst"]) else { return nil }
        guard let perMinute = int(f, "requestsPerMinute", in: 1...1_000_000) else {
            if f["requestsPerMinute"] == nil { missing("requestsPerMinute", in: f) }
            return nil
        }
        let burst = int(f, "burst", in: 1...100_000) ?? max(1, perMinute / 10)
        return RateLimit(requestsPerMinute: perMinute, burst: burst)
    }

    /// The salesforce-only keys.
    mutating func salesforceSettings(_ f: Fields) -> SalesforceSettings? {
        var settings = SalesforceSettings()
        if let version = string(f, "apiVersion") {
            let parts = version.split(separator: ".", omittingEmptySubsequences: false)
            if parts.count == 2, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy { ("0"..."9").contains($0) } }) {
                settings.apiVersion = version
            } else {
                report(
                    f.path("apiVersion"),
                    "must be MAJOR.MINOR such as \"62.0\", not '\(version)'",
                    at: f["apiVersion"]
                )
            }
        }
        if let memberships: SalesforceSettings.Memberships = choice(f, "memberships") {
            settings.memberships = memberships
        }
        if let node = f["communities"],
            let c = fields(node, at: f.path("communities"), allowed: ["accountId", "profileId"])
        {
            let account = salesforceID(c, "accountId")
            let profile = salesforceID(c, "profileId")
            if let account, let profile { settings.communities = .init(accountId: account, profileId: profile) }
        }
        if f["profileId"] != nil {
            settings.profileId = salesforceID(f, "profileId")
        } else if f["communities"] == nil {
            report(
                f.path("profileId"),
                "required: the Profile id new users get (or set communities for portal users)",
                at: nil
            )
        }
        if let d: SalesforceSettings.Deprovisioning = choice(f, "deprovisioning") { settings.deprovisioning = d }
        settings.usernameSuffix = string(f, "usernameSuffix")
        if let v = string(f, "timeZoneSidKey") { settings.timeZoneSidKey = v }
        if let v = string(f, "localeSidKey") { settings.localeSidKey = v }
        if let v = string(f, "emailEncodingKey") { settings.emailEncodingKey = v }
        if let v = string(f, "languageLocaleKey") { settings.languageLocaleKey = v }
        return settings
    }

    /// A 15 or 18 character Salesforce record id.
    mutating func salesforceID(_ f: Fields, _ key: String) -> String? {
        guard let id = string(f, key, required: true) else { return nil }
        guard id.count == 15 || id.count == 18,
            id.unicodeScalars.allSatisfy({
                ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0)
            })
        else {
            report(f.path(key), "must be a 15 or 18 character Salesforce id, not '\(id)'", at: f[key])
            return nil
        }
        return id
    }
}
