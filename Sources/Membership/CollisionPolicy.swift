/// What to do when a group of the same name already exists on a target (the table in DESIGN.md).
package enum CollisionPolicy: String, Sendable, Hashable, CaseIterable {
    /// Refuse: the group is reported blocked and the target is left untouched (the default).
    case fail
    /// Adopt the existing group, add the source members, keep everyone else; later remove only
    /// members the bridge added; on delete, remove those and keep the group.
    case merge
    /// Adopt the existing group and make its members exactly the source's; on delete, delete it.
    case overwrite
}

/// How the bridge came to hold a group on a target; decides what it may remove.
package enum GroupOrigin: String, Sendable, Hashable {
    /// The bridge created the group: it owns all of it.
    case created
    /// Adopted under `merge`: the bridge owns only the members it added.
    case adoptedMerge = "adopted-merge"
    /// Adopted under `overwrite`: the bridge owns the membership.
    case adoptedOverwrite = "adopted-overwrite"

    /// Whether every member of the group is the bridge's to add or remove.
    package var ownsAllMembers: Bool { self != .adoptedMerge }
}
