import Membership
import Testing

/// The collision table of DESIGN.md for targets that write memberships per (user, group) pair.
@Suite("User-centric planner")
struct UserCentricPlannerTests {
    typealias Op = UserCentricPlanner.Operation
    let existing = (id: "g1", name: "Engineering")

    @Test func aNewGroupIsCreatedWithOneInsertPerMemberAndNoRepeats() {
        let ops = UserCentricPlanner.link(
            displayName: "Sales", sourceMembers: ["u1", "u2", "u1"], existing: nil, existingMembers: [], policy: .fail)
        #expect(ops == [.createGroup(displayName: "Sales", members: ["u1", "u2"])])
    }

    @Test func failBlocksAndTouchesNothing() {
        let ops = UserCentricPlanner.link(
            displayName: "Engineering", sourceMembers: ["u1"], existing: existing, existingMembers: ["f1"], policy: .fail)
        #expect(ops.count == 1)
        guard case .block(let reason) = ops.first else { Issue.record("expected a block, got \(ops)"); return }
        #expect(reason.contains("onNameCollision"))
        #expect(reason.contains("g1"))
    }

    @Test func mergeAdoptsKeepsForeignMembersAndInsertsOnlyTheMissingOnes() {
        let ops = UserCentricPlanner.link(
            displayName: "Engineering", sourceMembers: ["u1", "u2"], existing: existing, existingMembers: ["f1", "u2"],
            policy: .merge)
        #expect(ops == [
            .adopt(groupID: "g1", origin: .adoptedMerge, kept: ["f1"], removed: []),
            .insert(user: "u1", group: "g1"),
        ])
        #expect(!ops.contains { if case .delete = $0 { true } else { false } })
    }

    @Test func overwriteAdoptsInsertsTheMissingAndDeletesForeignMemberships() {
        let ops = UserCentricPlanner.link(
            displayName: "Engineering", sourceMembers: ["u1", "u2"], existing: existing, existingMembers: ["f2", "f1", "u2"],
            policy: .overwrite)
        #expect(ops == [
            .adopt(groupID: "g1", origin: .adoptedOverwrite, kept: [], removed: ["f1", "f2"]),
            .insert(user: "u1", group: "g1"),
            .delete(user: "f1", group: "g1"),
            .delete(user: "f2", group: "g1"),
        ])
    }

    @Test(arguments: [GroupOrigin.created, .adoptedOverwrite])
    func anOwnedGroupAppliesEveryRemoval(origin: GroupOrigin) {
        let ops = UserCentricPlanner.delta(groupID: "g", origin: origin, added: ["a"], removed: ["b", "c"], bridgeAdded: ["b"])
        #expect(ops == [.insert(user: "a", group: "g"), .delete(user: "b", group: "g"), .delete(user: "c", group: "g")])
    }

    @Test func aMergedGroupRemovesOnlyMembershipsTheBridgeInserted() {
        let ops = UserCentricPlanner.delta(
            groupID: "g", origin: .adoptedMerge, added: [], removed: ["b", "c"], bridgeAdded: ["b"])
        #expect(ops == [.delete(user: "b", group: "g")])
    }

    @Test func unlinkDeletesAnOwnedGroupAndOnlyEndsTheBridgesMembershipsOfAMergedOne() {
        #expect(UserCentricPlanner.unlink(groupID: "g", origin: .created, bridgeAdded: ["a"]) == [.deleteGroup(groupID: "g")])
        #expect(UserCentricPlanner.unlink(groupID: "g", origin: .adoptedOverwrite, bridgeAdded: []) == [.deleteGroup(groupID: "g")])
        #expect(
            UserCentricPlanner.unlink(groupID: "g", origin: .adoptedMerge, bridgeAdded: ["b", "a"])
                == [.delete(user: "a", group: "g"), .delete(user: "b", group: "g")])
        #expect(UserCentricPlanner.unlink(groupID: "g", origin: .adoptedMerge, bridgeAdded: []).isEmpty)
    }

    @Test func resumingALinkInsertsWhatIsMissingAndRemovesExtrasOnlyWhenTheBridgeOwnsTheGroup() {
        #expect(
            UserCentricPlanner.resume(groupID: "g", origin: .created, sourceMembers: ["a", "b"], actual: ["a", "x"])
                == [.insert(user: "b", group: "g"), .delete(user: "x", group: "g")])
        #expect(
            UserCentricPlanner.resume(groupID: "g", origin: .adoptedMerge, sourceMembers: ["a", "b"], actual: ["a", "x"])
                == [.insert(user: "b", group: "g")])
    }
}
