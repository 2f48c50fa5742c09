/// Turns (source group, target group, policy, ownership) into the per-(user, group) calls a
/// user-centric target needs (Google Workspace, Salesforce): the collision table of DESIGN.md as a
/// pure function, with memberships written one pair at a time.
package enum UserCentricPlanner {
    /// A call on a user-centric target. User and group ids are the target's.
    package enum Operation: Sendable, Hashable {
        /// Create the group empty; the `insert`s that follow (with the new id) fill it with `members`.
        case createGroup(displayName: String, members: [String])
        case adopt(groupID: String, origin: GroupOrigin, kept: [String], removed: [String])
        case rename(groupID: String, displayName: String)
        /// Make `user` a member of `group` (the bridge then owns that membership).
        case insert(user: String, group: String)
        /// End `user`'s membership of `group`.
        case delete(user: String, group: String)
        case deleteGroup(groupID: String)
        /// Stop: the group stays untouched and is reported blocked with this reason.
        case block(reason: String)
    }

    /// First sight of a source group on a target: create it, or resolve the name collision against
    /// `existing`, a same-named group with direct members `existingMembers`. `sourceMembers` are the
    /// target ids of the source members already provisioned there.
    package static func link(
        displayName: String,
        sourceMembers: [String],
        existing: (id: String, name: String)?,
        existingMembers: Set<String>,
        policy: CollisionPolicy
    ) -> [Operation] {
        guard let existing else { return [.createGroup(displayName: displayName, members: unique(sourceMembers))] }
        let source = Set(sourceMembers)
        let missing = unique(sourceMembers).filter { !existingMembers.contains($0) }
        switch policy {
        case .fail:
            return [
                .block(
                    reason:
                        "A group named '\(existing.name)' already exists on the target (id \(existing.id)) and onNameCollision is 'fail'; set it to 'merge' or 'overwrite' (with acknowledgeNameCollision: true) to adopt it."
                )
            ]
        case .merge:
            // Keep everyone already there; the bridge owns only the memberships it inserts.
            let kept = existingMembers.subtracting(source).sorted()
            return [.adopt(groupID: existing.id, origin: .adoptedMerge, kept: kept, removed: [])]
                + missing.map { .insert(user: $0, group: existing.id) }
        case .overwrite:
            let foreign = existingMembers.subtracting(source).sorted()
            return [.adopt(groupID: existing.id, origin: .adoptedOverwrite, kept: [], removed: foreign)]
                + missing.map { .insert(user: $0, group: existing.id) }
                + foreign.map { .delete(user: $0, group: existing.id) }
        }
    }

    /// Finishing a link that was interrupted after the group was created or adopted: the calls that
    /// bring `actual` (the group's current direct members) to the source. Under `merge` nothing is
    /// removed: the memberships the bridge had inserted are still wanted, and the others are not its own.
    package static func resume(groupID: String, origin: GroupOrigin, sourceMembers: [String], actual: Set<String>)
        -> [Operation]
    {
        let source = Set(sourceMembers)
        var ops: [Operation] = unique(sourceMembers).filter { !actual.contains($0) }.map {
            .insert(user: $0, group: groupID)
        }
        if origin.ownsAllMembers {
            ops += actual.subtracting(source).sorted().map { .delete(user: $0, group: groupID) }
        }
        return ops
    }

    /// Reconciliation of a linked group: insert the source members it lacks; delete the members it has
    /// beyond the source when the bridge owns the membership, or, under `merge`, only those the bridge
    /// inserted (`bridgeAdded`).
    package static func reconcile(
        groupID: String,
        origin: GroupOrigin,
        sourceMembers: Set<String>,
        actual: Set<String>,
        bridgeAdded: Set<String>
    ) -> [Operation] {
        let missing = sourceMembers.subtracting(actual).sorted().map { Operation.insert(user: $0, group: groupID) }
        let extra = actual.subtracting(sourceMembers)
        let removable = origin.ownsAllMembers ? extra : extra.intersection(bridgeAdded)
        return missing + removable.sorted().map { .delete(user: $0, group: groupID) }
    }

    /// A membership delta on a linked group, one call per user. Under `merge`, a removal touches only
    /// memberships the bridge inserted (`bridgeAdded`); otherwise every removal is applied.
    package static func delta(
        groupID: String,
        origin: GroupOrigin,
        added: [String],
        removed: [String],
        bridgeAdded: Set<String>
    ) -> [Operation] {
        let removable = origin.ownsAllMembers ? unique(removed) : unique(removed).filter { bridgeAdded.contains($0) }
        return unique(added).map { .insert(user: $0, group: groupID) }
            + removable.map { .delete(user: $0, group: groupID) }
    }

    /// Deleting the source group (or unlinking): delete what the bridge owns, else end the memberships it inserted.
    package static func unlink(groupID: String, origin: GroupOrigin, bridgeAdded: Set<String>) -> [Operation] {
        if origin.ownsAllMembers { return [.deleteGroup(groupID: groupID)] }
        return bridgeAdded.sorted().map { .delete(user: $0, group: groupID) }
    }

    /// The members in first-seen order without repeats: one call per pair, never two.
    static func unique(_ ids: [String]) -> [String] {
        var seen = Set<String>()
        return ids.filter { seen.insert($0).inserted }
    }
}
