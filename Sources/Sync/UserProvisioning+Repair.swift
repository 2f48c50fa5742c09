internal import Connectors
import Membership
internal import SCIM
internal import Store

extension UserProvisioning {
    /// A reconciliation's account repair: the canonical user replaced on the target, as delivery
    /// replaces it, and the repair audited with what differed. A user deleted at the source since the
    /// plan is left to its own deletion; one the target lost since, to the next plan's "create user".
    /// A refusal (`refusesTheUser`) is returned as the line `UsersRefused` reports, as `provisionAgain` does.
    func repairAccount(
        _ id: String,
        targetID: String,
        userName: String,
        differences: [AttributeDifference],
        _ channel: Channel
    ) async throws -> (userName: String, detail: String)? {
        guard let user = try await store.get(.user, id: id, in: channel) else { return nil }
        do {
            guard try await directory.replaceUser(id: targetID, user.attributes) else { return nil }
        } catch TargetError.permanent(let status, let detail) where Self.refusesTheUser(status) {
            return (userName, "HTTP \(status): \(detail)")
        }
        let repair = AccountRepair.repair(id: id, targetID: targetID, userName: userName, differences: differences)
        try await store.appendAudit(
            target: target,
            channel: channel,
            action: repair.auditAction,
            resourceKey: "user:\(id)",
            detail: [
                "targetId": .string(targetID), "userName": .string(userName),
                "differences": .array(differences.map(\.json)),
            ]
        )
        return nil
    }

    /// A reconciliation's "deprovision again": the account of a user deleted at the source removed
    /// again with the configured action (`delete` keeps the mapping, marked, as delivery does), audited.
    func deprovisionAgain(_ id: String, targetID: String, userName: String, _ channel: Channel) async throws {
        if let m = try await store.mapping(target: target, channel: channel, kind: .user, canonicalID: id),
            m.targetID == targetID
        {
            try await delete(id, channel)
        } else {
            // The mapping went since the plan: remove what the plan saw all the same.
            try await brake.perform { try await directory.removeUser(id: targetID, action: removal) }
        }
        try await store.appendAudit(
            target: target,
            channel: channel,
            action: AccountRepair.deprovision(id: id, targetID: targetID, userName: userName).auditAction,
            resourceKey: "user:\(id)",
            detail: [
                "targetId": .string(targetID), "userName": .string(userName), "removal": .string(removal.rawValue),
                "differences": [AttributeDifference("active", actual: "true", wanted: "false").json],
            ]
        )
    }
}
