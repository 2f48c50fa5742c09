public import SCIM

/// What the emulator saw and did, for tests to assert on: requests by method and path template,
/// responses by status, every 429 sent, the faults injected, and the requests that arrived inside a
/// `Retry-After` window.
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
    /// Requests that arrived while a `Retry-After` window covering them was open (see `RetryAfterWindows`).
    public var requestsInsideRetryAfter = 0
    /// The latest of those requests, oldest first, at most `retryAfterViolationLimit` of them.
    public var retryAfterViolations: [RetryAfterViolation] = []

    /// How many violations `retryAfterViolations` keeps; `requestsInsideRetryAfter` counts them all.
    public static let retryAfterViolationLimit = 100

    public init() {}

    /// Counts a request that arrived inside a `Retry-After` window, keeping the latest ones.
    public mutating func record(_ violation: RetryAfterViolation) {
        requestsInsideRetryAfter += 1
        retryAfterViolations.append(violation)
        if retryAfterViolations.count > Self.retryAfterViolationLimit { retryAfterViolations.removeFirst() }
    }

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
            "requestsInsideRetryAfter": .integer(Int64(requestsInsideRetryAfter)),
            "retryAfterViolations": .array(retryAfterViolations.map(\.json)),
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
