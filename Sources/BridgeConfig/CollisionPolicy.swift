/// `onNameCollision`: what happens when a group of the same name already exists on the target (DESIGN §Name
/// collisions). `merge` and `overwrite` need `acknowledgeNameCollision: true`.
public enum CollisionPolicy: String, Sendable, Hashable, CaseIterable {
    /// Refuse: the group is reported as blocked and the target is untouched. The default.
    case fail
    /// Adopt the existing group, add the source members and keep everyone already there; afterwards add and remove
    /// only the members the bridge added; on delete remove those and keep the group.
    case merge
    /// Adopt the existing group and make its members exactly the source's; reconciliation corrects drift; on
    /// delete, delete the group.
    case overwrite
}
