public import SCIM

extension MSGraphEmulator {
    /// A snapshot of the emulated tenant for tests: users (live and soft-deleted), groups with their
    /// member ids, the counters, the token endpoint's tallies, the throttle's, and the contract
    /// violations seen. `GET /_emulator/state` returns `json`.
    public struct State: Sendable {
        /// Users as stored (password profile included), oldest first.
        public var users: [JSONObject]
        /// Soft-deleted users, oldest deletion first: they keep their UPN until purged.
        public var deletedUsers: [JSONObject]
        /// Groups as stored, oldest first; their members are in `memberIDs`.
        public var groups: [JSONObject]
        /// Member ids by group id, in the order they were added.
        public var memberIDs: [String: [String]]
        /// Requests by method and path template, responses by status, every 429, faults,
        /// and the requests that arrived inside a `Retry-After` window.
        public var counters: EmulatorCounters
        public var tokensIssued: Int
        /// Certificate assertions refused, and client secrets refused, by the token endpoint.
        public var assertionsRefused: Int
        public var secretsRefused: Int
        /// Every refusal of the token endpoint by AADSTS code (`"AADSTS7000215": 1`).
        public var tokenRefusals: [String: Int]
        /// Graph requests refused 401 (no, unknown or expired token) and 403 (a role missing).
        public var unauthorized: Int
        public var forbidden: Int
        /// 429s the throttle sent, by `x-ms-throttle-information` (`WriteLimitExceeded`, …); injected
        /// 429s count under `counters.faults`.
        public var throttledBy: [String: Int]
        /// Writes the throttle admitted, the most that were ever inside one write window, the write
        /// limit's figures, and the shares a benchmark reports.
        public var writesAdmitted: Int
        public var peakWritesInWindow: Int
        public var writesPerWindow: Int?
        public var writeWindow: Duration
        /// Writes admitted per second over the busy period (first to last write) ÷ the limit's rate.
        public var writeRateShare: Double?
        /// `peakWritesInWindow ÷ writesPerWindow`: 1 when a window was full.
        public var peakWriteShare: Double?
        /// `$batch` requests answered (their inner requests count as requests of their own).
        public var batches: Int
        /// The contract's violations, one sentence each, oldest first (when a contract is configured).
        public var contractViolations: [String]

        /// Every 429 the throttle sent.
        public var throttled: Int { throttledBy.values.reduce(0, +) }
        /// The requests that arrived inside a `Retry-After` window (kept: the latest 100).
        public var retryAfterViolations: [RetryAfterViolation] { counters.retryAfterViolations }

        /// The live user with this UPN, ignoring case.
        public func user(principalName upn: String) -> JSONObject? {
            users.first { $0["userPrincipalName"]?.stringValue.map { caseInsensitiveEquals($0, upn) } ?? false }
        }

        /// Every group with this display name, ignoring case (names are not unique).
        public func groups(named name: String) -> [JSONObject] {
            groups.filter { $0["displayName"]?.stringValue.map { caseInsensitiveEquals($0, name) } ?? false }
        }

        /// The only group with this display name; nil when there is none or several.
        public func group(named name: String) -> JSONObject? {
            let found = groups(named: name)
            return found.count == 1 ? found[0] : nil
        }

        /// The UPNs of the user members of a group.
        public func memberPrincipalNames(ofGroupID id: String) -> Set<String> {
            let byID = Dictionary(users.compactMap { u in u["id"]?.stringValue.map { ($0, u) } }) { a, _ in a }
            return Set((memberIDs[id] ?? []).compactMap { byID[$0]?["userPrincipalName"]?.stringValue })
        }

        /// The UPNs of the user members of the only group with this name (empty when none or several).
        public func memberPrincipalNames(ofGroupNamed name: String) -> Set<String> {
            guard let id = group(named: name)?["id"]?.stringValue else { return [] }
            return memberPrincipalNames(ofGroupID: id)
        }

        public var json: JSONValue {
            func integers(_ d: [String: Int]) -> JSONValue {
                .object(JSONObject(d.sorted { $0.key < $1.key }.map { ($0.key, JSONValue.integer(Int64($0.value))) }))
            }
            let groupsJSON = groups.map { g -> JSONValue in
                var o = g
                let id = g["id"]?.stringValue ?? ""
                o["members"] = .array((memberIDs[id] ?? []).map(JSONValue.string))
                o["memberPrincipalNames"] = .array(memberPrincipalNames(ofGroupID: id).sorted().map(JSONValue.string))
                return .object(o)
            }
            return [
                "users": .array(users.map(JSONValue.object)),
                "deletedUsers": .array(deletedUsers.map(JSONValue.object)),
                "groups": .array(groupsJSON), "counters": counters.json, "tokensIssued": .integer(Int64(tokensIssued)),
                "assertionsRefused": .integer(Int64(assertionsRefused)),
                "secretsRefused": .integer(Int64(secretsRefused)),
                "tokenRefusals": integers(tokenRefusals), "unauthorized": .integer(Int64(unauthorized)),
                "forbidden": .integer(Int64(forbidden)), "throttled": .integer(Int64(throttled)),
                "throttledBy": integers(throttledBy), "writesAdmitted": .integer(Int64(writesAdmitted)),
                "peakWritesInWindow": .integer(Int64(peakWritesInWindow)),
                "writesPerWindow": writesPerWindow.map { .integer(Int64($0)) } ?? .null,
                "writeWindowSeconds": .integer(writeWindow.components.seconds),
                "writeRateShare": writeRateShare.map(JSONValue.decimal) ?? .null,
                "peakWriteShare": peakWriteShare.map(JSONValue.decimal) ?? .null, "batches": .integer(Int64(batches)),
                "contractViolations": .array(contractViolations.map(JSONValue.string)),
            ]
        }
    }
}
