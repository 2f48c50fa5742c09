package import SCIM

/// What `/readyz` and `/metrics` ask of the store about itself and the outbox, cheaply.
package protocol StoreHealth: Sendable {
    /// Writes one row in its own transaction: the database opens, takes a write and commits.
    func probeWrite() async throws
    /// The database's size on disk, in bytes (its pages; the write-ahead log apart).
    func sizeBytes() async throws -> Int
    /// When the oldest pending outbox entry of `target` was queued; nil when none is pending.
    func oldestPending(target: String) async throws -> SCIMDateTime?
    /// How many of `target`'s groups are blocked (a name collision under `fail`, or same-named groups).
    func blockedGroups(target: String) async throws -> Int
}
