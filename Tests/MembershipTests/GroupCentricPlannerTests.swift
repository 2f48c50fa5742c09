import Membership
import Testing

/// The collision table of DESIGN.md for targets that write a group's members in bulk (SCIM, Slack,
/// GitHub EMU), one row per case: the planner's input and the exact calls it must plan.
@Suite("Group-centric planner")
struct GroupCentricPlannerTests {
    typealias Op = GroupCentricPlanner.Operation
    typealias Group = GroupCentricPlanner.TargetGroup

    /// The same-named group already on the target: the foreign member `f1` and the source member `u2`.
    static let existing = Group(id: "g1", displayName: "Engineering", members: ["f1", "u2"])

    static let blocked = Op.block(
        reason:
            "A group named 'Engineering' already exists on the target (id g1) and onNameCollision is 'fail'; set it to 'merge' or 'overwrite' (with acknowledgeNameCollision: true) to adopt it."
    )

    /// A source group seen for the first time, with source members `u1` and `u2`.
    struct Link: Sendable, CustomTestStringConvertible {
        var policy: CollisionPolicy
        var existing: [Group]
        var expected: [Op]
        var testDescription: String { "\(policy.rawValue), \(existing.count) same-named group(s)" }
    }

    static let links: [Link] = [
        Link(
            policy: .fail,
            existing: [],
            expected: [.createGroup(displayName: "Engineering", members: ["u1", "u2"])]
        ),
        Link(
            policy: .merge,
            existing: [],
            expected: [.createGroup(displayName: "Engineering", members: ["u1", "u2"])]
        ),
        Link(
            policy: .overwrite,
            existing: [],
            expected: [.createGroup(displayName: "Engineering", members: ["u1", "u2"])]
        ),
        Link(policy: .fail, existing: [existing], expected: [blocked]),
        // Merge keeps the foreign member and adds only the missing source member.
        Link(
            policy: .merge,
            existing: [existing],
            expected: [
                .adopt(targetID: "g1", origin: .adoptedMerge, kept: ["f1"], removed: []),
                .addMembers(targetID: "g1", members: ["u1"]),
            ]
        ),
        // Overwrite adds the missing source member and removes the foreign one.
        Link(
            policy: .overwrite,
            existing: [existing],
            expected: [
                .adopt(targetID: "g1", origin: .adoptedOverwrite, kept: [], removed: ["f1"]),
                .addMembers(targetID: "g1", members: ["u1"]),
                .removeMembers(targetID: "g1", members: ["f1"]),
            ]
        ),
        // A same-named group that already holds exactly the source is adopted without member calls.
        Link(
            policy: .overwrite,
            existing: [Group(id: "g1", displayName: "Engineering", members: ["u1", "u2"])],
            expected: [.adopt(targetID: "g1", origin: .adoptedOverwrite, kept: [], removed: [])]
        ),
        Link(
            policy: .merge,
            existing: [Group(id: "g1", displayName: "Engineering", members: ["u1", "u2"])],
            expected: [.adopt(targetID: "g1", origin: .adoptedMerge, kept: [], removed: [])]
        ),
        // Two groups carry the name (Entra does not keep names unique): blocked under every policy.
        Link(policy: .fail, existing: [existing, twin], expected: [twoNamed]),
        Link(policy: .merge, existing: [existing, twin], expected: [twoNamed]),
        Link(policy: .overwrite, existing: [existing, twin], expected: [twoNamed]),
    ]

    static let twin = Group(id: "g0", displayName: "Engineering", members: [])
    static let twoNamed = Op.block(
        reason:
            "2 groups named 'Engineering' exist on the target (ids g0, g1); the bridge never picks one: rename or delete all but one on the target, or rename the source group."
    )

