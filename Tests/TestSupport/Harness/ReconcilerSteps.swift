package import Sync

// What end-to-end tests ask of a group-centric plan.
extension Array where Element == Reconciler.Step {
    /// Whether the plan adds exactly `members` to the target group `group`.
    package func adds(_ members: [String], to group: String) -> Bool {
        contains { if case .addMembers(_, _, let t, _, let m) = $0 { t == group && m == members } else { false } }
    }

    /// Whether the plan removes exactly `members` from the target group `group`.
    package func removes(_ members: [String], from group: String) -> Bool {
        contains { if case .removeMembers(_, _, let t, _, let m) = $0 { t == group && m == members } else { false } }
    }
}
