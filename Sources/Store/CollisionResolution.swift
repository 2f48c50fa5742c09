package import Membership
package import SCIM

/// Settling one blocked group: an administrator, having looked at the target's same-named group,
/// chooses `merge` or `overwrite` for it alone (`targets resolve`, the admin API, the console). The
/// choice is stored with who made it, audited, and applied by the target's worker through the outbox.
package enum CollisionResolution {
    /// Why a resolution was refused, in words an administrator can act on.
    package struct Refusal: Error, CustomStringConvertible, Sendable {
        package var description: String
    }

    /// The group that was settled.
    package struct Settled: Sendable, Hashable {
        package var channel: String
        package var id: String
        package var displayName: String
        package var policy: CollisionPolicy
    }

    /// Records `policy` for the group blocked on `target` whose id or `displayName` is `group`.
    /// `acknowledged` is the administrator's "I understand and want to continue".
    package static func resolve(
        store: any SyncStore,
        target: String,
        group: String,
        policy: CollisionPolicy,
        acknowledged: Bool,
        by decidedBy: String
    ) async throws -> Settled {
        guard policy != .fail else {
            throw Refusal(description: "choose merge or overwrite: fail is what blocked the group")
        }
        guard acknowledged else {
            throw Refusal(description: Self.consequence(of: policy) + " Acknowledge it to continue.")
        }
        var matches: [(mapping: TargetMapping, name: String)] = []
        var blockedNames: [String] = []
        for m in try await store.mappings(target: target) where m.kind == .group && m.origin == .blocked {
            let name =
                try await store.get(.group, id: m.canonicalID, in: m.channel)?.attributes["displayName"]?.stringValue
                ?? m.canonicalID
            blockedNames.append(name)
            if m.canonicalID == group || caseInsensitiveEquals(name, group) { matches.append((m, name)) }
        }
        guard let match = matches.first else {
            let known =
                blockedNames.isEmpty
                ? "no group is blocked there" : "blocked there: \(blockedNames.sorted().joined(separator: ", "))"
            throw Refusal(description: "no group '\(group)' is blocked on target '\(target)'; \(known)")
        }
        guard matches.count == 1 else {
            let ids = matches.map { "\($0.mapping.canonicalID) (channel \($0.mapping.channel.name))" }
            throw Refusal(
                description: "several blocked groups are named '\(group)': \(ids.joined(separator: ", ")); give the id"
            )
        }
        try await store.recordCollisionDecision(
            CollisionDecision(
                target: target,
                channel: match.mapping.channel,
                group: match.mapping.canonicalID,
                policy: policy,
                decidedBy: decidedBy,
                decidedAt: .now
            )
        )
        return Settled(
            channel: match.mapping.channel.name,
            id: match.mapping.canonicalID,
            displayName: match.name,
            policy: policy
        )
    }

    /// What the choice does to the target's group, as the administrator must understand it first.
    package static func consequence(of policy: CollisionPolicy) -> String {
        switch policy {
        case .merge:
            "merge adopts the target's same-named group: its members stay, and the group's members are added to it."
        case .overwrite:
            "overwrite adopts the target's same-named group and makes its members the group's: members the target's group has and the group has not are removed."
        case .fail:
            "fail leaves the target's group alone and the group blocked."
        }
    }
}
