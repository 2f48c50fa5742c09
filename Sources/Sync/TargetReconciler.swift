internal import Connectors
package import Membership
internal import SCIM
package import Store

/// What `scim-bridge plan`, `scim-bridge sync` and the scheduled reconciliation ask of a target's
/// reconciler, whichever way the target keeps memberships.
package protocol TargetReconciler: Sendable {
    /// One repair call, printable as the line `plan` shows.
    associatedtype Step: ReconcileStep
    var target: String { get }
    var store: any SyncStore { get }
    /// The repair plan for these channels, and the groups left alone because they are blocked. Nothing is changed.
    func plan(channels: [Channel]) async throws -> (steps: [Step], blocked: [String])
    /// Executes a plan, calling `progress(done, total)` after each step.
    func execute(_ steps: [Step], channels: [Channel], progress: (Int, Int) -> Void) async throws
}

/// What every reconciler's step tells about the resource it serves.
package protocol ReconcileStep: Sendable, CustomStringConvertible {
    /// The outbox key of the canonical resource: `user:<id>` or `group:<id>`.
    var resourceKey: String { get }
    /// The name of the channel the resource belongs to.
    var channel: String { get }
    /// Whether the step disables or deletes a user, or deletes a group (`safety.maxDeprovisions`).
    var deprovisions: Bool { get }
}

extension Reconciler: TargetReconciler {
    package var target: String { sync.target }
    package var store: any SyncStore { sync.store }
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

/// A channel's users matched to the target's users by folded match key, the same way for both
/// projections.
struct UserMatching {
    /// canonical id → target id, for the users the target has.
    var targetIDs: [String: String] = [:]
    /// The users the target lacks, in store order.
    var missing: [(id: String, userName: String)] = []
    /// The users the target has, with its account, in store order (to compare accounts).
    var matched: [(user: StoredResource, userName: String, target: TargetUser)] = []
    /// Every canonical id of the channel's users.
    var present: Set<String> = []

    /// The target's users (from `listUsers`) by folded match key.
    static func byKey(_ users: [TargetUser]) -> [String: TargetUser] {
        var byKey: [String: TargetUser] = [:]
        for u in users { byKey[FilterEvaluator.foldCase(u.matchKey)] = u }
        return byKey
    }

    init(_ users: [StoredResource], targetsByKey: [String: TargetUser], directory: any TargetUserDirectory) {
        for user in users {
            present.insert(user.id)
            guard let userName = user.attributes["userName"]?.stringValue,
                let key = directory.matchKey(of: user.attributes)
            else { continue }
            if let t = targetsByKey[FilterEvaluator.foldCase(key)] {
                targetIDs[user.id] = t.id
                matched.append((user, userName, t))
            } else {
                missing.append((user.id, userName))
            }
        }
    }

    /// The channel's account repairs: each matched user compared by the connector, then the users
    /// deleted at the source (`deleted`, from their mappings) that the target lists active.
    func accountRepairs(
        deleted: [(id: String, targetID: String)],
        listedByID: [String: TargetUser],
        directory: any TargetUserDirectory
    ) -> [AccountRepair] {
        let repairs = matched.compactMap { m in
            AccountRepair.forUser(
                id: m.user.id,
                userName: m.userName,
                target: m.target,
                differences: directory.differences(of: m.user.attributes, from: m.target)
            )
        }
        return repairs + deleted.compactMap { AccountRepair.forDeletedUser(id: $0.id, listed: listedByID[$0.targetID]) }
    }
}

extension UserProvisioning {
    /// A reconciliation's "create user" step: the plan saw no such user on the target, so a mapping to
    /// it is stale and goes; then the user is provisioned. A refusal (`refusesTheUser`) is returned as
    /// the line `UsersRefused` reports, not thrown, so the rest of the plan still runs.
    func provisionAgain(_ id: String, userName: String, _ channel: Channel) async throws -> (
        userName: String, detail: String
    )? {
        try await store.removeMapping(target: target, channel: channel, kind: .user, canonicalID: id)
        do {
            try await ensure(id, channel)
            return nil
        } catch TargetError.permanent(let status, let detail) where Self.refusesTheUser(status) {
            return (userName, "HTTP \(status): \(detail)")
        }
    }
}

extension SyncStore {
    /// Before a reconciliation links a group again: a stale mapping goes; the marker of an interrupted
    /// creation stays, so that the link finishes it.
    func forgetStaleGroupMapping(target: String, channel: Channel, id: String) async throws {
        if try await mapping(target: target, channel: channel, kind: .group, canonicalID: id)?.origin != .creating {
            try await removeMapping(target: target, channel: channel, kind: .group, canonicalID: id)
        }
    }
}
