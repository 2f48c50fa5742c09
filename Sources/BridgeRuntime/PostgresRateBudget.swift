import BridgeConfig
import Connectors
import Store

/// A target's rate limit as a budget in the PostgreSQL database, shared by every replica on it.
struct PostgresRateBudget: SharedRateBudget {
    let store: PostgresStore
    let target: String
    let interval: Duration
    let burst: Int

    init(store: PostgresStore, settings t: TargetSettings) {
        self.store = store
        target = t.name
        interval = .nanoseconds(60_000_000_000 / Int64(max(t.rateLimit.requestsPerMinute, 1)))
        burst = t.rateLimit.burst
    }

    func take() async throws -> Duration? {
        try await store.takeFromRateBudget(target: target, interval: interval, burst: burst)
    }
}
