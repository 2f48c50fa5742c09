/// `rateLimit`: the token bucket shared by all requests to one target.
public struct RateLimit: Sendable, Hashable {
    /// Sustained rate: the bucket refills at this many requests a minute.
    public var requestsPerMinute: Int
    /// Bucket size: how many requests may go at once after a quiet period.
    public var burst: Int

    public init(requestsPerMinute: Int, burst: Int) {
        self.requestsPerMinute = requestsPerMinute
        self.burst = burst
    }
}
