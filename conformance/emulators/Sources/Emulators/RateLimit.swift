public import SCIM

/// A service provider's request budget: `requests` per `perSeconds` window, with bursts of up to
/// `burst` requests. A test can shrink the window (5 per second) to see the budget refill quickly.
public struct RateLimit: Sendable, Hashable {
    public var requests: Int
    public var perSeconds: Double
    public var burst: Int

    /// `requests` per `perSeconds`; `burst` defaults to `requests`.
    public init(requests: Int, perSeconds: Double = 60, burst: Int? = nil) {
        self.requests = max(1, requests)
        self.perSeconds = perSeconds > 0 ? perSeconds : 60
        self.burst = max(1, burst ?? requests)
    }

    /// `requests` per minute.
    public static func perMinute(_ requests: Int, burst: Int? = nil) -> RateLimit {
        RateLimit(requests: requests, perSeconds: 60, burst: burst)
    }

    /// `{"requests": 60, "perSeconds": 60, "burst": 60}`.
    public var json: JSONValue {
        ["requests": .integer(Int64(requests)), "perSeconds": .decimal(perSeconds), "burst": .integer(Int64(burst))]
    }

    /// Reads `{"requestsPerMinute": N}` or `{"requests": N, "perSeconds": S}`, each with an optional `burst`.
    public init(json: JSONValue) throws(SCIMError) {
        let burst = try json["burst"].flatMap { v throws(SCIMError) -> Int? in
            v.isNull ? nil : try Fault.integer(v, "burst")
        }
        if let perMinute = json["requestsPerMinute"], !perMinute.isNull {
            self = .perMinute(try Fault.integer(perMinute, "requestsPerMinute"), burst: burst)
            return
        }
        guard let requests = json["requests"] else {
            throw .invalidValue("A rate limit needs 'requestsPerMinute', or 'requests' and 'perSeconds'.")
        }
        let per = json["perSeconds"]?.numberValue ?? 60
        guard per > 0 else { throw .invalidValue("'perSeconds' must be positive.") }
        self.init(requests: try Fault.integer(requests, "requests"), perSeconds: per, burst: burst)
    }
}
