public import Store

/// What `scim-bridge plan`, `scim-bridge sync` and the scheduled reconciliation ask of a target's
/// reconciler, whichever way the target keeps memberships.
public protocol TargetReconciler: Sendable {
    /// One repair call, printable as the line `plan` shows.
    associatedtype Step: Sendable, CustomStringConvertible
    var target: String { get }
    var store: any SyncStore { get }
    /// The repair plan for these channels, and the groups left alone because they are blocked. Nothing is changed.
    func plan(channels: [Channel]) async throws -> (steps: [Step], blocked: [String])
    /// Executes a plan, calling `progress(done, total)` after each step.
    func execute(_ steps: [Step], channels: [Channel], progress: (Int, Int) -> Void) async throws
}

extension Reconciler: TargetReconciler {
    public var target: String { sync.target }
    public var store: any SyncStore { sync.store }
}

extension SyncStore {
    /// The canonical ids of users known on `target` by `targetIDs` (those the bridge has a mapping for).
    func canonicalUsers(target: String, _ targetIDs: [String], _ channel: Channel) async throws -> [String] {
        let wanted = Set(targetIDs)
        return try await mappings(target: target)
            .filter { $0.kind == .user && $0.channel.key == channel.key && $0.targetID.map(wanted.contains) == true }
            .map(\.canonicalID)
    }

    /// Every resource of `kind` in the channel, read a page of 1,000 at a time.
    func allResources(_ kind: ResourceKind, _ channel: Channel) async throws -> [StoredResource] {
        var all: [StoredResource] = []
        var start = 1
        while true {
            let page = try await query(kind, in: channel, ResourceQuery(startIndex: start, count: 1000))
            all += page.resources
            start += page.resources.count
            if page.resources.isEmpty || start > page.totalResults { return all }
        }
    }
}
