import Membership
import Testing

/// The collision table of DESIGN.md for targets that write memberships per (user, group) pair, one
/// row per case: the planner's input and the exact calls it must plan.
@Suite("User-centric planner")
struct UserCentricPlannerTests {
    typealias Op = UserCentricPlanner.Operation

    static let blocked = Op.block(
        reason:
            "A group named 'Engineering' already exists on the target (id g1) and onNameCollision is 'fail'; set it to 'merge' or 'overwrite' (with acknowledgeNameCollision: true) to adopt it."
    )

    /// A source group seen for the first time.
    struct Link: Sendable, CustomTestStringConvertible {
        var name: String
        var sourceMembers: [String]
        var existing: (id: String, name: String)?
        var existingMembers: Set<String> = []
        var policy: CollisionPolicy
        var expected: [Op]
        var testDescription: String { name }
    }

    static let links: [Link] = [
        Link(
            name: "a new group is created with each member once",
            sourceMembers: ["u1", "u2", "u1"],
            existing: nil,
            policy: .fail,
            expected: [.createGroup(displayName: "Engineering", members: ["u1", "u2"])]
        ),
        Link(
            name: "no collision under merge: created",
            sourceMembers: ["u1"],
            existing: nil,
            policy: .merge,
            expected: [.createGroup(displayName: "Engineering", members: ["u1"])]
        ),
        Link(
            name: "no collision under overwrite: created",
            sourceMembers: [],
            existing: nil,
            policy: .overwrite,
            expected: [.createGroup(displayName: "Engineering", members: [])]
        ),
        Link(
            name: "fail blocks and touches nothing",
            sourceMembers: ["u1"],
            existing: (id: "g1", name: "Engineering"),
            existingMembers: ["f1"],
            policy: .fail,
            expected: [blocked]
        ),
        Link(
            name: "merge adopts, keeps foreign members and inserts only the missing ones",
            sourceMembers: ["u1", "u2"],
            existing: (id: "g1", name: "Engineering"),
            existingMembers: ["f1", "u2"],
            policy: .merge,
            expected: [
                .adopt(groupID: "g1", origin: .adoptedMerge, kept: ["f1"], removed: []),
                .insert(user: "u1", group: "g1"),
            ]
        ),
        Link(
            name: "overwrite adopts, inserts the missing and deletes foreign memberships",
            sourceMembers: ["u1", "u2"],
            existing: (id: "g1", name: "Engineering"),
            existingMembers: ["f2", "f1", "u2"],
            policy: .overwrite,
            expected: [
                .adopt(groupID: "g1", origin: .adoptedOverwrite, kept: [], removed: ["f1", "f2"]),
                .insert(user: "u1", group: "g1"),
                .delete(user: "f1", group: "g1"),
                .delete(user: "f2", group: "g1"),
            ]
        ),
        Link(
            name: "overwrite of a group already equal to the source only adopts",
            sourceMembers: ["u1", "u1"],
            existing: (id: "g1", name: "Engineering"),
            existingMembers: ["u1"],
            policy: .overwrite,
            expected: [.adopt(groupID: "g1", origin: .adoptedOverwrite, kept: [], removed: [])]
        ),
    ]

    @Test(arguments: links)
    func link(_ row: Link) {
        let ops = UserCentricPlanner.link(
            displayName: "Engineering",
            sourceMembers: row.sourceMembers,
            existing: row.existing,
            existingMembers: row.existingMembers,
            policy: row.policy
        )
        #expect(ops == row.expected)
        if row.policy == .merge { #expect(!ops.contains { if case .delete = $0 { true } else { false } }) }
    }

    @Test func theBlockReasonNamesTheSettingAndTheExistingGroup() {
        guard case .block(let reason) = Self.blocked else { Issue.record("expected a block"); return }
        #expect(reason.contains("onNameCollision"))
        #expect(reason.contains("g1"))
    }

    /// A membership change on a linked group.
    struct Delta: Sendable, CustomTestStringConvertible {
        var origin: GroupOrigin
        var added: [String]
        var removed: [String]
        var bridgeAdded: Set<String>
        var expected: [Op]
        var testDescription: String { "\(origin.rawValue): +\(added) -\(removed)" }
    }

    static let deltas: [Delta] = [
        // A group the bridge owns applies every removal.
        Delta(
            origin: .created,
            added: ["a"],
            removed: ["b", "c"],
            bridgeAdded: ["b"],
            expected: [.insert(user: "a", group: "g"), .delete(user: "b", group: "g"), .delete(user: "c", group: "g")]
        ),
        Delta(
            origin: .adoptedOverwrite,
            added: ["a"],
            removed: ["b", "c"],
            bridgeAdded: ["b"],
            expected: [.insert(user: "a", group: "g"), .delete(user: "b", group: "g"), .delete(user: "c", group: "g")]
        ),
        // A merged group removes only memberships the bridge inserted.
        Delta(
            origin: .adoptedMerge,
            added: [],
            removed: ["b", "c"],
            bridgeAdded: ["b"],
            expected: [.delete(user: "b", group: "g")]
        ),
        Delta(
            origin: .adoptedMerge,
            added: ["a", "a"],
            removed: ["c"],
            bridgeAdded: ["b"],
            expected: [.insert(user: "a", group: "g")]
        ),
    ]

    @Test(arguments: deltas)
    func delta(_ row: Delta) {
        #expect(
            UserCentricPlanner.delta(
                groupID: "g",
                origin: row.origin,
                added: row.added,
                removed: row.removed,
                bridgeAdded: row.bridgeAdded
            )
                == row.expected
        )
    }

