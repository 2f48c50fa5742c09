package import Connectors
package import Membership
package import Store

/// A reconciliation's step for one user's account, planned and executed the same way whichever side
/// the target keeps memberships on; each reconciler only words it its own way.
package enum UserStep: Sendable, Hashable {
    /// The target lacks the user: provisioned as delivery provisions it.
    case create(channel: String, id: String, userName: String)
    /// The account differs: replaced with its canonical attributes (`AccountRepair.repair`).
    case repair(channel: String, id: String, targetID: String, userName: String, differences: [AttributeDifference])
    /// The account of a user deleted at the source is active on the target (`AccountRepair.deprovision`).
    case deprovision(channel: String, id: String, targetID: String, userName: String, removal: UserRemoval)

    /// Whether the step disables or deletes the user's account.
    package var deprovisions: Bool {
        switch self {
        case .deprovision: true
        case .create, .repair: false
        }
    }

    /// `user:<id>`, the outbox key of the canonical user.
    package var resourceKey: String {
        switch self {
        case .create(_, let id, _), .repair(_, let id, _, _, _), .deprovision(_, let id, _, _, _): "user:\(id)"
        }
    }

    package var channel: String {
        switch self {
        case .create(let c, _, _), .repair(let c, _, _, _, _), .deprovision(let c, _, _, _, _): c
        }
    }
}

/// The target's users, listed once for a plan, and the user steps of each channel.
struct UserSurvey {
    let byKey: [String: TargetUser]
    let byID: [String: TargetUser]
    let mappings: [TargetMapping]
    let directory: any TargetUserDirectory
    let removal: UserRemoval

    /// Lists the target's users and reads the target's mappings.
    init(directory: any TargetUserDirectory, store: any SyncStore, target: String, removal: UserRemoval)
        async throws
    {
        let listed = try await directory.listUsers()
        byKey = UserMatching.byKey(listed)
        byID = Dictionary(listed.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        mappings = try await store.mappings(target: target)
        self.directory = directory
        self.removal = removal
    }

    /// The channel's users matched to the target's, and their steps: the missing users created, then
    /// each differing account repaired and each deleted user's active account deprovisioned.
    func steps(_ users: [StoredResource], in channel: Channel) -> (matching: UserMatching, steps: [UserStep]) {
        let matching = UserMatching(users, targetsByKey: byKey, directory: directory)
        var steps = matching.missing.map { UserStep.create(channel: channel.name, id: $0.id, userName: $0.userName) }
        let deleted = AccountRepair.deletedUsers(
            mappings,
            channel: channel,
            present: matching.present,
            claimed: Set(matching.targetIDs.values)
        )
        for repair in matching.accountRepairs(deleted: deleted, listedByID: byID, directory: directory) {
            switch repair {
            case .repair(let id, let tid, let userName, let differences):
                steps.append(
                    .repair(channel: channel.name, id: id, targetID: tid, userName: userName, differences: differences)
                )
            case .deprovision(let id, let tid, let userName):
                steps.append(
                    .deprovision(channel: channel.name, id: id, targetID: tid, userName: userName, removal: removal)
                )
            }
        }
        return (matching, steps)
    }
}

extension UserProvisioning {
    /// Executes one user step. A user the target refuses is returned as the line `UsersRefused`
    /// reports, not thrown, so that the rest of the plan still runs.
    func execute(_ step: UserStep, _ channel: Channel) async throws -> (userName: String, detail: String)? {
        switch step {
        case .create(_, let id, let userName):
            return try await provisionAgain(id, userName: userName, channel)
        case .repair(_, let id, let tid, let userName, let differences):
            return try await repairAccount(id, targetID: tid, userName: userName, differences: differences, channel)
        case .deprovision(_, let id, let tid, let userName, _):
            try await deprovisionAgain(id, targetID: tid, userName: userName, channel)
            return nil
        }
    }
}
