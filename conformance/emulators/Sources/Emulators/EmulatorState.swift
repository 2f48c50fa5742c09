public import SCIM

/// A snapshot of an emulator for tests: every resource as stored (full JSON, `password` included),
/// the counters, and the fault and rate-limit settings in force. `GET /_emulator/state` returns `json`.
public struct EmulatorState: Sendable {
    /// Users, oldest first.
    public var users: [JSONObject]
    /// Groups, oldest first, with `members` as clients see them.
    public var groups: [JSONObject]
    public var counters: EmulatorCounters
    public var faults: FaultPlan
    public var rateLimit: RateLimit?

    public init(
        users: [JSONObject],
        groups: [JSONObject],
        counters: EmulatorCounters,
        faults: FaultPlan,
        rateLimit: RateLimit?
    ) {
        self.users = users
        self.groups = groups
        self.counters = counters
        self.faults = faults
        self.rateLimit = rateLimit
    }

    /// The user with this `userName`, ignoring case.
    public func user(named userName: String) -> JSONObject? {
        users.first { $0["userName"]?.stringValue.map { caseInsensitiveEquals($0, userName) } ?? false }
    }

    /// The group with this `displayName`, ignoring case.
    public func group(named displayName: String) -> JSONObject? {
        groups.first { $0["displayName"]?.stringValue.map { caseInsensitiveEquals($0, displayName) } ?? false }
    }

    /// The member ids of a group, in order.
    public static func memberIDs(of group: JSONObject) -> [String] {
        (group["members"]?.arrayValue ?? []).compactMap { $0["value"]?.stringValue }
    }

    /// `{"users": [...], "groups": [...], "counters": {...}, "faults": {...}, "rateLimit": {...} | null}`.
    public var json: JSONValue {
        [
            "users": .array(users.map(JSONValue.object)),
            "groups": .array(groups.map(JSONValue.object)),
            "counters": counters.json,
            "faults": faults.json,
            "rateLimit": rateLimit?.json ?? .null,
        ]
    }
}
