package import Foundation
import Metrics

/// A credential obtained from somewhere slow (an OAuth 2.0 token endpoint) and kept until shortly
/// before it expires. Concurrent callers share one refresh (single flight); `invalidate` forgets a
/// value the target refused, unless another caller has replaced it already. Google's and
/// Salesforce's token providers keep their tokens here, and so will any other OAuth target.
package actor RefreshingCredential<Value: Sendable> {
    /// A freshly obtained value and when to obtain the next one.
    package struct Issued: Sendable {
        package var value: Value
        package var refreshAt: Date
        package init(value: Value, refreshAt: Date) {
            self.value = value
            self.refreshAt = refreshAt
        }
    }

    let obtain: @Sendable () async throws -> Issued
    let now: @Sendable () -> Date
    private var cached: Issued?
    private var refreshing: Task<Issued, any Error>?
    /// How many values were obtained (for tests and `doctor`).
    package private(set) var issued = 0

    /// - Parameters:
    ///   - obtain: fetches a new value; called by one caller at a time.
    ///   - now: the clock `refreshAt` is compared with.
    package init(
        now: @escaping @Sendable () -> Date = { Date() },
        obtain: @escaping @Sendable () async throws -> Issued
    ) {
        self.now = now
        self.obtain = obtain
    }

    /// A valid value: the cached one until its refresh time, else one fresh refresh shared by every caller.
    package func current() async throws -> Value {
        if let cached, now() < cached.refreshAt { return cached.value }
        if let refreshing { return try await refreshing.value.value }
        let task = Task { try await obtain() }
        refreshing = task
        defer { refreshing = nil }
        let fresh: Issued
        do {
            fresh = try await task.value
            Counter(label: "scim_bridge_token_refreshes_total", dimensions: [("outcome", "success")]).increment()
        } catch {
            Counter(label: "scim_bridge_token_refreshes_total", dimensions: [("outcome", "failure")]).increment()
            throw error
        }
        cached = fresh
        issued += 1
        return fresh.value
    }

    /// Forgets the cached value if `refused` says it is the one the target refused.
    package func invalidate(where refused: @Sendable (Value) -> Bool) {
        if let cached, refused(cached.value) { self.cached = nil }
    }

    /// `lifetime` minus `margin` (at most half the lifetime) after `issuedAt`: when to refresh.
    package static func refreshTime(issuedAt: Date, lifetime: Duration, margin: Duration) -> Date {
        let early = lifetime - min(margin, lifetime / 2)
        return issuedAt.addingTimeInterval(
            Double(early.components.seconds) + Double(early.components.attoseconds) / 1e18
        )
    }
}
