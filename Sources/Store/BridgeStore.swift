package import SCIM

/// Everything the bridge's runtime and commands use of a store, whichever backend holds it: the SCIM
/// resources, the sync engine's tables, the health probe and the applied scope of each target.
/// `SQLiteStore` (embedded, one file) and `PostgresStore` (one database, several replicas) conform.
package protocol BridgeStore: SyncStore, StoreHealth {
    /// The fingerprint of the target's `scope` as last applied (`TargetScope.fingerprint`); nil before any.
    func appliedScope(target: String) async throws -> String?
    /// Records the fingerprint of the target's `scope` just applied.
    func recordAppliedScope(target: String, _ fingerprint: String) async throws
}

extension SQLiteStore: BridgeStore {}

/// The store's database cannot be reached (down, restarting, out of connections): nothing was written.
/// Inbound SCIM answers `503` with `Retry-After`, and the client retries; workers retry with backoff.
package struct StoreUnavailable: Error, Sendable, CustomStringConvertible {
    /// What failed, for the log (never for a SCIM client: it may name hosts).
    package var reason: String

    package init(_ reason: String) { self.reason = reason }

    package var description: String { "the store's database is unavailable: \(reason)" }
}
