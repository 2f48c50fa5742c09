/// Slack's SCIM rate limits (targets.md §B "Rate limits"), org-wide: every request takes a token from
/// its class bucket (all writes: 600/min, burst 180; all reads: 1000/min, burst 1000) and, for the
/// endpoints the table names, from that endpoint's own bucket too. Every figure is multiplied by
/// `scale`, so that tests can push thousands of requests through in seconds with the same shape.
///
/// "180 each" is read as one bucket per method and endpoint (`PUT /Users/{id}` and `PATCH /Users/{id}`
/// do not share). A refused request takes no token from any bucket. A pure state machine over an
/// explicit time.
public struct SlackRateLimits: Sendable {
    /// One row of the table.
    public struct Limit: Sendable, Hashable {
        public var perMinute: Int
        public var burst: Int
    }

    /// The table at scale 1: bucket name → limit.
    public static let table: [String: Limit] = [
        "writes": Limit(perMinute: 600, burst: 180),
        "reads": Limit(perMinute: 1000, burst: 1000),
        "GET /Users/{id}": Limit(perMinute: 300, burst: 300),
        "GET /Groups/{id}": Limit(perMinute: 300, burst: 300),
        "POST /Users": Limit(perMinute: 180, burst: 20),
        "PUT /Users/{id}": Limit(perMinute: 180, burst: 20),
        "PATCH /Users/{id}": Limit(perMinute: 180, burst: 20),
        "DELETE /Users/{id}": Limit(perMinute: 180, burst: 20),
        "POST /Groups": Limit(perMinute: 180, burst: 20),
        "PUT /Groups/{id}": Limit(perMinute: 180, burst: 80),
        "PATCH /Groups/{id}": Limit(perMinute: 180, burst: 80),
        "DELETE /Groups/{id}": Limit(perMinute: 180, burst: 20),
    ]

    public let scale: Double
    private var buckets: [String: TokenBucket]

    /// Full buckets at `scale` times the table.
    public init(scale: Double) {
        self.scale = scale > 0 ? scale : 1
        var buckets: [String: TokenBucket] = [:]
        for (name, limit) in Self.table {
            buckets[name] = TokenBucket(limit: Self.scaled(limit, by: self.scale))
        }
        self.buckets = buckets
    }

    /// The limit a bucket enforces at this scale.
    public func limit(of bucket: String) -> RateLimit? { buckets[bucket]?.limit }

    static func scaled(_ limit: Limit, by scale: Double) -> RateLimit {
        RateLimit(
            requests: max(1, Int((Double(limit.perMinute) * scale).rounded())),
            perSeconds: 60,
            burst: max(1, Int((Double(limit.burst) * scale).rounded()))
        )
    }

    /// The buckets a request draws on: its class, then its endpoint's when the table names it.
    public static func buckets(method: String, template: String) -> [String] {
        let endpoint = "\(method) \(template)"
        return [method == "GET" ? "reads" : "writes"] + (table[endpoint] != nil ? [endpoint] : [])
    }

    /// Takes a token from each of the request's buckets at `now`. nil when it may go ahead; else the
    /// bucket that refused (the one with the longest wait) and the `Retry-After` seconds.
    public mutating func take(method: String, template: String, at now: Duration) -> (bucket: String, retryAfter: Int)?
    {
        var trial = buckets
        var refusal: (bucket: String, retryAfter: Int)?
        for name in Self.buckets(method: method, template: template) {
            guard var bucket = trial[name] else { continue }
            if let wait = bucket.take(at: now), wait > (refusal?.retryAfter ?? 0) {
                refusal = (name, wait)
            }
            trial[name] = bucket
        }
        if refusal == nil { buckets = trial }
        return refusal
    }
}
