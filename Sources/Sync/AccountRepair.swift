package import Connectors
package import Membership
package import Store

/// One account a reconciliation finds out of line with the identity provider, before each projection
/// turns it into its own step. The decisions are pure, so that tables can drive them.
package enum AccountRepair: Sendable, Hashable {
    /// A user the store holds, whose account differs: replaced with its canonical attributes, as
    /// delivery replaces it. A user the identity provider suspended (`active: false`) but the target
    /// holds active is one of these (`active true -> false`): delivery suspended it with the same call,
    /// whatever the removal action, so that the identity provider can enable it again.
    case repair(id: String, targetID: String, userName: String, differences: [AttributeDifference])
    /// A user the identity provider deleted, whose account the target holds active: removed again with
    /// the target's removal action, as delivery removed it.
    case deprovision(id: String, targetID: String, userName: String)

    /// The repair a user the store holds needs, from the connector's comparison; nil when in line.
    package static func forUser(id: String, userName: String, target: TargetUser, differences: [AttributeDifference])
        -> AccountRepair?
    {
        differences.isEmpty ? nil : .repair(id: id, targetID: target.id, userName: userName, differences: differences)
    }

    /// The repair a user the identity provider deleted needs, from how the target lists its account
    /// (nil: not listed, deleted there too). Only an active account is a leaver's access.
    package static func forDeletedUser(id: String, listed: TargetUser?) -> AccountRepair? {
        guard let listed, listed.active else { return nil }
        return .deprovision(id: id, targetID: listed.id, userName: listed.matchKey)
    }

    /// The users of `channel` that the target knows (a mapping with a target id) and the store no
    /// longer holds: deleted at the source, whether or not the deletion has reached the target yet.
    /// A creation still unanswered (`creating`) is `UserProvisioning.delete`'s to settle. An account
    /// another user holds now (`claimed`: matched to a present user; or mapped to one not deleted, as
    /// when the identity provider re-created a leaver under the same name) is that user's, not a leaver's.
    package static func deletedUsers(
        _ mappings: [TargetMapping],
        channel: Channel,
        present: Set<String>,
        claimed: Set<String>
    ) -> [(id: String, targetID: String)] {
        let isDeleted = { (m: TargetMapping) in
            m.kind == .user && m.channel.key == channel.key && !present.contains(m.canonicalID)
        }
        let others = mappings.filter { $0.kind == .user && $0.origin != .deprovisioned && !isDeleted($0) }
        let held = claimed.union(others.compactMap(\.targetID))
        return mappings.compactMap { m in
            guard isDeleted(m), m.origin != .creating, let tid = m.targetID, !held.contains(tid)
            else { return nil }
            return (m.canonicalID, tid)
        }
        .sorted { $0.id < $1.id }
    }

    /// The audit action of the repair: the identity provider's deprovisioning restored, or another repair.
    package var auditAction: String {
        switch self {
        case .deprovision: return "user deprovisioned again"
        case .repair(_, _, _, let differences):
            return differences.contains { $0.attribute == "active" && $0.wanted == "false" }
                ? "user deprovisioned again" : "user repaired"
        }
    }
}