    @Test(arguments: links)
    func link(_ row: Link) {
        #expect(
            GroupCentricPlanner.link(
                displayName: "Engineering",
                sourceMembers: ["u1", "u2"],
                existing: row.existing,
                policy: row.policy
            )
                == row.expected
        )
    }

    @Test func aBlockBySameNamedGroupsIsToldFromABlockByThePolicy() {
        guard case .block(let several) = Self.twoNamed, case .block(let policy) = Self.blocked else {
            Issue.record("expected blocks")
            return
        }
        #expect(GroupCentricPlanner.isSameNamedBlock(several))
        #expect(!GroupCentricPlanner.isSameNamedBlock(policy))
    }

    @Test func theBlockReasonNamesTheSettingAndTheExistingGroup() {
        guard case .block(let reason) = Self.blocked else { Issue.record("expected a block"); return }
        #expect(reason.contains("onNameCollision"))
        #expect(reason.contains("g1"))
    }

    /// A membership change on a linked group of each origin: `a` added, `b` (which the bridge added)
    /// and `c` (which it did not) removed.
    struct Delta: Sendable, CustomTestStringConvertible {
        var origin: GroupOrigin
        var added: [String] = ["a"]
        var removed: [String] = ["b", "c"]
        var expected: [Op]
        var testDescription: String { "\(origin.rawValue): +\(added) -\(removed)" }
    }

    static let deltas: [Delta] = [
        Delta(
            origin: .created,
            expected: [.addMembers(targetID: "g", members: ["a"]), .removeMembers(targetID: "g", members: ["b", "c"])]
        ),
        Delta(
            origin: .adoptedOverwrite,
            expected: [.addMembers(targetID: "g", members: ["a"]), .removeMembers(targetID: "g", members: ["b", "c"])]
        ),
        Delta(
            origin: .adoptedMerge,
            expected: [.addMembers(targetID: "g", members: ["a"]), .removeMembers(targetID: "g", members: ["b"])]
        ),
        Delta(origin: .adoptedMerge, added: [], removed: ["c"], expected: []),
        Delta(origin: .created, added: [], removed: [], expected: []),
    ]

    @Test(arguments: deltas)
    func delta(_ row: Delta) {
        #expect(
            GroupCentricPlanner.delta(
                targetID: "g",
                origin: row.origin,
                added: row.added,
                removed: row.removed,
                bridgeAdded: ["b"]
            )
                == row.expected
        )
    }

    /// Deleting the source group: an owned group is deleted; a merged one loses only the bridge's members.
    static let unlinks: [(Ownership, [Op])] = [
        (Ownership(.created, bridgeAdded: ["a"]), [.deleteGroup(targetID: "g")]),
        (Ownership(.adoptedOverwrite, bridgeAdded: []), [.deleteGroup(targetID: "g")]),
        (Ownership(.adoptedMerge, bridgeAdded: ["b", "a"]), [.removeMembers(targetID: "g", members: ["a", "b"])]),
        (Ownership(.adoptedMerge, bridgeAdded: []), []),
    ]

    @Test(arguments: unlinks)
    func unlink(_ given: Ownership, _ expected: [Op]) {
        #expect(
            GroupCentricPlanner.unlink(targetID: "g", origin: given.origin, bridgeAdded: given.bridgeAdded) == expected
        )
    }

    /// Drift repair: the source says "Sales" with members `a` and `b`; the bridge added `b` and `x`.
    struct Reconcile: Sendable, CustomTestStringConvertible {
        var origin: GroupOrigin
        var actual: Group
        var expected: [Op]
        var testDescription: String { "\(origin.rawValue): \(actual.displayName) \(actual.members.sorted())" }
    }

    static let reconciles: [Reconcile] = [
        Reconcile(origin: .created, actual: Group(id: "g", displayName: "Sales", members: ["a", "b"]), expected: []),
        Reconcile(
            origin: .created,
            actual: Group(id: "g", displayName: "Sales (old)", members: ["b", "y", "x"]),
            expected: [
                .rename(targetID: "g", displayName: "Sales"), .addMembers(targetID: "g", members: ["a"]),
                .removeMembers(targetID: "g", members: ["x", "y"]),
            ]
        ),
        Reconcile(
            origin: .adoptedOverwrite,
            actual: Group(id: "g", displayName: "Sales", members: ["f"]),
            expected: [.addMembers(targetID: "g", members: ["a", "b"]), .removeMembers(targetID: "g", members: ["f"])]
        ),
        // Under merge only members the bridge added are removed: `x`, not the foreign `f`.
        Reconcile(
            origin: .adoptedMerge,
            actual: Group(id: "g", displayName: "Sales", members: ["a", "f", "x"]),
            expected: [.addMembers(targetID: "g", members: ["b"]), .removeMembers(targetID: "g", members: ["x"])]
        ),
        Reconcile(
            origin: .adoptedMerge,
            actual: Group(id: "g", displayName: "Sales", members: ["a", "b", "f"]),
            expected: []
        ),
    ]

    @Test(arguments: reconciles)
    func reconcile(_ row: Reconcile) {
        #expect(
            GroupCentricPlanner.reconcile(
                displayName: "Sales",
                sourceMembers: ["a", "b"],
                actual: row.actual,
                origin: row.origin,
                bridgeAdded: ["b", "x"]
            )
                == row.expected
        )
    }
}
