package import Connectors
package import Membership
internal import SCIM
package import Store

/// Members a group-centric target cannot hold. Slack refuses deactivated users (and guests) as group
/// members: they are left out of member writes, with an audit entry, taken out of the groups the
/// bridge put them in when they are deactivated, and written again when they are reactivated. A
/// member the target refuses never fails its group: the group keeps every other member.
extension GroupCentricSync {
    /// Whether the target can hold canonical user `id` as a member of `group` now; when it cannot, the
    /// skip is audited. Targets that keep inactive members are never asked about the user.
    func canHold(_ id: String, group: String, _ channel: Channel) async throws -> Bool {
        guard !connector.holdsInactiveMembers,
            let user = try await store.get(.user, id: id, in: channel),
            user.attributes["active"]?.boolValue == false
        else { return true }
        try await store.appendAudit(
            target: target,
            channel: channel,
            action: "member skipped: deactivated",
            resourceKey: "group:\(group)",
            detail: ["user": .string(id)]
        )
        return false
    }

    /// Creates the group with its members; if the target refuses one of them, creates it empty and adds
    /// the others. Returns the group's target id and the members it holds.
    func createGroupKeepingMembers(
        displayName: String,
        externalId: String,
        members: [String],
        group: String,
        byTarget: [String: String],
        _ channel: Channel
    ) async throws -> (id: String, members: [String]) {
        do {
            return (
                try await connector.createGroup(displayName: displayName, externalId: externalId, members: members),
                members
            )
        } catch let error as TargetError where connector.refusesMember(error) && !members.isEmpty {
            let tid = try await connector.createGroup(displayName: displayName, externalId: externalId, members: [])
            let added = try await addMembersKeepingOthers(tid, members, group: group, byTarget: byTarget, channel)
            return (tid, added)
        }
    }

    /// Adds members; a refused member is left out (halving the batch until the refused ones are found)
    /// and audited, the others are added. A member the target does not see yet is retried with the
    /// whole event (`addMembersRetryingInvisible`). Returns the members added.
    func addMembersKeepingOthers(
        _ groupID: String,
        _ members: [String],
        group: String,
        byTarget: [String: String],
        _ channel: Channel
    ) async throws -> [String] {
        guard !members.isEmpty else { return [] }
        do {
            try await addMembersRetryingInvisible(groupID, members)
            return members
        } catch let error as TargetError where connector.refusesMember(error) {
            if members.count == 1 {
                try await store.appendAudit(
                    target: target,
                    channel: channel,
                    action: "member skipped: refused by the target",
                    resourceKey: "group:\(group)",
                    detail: ["user": .string(byTarget[members[0]] ?? members[0]), "reason": .string("\(error)")]
                )
                return []
            }
            let half = members.count / 2
            let first = try await addMembersKeepingOthers(
                groupID,
                Array(members[..<half]),
                group: group,
                byTarget: byTarget,
                channel
            )
            let second = try await addMembersKeepingOthers(
                groupID,
                Array(members[half...]),
                group: group,
                byTarget: byTarget,
                channel
            )
            return first + second
        }
    }

    /// After a user changed, on a target that cannot hold inactive members: a deactivated user leaves
    /// the linked groups the bridge put it in; a reactivated one joins its linked groups again.
    func followActivation(of id: String, _ channel: Channel) async throws {
        guard !connector.holdsInactiveMembers,
            let user = try await store.get(.user, id: id, in: channel),
            let tid = try await store.mapping(target: target, channel: channel, kind: .user, canonicalID: id)?.targetID
        else { return }
        let active = user.attributes["active"]?.boolValue != false
        for group in try await store.groups(ofMember: id, in: channel) {
            guard
                let m = try await store.mapping(target: target, channel: channel, kind: .group, canonicalID: group.id),
                m.origin != .creating, let gid = m.targetID
            else { continue }
            let added = try await store.bridgeAddedMembers(target: target, channel: channel, group: group.id).contains(
                id
            )
            if active, !added {
                if try await !addMembersKeepingOthers(gid, [tid], group: group.id, byTarget: [tid: id], channel).isEmpty
                {
                    try await store.recordBridgeAdded(target: target, channel: channel, group: group.id, members: [id])
                    try await store.appendAudit(
                        target: target,
                        channel: channel,
                        action: "member restored: reactivated",
                        resourceKey: "group:\(group.id)",
                        detail: ["user": .string(id)]
                    )
                }
            } else if !active, added {
                try await connector.removeMembers(groupID: gid, members: [tid])
                try await store.forgetBridgeAdded(target: target, channel: channel, group: group.id, members: [id])
                try await store.appendAudit(
                    target: target,
                    channel: channel,
                    action: "member skipped: deactivated",
                    resourceKey: "group:\(group.id)",
                    detail: ["user": .string(id)]
                )
            }
        }
    }
}
