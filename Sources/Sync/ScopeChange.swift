package import Membership
import SCIM
package import Store

/// Where a canonical group stands for a reconciliation's plan under the target's scope.
enum ScopedGroup {
    case inScope
    /// Outside the scope, with the group the bridge linked on the target (to unlink), if any.
    case outOfScope(linked: (targetID: String, origin: GroupOrigin)?)
}

extension TargetScope {
    /// Whether the target receives the canonical user `id`: it passes `userFilter` and, under
    /// `groupMembers`, belongs to an in-scope group.
    func receives(user id: String, _ channel: Channel, _ store: any SyncStore) async throws -> Bool {
        guard restrictsUsers else { return true }
        guard let user = try await store.get(.user, id: id, in: channel) else { return false }
        guard admits(user: user.attributes) else { return false }
        guard users == .groupMembers else { return true }
        for group in try await store.groups(ofMember: id, in: channel) {
            // Patterns need only the name the membership row carries; a filter reads the group.
            if filter == nil {
                if includes(group: ["displayName": .string(group.display ?? "")]) { return true }
            } else if let stored = try await store.get(.group, id: group.id, in: channel),
                includes(group: stored.attributes)
            {
                return true
            }
        }
        return false
    }

    /// How many deprovisions (`safety.maxDeprovisions`) applying this scope would make on `target`,
    /// from the store alone: the groups the bridge linked and owns that leave the scope (deleted),
    /// and the provisioned users it no longer receives. Start-up pauses the target before the first
    /// when they are more than the brake allows.
    package func deprovisions(applied target: String, in channels: [Channel], _ store: any SyncStore) async throws
        -> Int
    {
        var count = 0
        let keys = Set(channels.map(\.key))
        for m in try await store.mappings(target: target) where keys.contains(m.channel.key) && m.targetID != nil {
            switch m.kind {
            case .group:
                guard m.origin.group?.ownsAllMembers == true,
                    let group = try await store.get(.group, id: m.canonicalID, in: m.channel),
                    !includes(group: group.attributes)
                else { continue }
                count += 1
            case .user:
                guard m.origin != .deprovisioned, try await !receives(user: m.canonicalID, m.channel, store) else {
                    continue
                }
                count += 1
            }
        }
        return count
    }

    /// The group's place in a plan, given the target's mapping of it.
    func place(of group: StoredResource, _ mapping: TargetMapping?) -> ScopedGroup {
        guard !includes(group: group.attributes) else { return .inScope }
        guard let mapping, let tid = mapping.targetID, let origin = mapping.origin.group else {
            return .outOfScope(linked: nil)
        }
        return .outOfScope(linked: (tid, origin))
    }
}

extension ProjectionSync where Self: RecordsBlockedGroups {
    /// A group outside the target's scope (renamed out of its patterns, or the scope changed): when
    /// the bridge had linked it, it is unlinked as its deletion would be (the policy table decides
    /// whether the group goes or only the bridge's members), and the audit log says why.
    func leaveScope(_ id: String, _ channel: Channel) async throws {
        guard let m = try await store.mapping(target: target, channel: channel, kind: .group, canonicalID: id) else {
            return
        }
        let members = try await store.members(ofGroup: id, in: channel).filter { $0.kind == .user }.map(\.id)
        try await deleteGroup(id, channel)
        try await store.appendAudit(
            target: target,
            channel: channel,
            action: "unlinked: out of scope",
            resourceKey: "group:\(id)",
            detail: ["targetGroupID": m.targetID.map(JSONValue.string) ?? .null]
        )
        // Members who were in the target's scope only through this group leave it too.
        try await users.leaveScopeIfOut(members, channel)
    }
}
