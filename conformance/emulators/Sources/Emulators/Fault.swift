public import SCIM

/// One way the emulator can misbehave on a request, as real service providers do under load
/// (RFC 6585 §4 for 429 and RFC 9110 §10.2.3 for `Retry-After`).
public enum Fault: Sendable, Hashable {
    /// Answer with `status` and a SCIM error body (RFC 7644 §3.12), with `Retry-After: retryAfter`
    /// (whole seconds, 0 allowed) when given.
    case status(Int, retryAfter: Int? = nil)
    /// Wait `milliseconds`, then handle the request normally: a slow response.
    case delay(milliseconds: Int)
    /// Close the connection without writing a response: the client sees EOF or a reset.
    case dropConnection
    /// Handle the request, then close the connection without answering: the change is made but the
    /// client never hears of it, as when a response is lost or the client timed out first.
    case loseResponse

    /// 429 Too Many Requests with `Retry-After`.
    public static func tooManyRequests(retryAfter: Int = 1) -> Fault { .status(429, retryAfter: retryAfter) }
    /// 500 Internal Server Error.
    public static let internalServerError = Fault.status(500)
    /// 503 Service Unavailable, with `Retry-After` when given.
    public static func serviceUnavailable(retryAfter: Int? = nil) -> Fault { .status(503, retryAfter: retryAfter) }

    /// The name this fault is counted under in the emulator's counters: the status code, `delay` or `drop`.
    public var counterKey: String {
        switch self {
        case .status(let status, _): String(status)
        case .delay: "delay"
        case .dropConnection: "drop"
        case .loseResponse: "lose"
        }
    }

    /// `{"kind": "status", "status": 429, "retryAfter": 2}`, `{"kind": "delay", "milliseconds": 250}`,
    /// `{"kind": "drop"}` or `{"kind": "lose"}`.
    public var json: JSONValue {
        switch self {
        case .status(let status, let retryAfter):
            var o: JSONObject = ["kind": "status", "status": .integer(Int64(status))]
            if let retryAfter { o["retryAfter"] = .integer(Int64(retryAfter)) }
            return .object(o)
        case .delay(let ms):
            return ["kind": "delay", "milliseconds": .integer(Int64(ms))]
        case .dropConnection:
            return ["kind": "drop"]
        case .loseResponse:
            return ["kind": "lose"]
        }
    }

    /// Reads the `json` form; a wrong shape is 400 `invalidValue` naming the problem.
    public init(json: JSONValue) throws(SCIMError) {
        guard case .object(let o) = json else {
            throw .invalidValue("A fault must be a JSON object, not \(json.typeName).")
        }
        switch o["kind"]?.stringValue {
        case "status":
            let status = try Self.integer(o["status"], "status")
            guard (400...599).contains(status) else {
                throw .invalidValue("A fault's status must be a 4xx or 5xx code, not \(status).")
            }
            let retryAfter = try o["retryAfter"].flatMap { v throws(SCIMError) -> Int? in
                v.isNull ? nil : try Self.integer(v, "retryAfter")
            }
            self = .status(status, retryAfter: retryAfter)
        case "delay":
            self = .delay(milliseconds: try Self.integer(o["milliseconds"], "milliseconds"))
        case "drop":
            self = .dropConnection
        case "lose":
            self = .loseResponse
        default:
            throw .invalidValue(#"A fault's "kind" must be "status", "delay", "drop" or "lose"."#)
        }
    }

    static func integer(_ value: JSONValue?, _ name: String) throws(SCIMError) -> Int {
        guard let n = value?.integerValue, n >= 0, n <= Int64(Int32.max) else {
            throw .invalidValue("'\(name)' must be a non-negative integer.")
        }
        return Int(n)
    }
}
