/// `rateLimit`: the token bucket shared by all requests to one target.
package struct RateLimit: Sendable, Hashable {
    /// Sustained rate: the bucket refills at this many requests a minute.
    package var requestsPerMinute: Int
    /// Bucket size: how many requests may go at once after a quiet period.
    package var burst: Int

    package init(requestsPerMinute: Int, burst: Int) {
        self.requestsPerMinute = requestsPerMinute
        self.burst = burst
    }
}
