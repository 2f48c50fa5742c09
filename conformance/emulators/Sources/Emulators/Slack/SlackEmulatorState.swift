public import SCIM

/// A snapshot of a Slack emulator for tests: users and groups as clients see them, the channel
/// names, the counters with 429s by cause, and the fault plan. `GET /_emulator/state` returns `json`.
public struct SlackEmulatorState: Sendable {
    /// Users, oldest first (deactivated ones included: Slack never deletes a user).
    public var users: [JSONObject]
    /// Groups, oldest first, `members` in the order they were added.
    public var groups: [JSONObject]
    public var channelNames: [String]
    /// Requests by endpoint, responses by status, every 429 (`tooManyRequests`), the rate limiter's
    /// (`rateLimited`) and the faults injected.
    public var counters: EmulatorCounters
    /// The rate limiter's 429s by the bucket that refused (`"writes"`, `"POST /Users"`, …).
    public var rateLimitedBy: [String: Int]
    /// 429 `resource_locked`: a write to a user or group still being updated.
    public var resourceLocked: Int
    public var faults: FaultPlan

    /// 429s by cause: `rateLimit`, `resourceLocked`, `fault`.
    public var tooManyRequestsByCause: [String: Int] {
        ["rateLimit": counters.rateLimited, "resourceLocked": resourceLocked, "fault": counters.faults["429"] ?? 0]
    }

    /// The user whose (normalized) `userName` is this, ignoring case.
    public func user(named userName: String) -> JSONObject? {
        users.first { $0["userName"]?.stringValue.map { caseInsensitiveEquals($0, userName) } ?? false }
    }

    /// The user with this email address, ignoring case.
    public func user(email: String) -> JSONObject? {
        users.first { u in
            (u["emails"]?.arrayValue ?? []).contains {
                $0["value"]?.stringValue.map { caseInsensitiveEquals($0, email) } ?? false
            }
        }
    }

    public func user(id: String) -> JSONObject? { users.first { $0["id"]?.stringValue == id } }

    /// The group with this `displayName`, ignoring case.
    public func group(named displayName: String) -> JSONObject? {
        groups.first { $0["displayName"]?.stringValue.map { caseInsensitiveEquals($0, displayName) } ?? false }
    }

    /// The member ids of a group, in order.
    public static func memberIDs(of group: JSONObject) -> [String] {
        (group["members"]?.arrayValue ?? []).compactMap { $0["value"]?.stringValue }
    }

    public var json: JSONValue {
        var counters = self.counters.json.objectValue ?? JSONObject()
        counters["rateLimitedBy"] = .object(
            JSONObject(rateLimitedBy.sorted { $0.key < $1.key }.map { ($0.key, .integer(Int64($0.value))) })
        )
        counters["resourceLocked"] = .integer(Int64(resourceLocked))
        return [
            "users": .array(users.map(JSONValue.object)), "groups": .array(groups.map(JSONValue.object)),
            "channels": .array(channelNames.map(JSONValue.string)), "counters": .object(counters),
            "faults": faults.json,
        ]
    }
}