    /// Deleting the source group: an owned group is deleted; a merged one loses only the bridge's memberships.
    static let unlinks: [(Ownership, [Op])] = [
        (Ownership(.created, bridgeAdded: ["a"]), [.deleteGroup(groupID: "g")]),
        (Ownership(.adoptedOverwrite, bridgeAdded: []), [.deleteGroup(groupID: "g")]),
        (
            Ownership(.adoptedMerge, bridgeAdded: ["b", "a"]),
            [.delete(user: "a", group: "g"), .delete(user: "b", group: "g")]
        ),
        (Ownership(.adoptedMerge, bridgeAdded: []), []),
    ]

    @Test(arguments: unlinks)
    func unlink(_ given: Ownership, _ expected: [Op]) {
        #expect(
            UserCentricPlanner.unlink(groupID: "g", origin: given.origin, bridgeAdded: given.bridgeAdded) == expected
        )
    }

    /// Finishing an interrupted link: insert what is missing; remove extras only when the bridge owns the group.
    struct Resume: Sendable, CustomTestStringConvertible {
        var origin: GroupOrigin
        var sourceMembers: [String]
        var actual: Set<String>
        var expected: [Op]
        var testDescription: String { "\(origin.rawValue): source \(sourceMembers), actual \(actual.sorted())" }
    }

    static let resumes: [Resume] = [
        Resume(
            origin: .created,
            sourceMembers: ["a", "b"],
            actual: ["a", "x"],
            expected: [.insert(user: "b", group: "g"), .delete(user: "x", group: "g")]
        ),
        Resume(
            origin: .adoptedOverwrite,
            sourceMembers: ["a", "b", "b"],
            actual: ["y", "x"],
            expected: [
                .insert(user: "a", group: "g"), .insert(user: "b", group: "g"), .delete(user: "x", group: "g"),
                .delete(user: "y", group: "g"),
            ]
        ),
        Resume(
            origin: .adoptedMerge,
            sourceMembers: ["a", "b"],
            actual: ["a", "x"],
            expected: [.insert(user: "b", group: "g")]
        ),
    ]

    @Test(arguments: resumes)
    func resume(_ row: Resume) {
        #expect(
            UserCentricPlanner.resume(
                groupID: "g",
                origin: row.origin,
                sourceMembers: row.sourceMembers,
                actual: row.actual
            ) == row.expected
        )
    }

    /// Drift repair of a linked group.
    struct Reconcile: Sendable, CustomTestStringConvertible {
        var origin: GroupOrigin
        var sourceMembers: Set<String>
        var actual: Set<String>
        var bridgeAdded: Set<String>
        var expected: [Op]
        var testDescription: String {
            "\(origin.rawValue): source \(sourceMembers.sorted()), actual \(actual.sorted())"
        }
    }

    static let reconciles: [Reconcile] = [
        Reconcile(
            origin: .created,
            sourceMembers: ["a", "b"],
            actual: ["b", "y", "x"],
            bridgeAdded: [],
            expected: [.insert(user: "a", group: "g"), .delete(user: "x", group: "g"), .delete(user: "y", group: "g")]
        ),
        Reconcile(
            origin: .adoptedOverwrite,
            sourceMembers: ["a"],
            actual: ["f"],
            bridgeAdded: [],
            expected: [.insert(user: "a", group: "g"), .delete(user: "f", group: "g")]
        ),
        Reconcile(
            origin: .adoptedMerge,
            sourceMembers: ["a"],
            actual: ["f", "b"],
            bridgeAdded: ["b"],
            expected: [.insert(user: "a", group: "g"), .delete(user: "b", group: "g")]
        ),
        Reconcile(origin: .adoptedMerge, sourceMembers: ["a"], actual: ["a", "f"], bridgeAdded: ["a"], expected: []),
    ]

    @Test(arguments: reconciles)
    func reconcile(_ row: Reconcile) {
        #expect(
            UserCentricPlanner.reconcile(
                groupID: "g",
                origin: row.origin,
                sourceMembers: row.sourceMembers,
                actual: row.actual,
                bridgeAdded: row.bridgeAdded
            )
                == row.expected
        )
    }
}
