package import Membership

/// How the bridge came to hold a resource on a target: the `origin` of a `TargetMapping`.
package enum MappingOrigin: String, Sendable, Hashable, CaseIterable {
    /// The bridge created it (or, for a user, found it by its match key and took it over).
    case created
    /// A same-named group adopted under `merge`: the bridge owns only the members it added.
    case adoptedMerge = "adopted-merge"
    /// A same-named group adopted under `overwrite`: the bridge owns the membership.
    case adoptedOverwrite = "adopted-overwrite"
    /// A group left alone because of a name collision under `fail` (no target id).
    case blocked
    /// Written just before a creation and replaced once it is recorded: a retry that then finds a
    /// same-named resource knows it is the bridge's own, half-created, and finishes it.
    case creating
    /// A user deprovisioned on the target (disabled or deleted).
    case deprovisioned

    /// The mapping origin of a group the planners linked.
    package init(_ origin: GroupOrigin) {
        switch origin {
        case .created: self = .created
        case .adoptedMerge: self = .adoptedMerge
        case .adoptedOverwrite: self = .adoptedOverwrite
        }
    }

    /// The ownership the planners reason about; nil for a group not linked (yet): blocked or being created.
    package var group: GroupOrigin? {
        switch self {
        case .created: .created
        case .adoptedMerge: .adoptedMerge
        case .adoptedOverwrite: .adoptedOverwrite
        case .blocked, .creating, .deprovisioned: nil
        }
    }
}

/// Where one outbox entry stands: the `state` of an `OutboxEntry`.
package enum OutboxState: String, Sendable, Hashable, CaseIterable {
    /// Waiting for delivery (perhaps after failed attempts that will be retried).
    case pending
    /// Delivered.
    case done
    /// Dead-lettered after its attempts ran out, or refused for good: someone must look.
    case dead
    /// Dead, then made moot by a reconciliation that brought the resource to what the source says.
    case settled
}
