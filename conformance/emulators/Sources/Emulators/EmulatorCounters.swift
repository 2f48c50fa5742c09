public import SCIM

/// What the emulator saw and did, for tests to assert on: requests by method and path template,
/// responses by status, every 429 sent, and the faults injected.
public struct EmulatorCounters: Sendable, Hashable {
    /// `"GET /Users"`, `"PATCH /Groups/{id}"`, … → how many requests arrived (including those that
    /// were then refused by a fault, the rate limiter or authentication).
    public var requests: [String: Int] = [:]
    /// `"200"`, `"429"`, … → responses written (a dropped connection writes none).
    public var responses: [String: Int] = [:]
    /// Every 429 sent, by the rate limiter or by a fault.
    public var tooManyRequests = 0
    /// The 429s the rate limiter sent.
    public var rateLimited = 0
    /// `"429"`, `"500"`, `"503"`, `"delay"`, `"drop"` → faults injected.
    public var faults: [String: Int] = [:]

    public init() {}

    /// All requests counted in `requests`.
    public var totalRequests: Int { requests.values.reduce(0, +) }
    /// All faults counted in `faults`.
    public var faultsInjected: Int { faults.values.reduce(0, +) }

    /// How many requests had this method and path template (`"GET /Users/{id}"`).
    public func requests(_ method: String, _ template: String) -> Int { requests["\(method) \(template)"] ?? 0 }

    /// The counters as JSON, keys sorted for stable output.
    public var json: JSONValue {
        func sorted(_ d: [String: Int]) -> JSONValue {
            .object(JSONObject(d.sorted { $0.key < $1.key }.map { ($0.key, JSONValue.integer(Int64($0.value))) }))
        }
        return [
            "requests": sorted(requests),
            "totalRequests": .integer(Int64(totalRequests)),
            "responses": sorted(responses),
            "tooManyRequests": .integer(Int64(tooManyRequests)),
            "rateLimited": .integer(Int64(rateLimited)),
            "faults": sorted(faults),
            "faultsInjected": .integer(Int64(faultsInjected)),
        ]
    }

    /// `/Users/2819c223…` → `/Users/{id}`: the counter name of a path relative to the base URL.
    public static func template(for path: String) -> String {
        let segments = path.split(separator: "/", omittingEmptySubsequences: true)
        guard segments.count == 2, ["users", "groups"].contains(segments[0].lowercased()), !segments[1].hasPrefix(".")
        else {
            return "/" + segments.joined(separator: "/")
        }
        return "/\(segments[0])/{id}"
    }
}
