/// Turns (source group, target group, policy, ownership) into the calls a group-centric target needs
/// (GitHub EMU, Slack, generic SCIM): the collision table of DESIGN.md as a pure function.
package enum GroupCentricPlanner {
    /// A call on a group-centric target. Member ids are the target's ids.
    package enum Operation: Sendable, Hashable {
        case createGroup(displayName: String, members: [String])
        case adopt(targetID: String, origin: GroupOrigin, kept: [String], removed: [String])
        case rename(targetID: String, displayName: String)
        case addMembers(targetID: String, members: [String])
        case removeMembers(targetID: String, members: [String])
        case deleteGroup(targetID: String)
        /// Stop: the group stays untouched and is reported blocked with this reason.
        case block(reason: String)
    }

    /// The state of a group as read from the target.
    package struct TargetGroup: Sendable, Hashable {
        package var id: String
        package var displayName: String
        package var members: Set<String>
        package init(id: String, displayName: String, members: Set<String>) {
            self.id = id
            self.displayName = displayName
            self.members = members
        }
    }

    /// First sight of a source group on a target: create it, or resolve the name collision.
    /// `sourceMembers` are the target ids of the source members already provisioned there; `existing`
    /// every target group of the same name. Several of them block the group under every policy: which
    /// one is meant is the administrator's call, never the bridge's.
    package static func link(
        displayName: String,
        sourceMembers: [String],
        existing sameNamed: [TargetGroup],
        policy: CollisionPolicy
    ) -> [Operation] {
        if sameNamed.count > 1 {
            let ids = sameNamed.map(\.id).sorted()
            return [
                .block(
                    reason:
                        "\(ids.count) groups named '\(displayName)' exist on the target (ids \(ids.joined(separator: ", "))); \(sameNamedAdvice)"
                )
            ]
        }
        guard let existing = sameNamed.first else {
            return [.createGroup(displayName: displayName, members: sourceMembers)]
        }
        let source = Set(sourceMembers)
        switch policy {
        case .fail:
            return [
                .block(
                    reason:
                        "A group named '\(existing.displayName)' already exists on the target (id \(existing.id)) and onNameCollision is 'fail'; set it to 'merge' or 'overwrite' (with acknowledgeNameCollision: true) to adopt it."
                )
            ]
        case .merge:
            let kept = existing.members.subtracting(source).sorted()
            var ops: [Operation] = [.adopt(targetID: existing.id, origin: .adoptedMerge, kept: kept, removed: [])]
            let toAdd = sourceMembers.filter { !existing.members.contains($0) }
            if !toAdd.isEmpty { ops.append(.addMembers(targetID: existing.id, members: toAdd)) }
            return ops
        case .overwrite:
            let foreign = existing.members.subtracting(source).sorted()
            var ops: [Operation] = [
                .adopt(targetID: existing.id, origin: .adoptedOverwrite, kept: [], removed: foreign)
            ]
            let toAdd = sourceMembers.filter { !existing.members.contains($0) }
            if !toAdd.isEmpty { ops.append(.addMembers(targetID: existing.id, members: toAdd)) }
            if !foreign.isEmpty { ops.append(.removeMembers(targetID: existing.id, members: foreign)) }
            return ops
        }
    }

    /// How a block by several same-named groups ends: no policy adopts one of them.
    static let sameNamedAdvice =
        "the bridge never picks one: rename or delete all but one on the target, or rename the source group."

    /// Whether a block's reason is several same-named groups, which a change of policy does not lift.
    package static func isSameNamedBlock(_ reason: String) -> Bool { reason.hasSuffix(sameNamedAdvice) }

    /// A membership delta on a linked group. Under `merge`, a removal touches only members the
    /// bridge added (`bridgeAdded`); otherwise every removal is applied.
    package static func delta(
        targetID: String,
        origin: GroupOrigin,
        added: [String],
        removed: [String],
        bridgeAdded: Set<String>
    ) -> [Operation] {
        var ops: [Operation] = []
        if !added.isEmpty { ops.append(.addMembers(targetID: targetID, members: added)) }
        let removable = origin.ownsAllMembers ? removed : removed.filter { bridgeAdded.contains($0) }
        if !removable.isEmpty { ops.append(.removeMembers(targetID: targetID, members: removable)) }
        return ops
    }

    /// Deleting the source group (or unlinking): delete what the bridge owns, else remove its members.
    package static func unlink(targetID: String, origin: GroupOrigin, bridgeAdded: Set<String>) -> [Operation] {
        if origin.ownsAllMembers { return [.deleteGroup(targetID: targetID)] }
        return bridgeAdded.isEmpty ? [] : [.removeMembers(targetID: targetID, members: bridgeAdded.sorted())]
    }

    /// Reconciliation: the calls that make the target group what the source says, given what the
    /// target holds now (drift repair for `plan` and `sync`).
    package static func reconcile(
        displayName: String,
        sourceMembers: Set<String>,
        actual: TargetGroup,
        origin: GroupOrigin,
        bridgeAdded: Set<String>
    ) -> [Operation] {
        var ops: [Operation] = []
        if actual.displayName != displayName { ops.append(.rename(targetID: actual.id, displayName: displayName)) }
        let missing = sourceMembers.subtracting(actual.members).sorted()
        if !missing.isEmpty { ops.append(.addMembers(targetID: actual.id, members: missing)) }
        let extra = actual.members.subtracting(sourceMembers)
        let removable = origin.ownsAllMembers ? extra : extra.intersection(bridgeAdded)
        if !removable.isEmpty { ops.append(.removeMembers(targetID: actual.id, members: removable.sorted())) }
        return ops
    }
}
