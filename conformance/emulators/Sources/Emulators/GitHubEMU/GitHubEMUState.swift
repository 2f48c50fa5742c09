public import SCIM

/// A snapshot of the GitHub emulator for tests: users and groups as GitHub would return them,
/// the counters (429s included), every request received, and the settings in force.
/// `GET /_emulator/state` returns `json`.
public struct GitHubEMUState: Sendable {
    /// Users, oldest first (suspended ones have `active: false`).
    public var users: [JSONObject]
    /// Groups, oldest first, with `members`.
    public var groups: [JSONObject]
    public var counters: EmulatorCounters
    /// Every SCIM request, in arrival order (faulted and refused ones too).
    public var requests: [GitHubEMURecordedRequest]
    public var faults: FaultPlan
    public var rateLimit: RateLimit?
    public var groupPatchStatus: Int

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

    /// The `userName`s of a group's members.
    public func memberNames(of displayName: String) -> Set<String> {
        guard let g = group(named: displayName) else { return [] }
        var names: [String: String] = [:]
        for u in users {
            if let id = u["id"]?.stringValue, let n = u["userName"]?.stringValue { names[id] = n }
        }
        return Set(Self.memberIDs(of: g).compactMap { names[$0] })
    }

    public var json: JSONValue {
        [
            "users": .array(users.map(JSONValue.object)), "groups": .array(groups.map(JSONValue.object)),
            "counters": counters.json, "requests": .integer(Int64(requests.count)), "faults": faults.json,
            "rateLimit": rateLimit?.json ?? .null, "groupPatchStatus": .integer(Int64(groupPatchStatus)),
        ]
    }
}
