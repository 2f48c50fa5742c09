import Membership
import SCIM
import Store

/// Where a canonical group stands for a reconciliation's plan under the target's scope.
enum ScopedGroup {
    case inScope
    /// Outside the scope, with the group the bridge linked on the target (to unlink), if any.
    case outOfScope(linked: (targetID: String, origin: GroupOrigin)?)
}

extension TargetScope {
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
