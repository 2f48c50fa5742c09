import Membership
import SCIM
import Store

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
