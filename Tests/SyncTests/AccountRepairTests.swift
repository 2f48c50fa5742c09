import Connectors
import Membership
import SCIM
import Store
import Sync
import Testing

/// The pure decisions of account reconciliation: which accounts need a repair, which leavers are
/// deprovisioned again, what each step prints and which resource it serves.
@Suite("Account repair decisions")
struct AccountRepairTests {
    static let pingone = Channel(key: 1, name: "pingone", created: SCIMDateTime(seconds: 0))
    static let okta = Channel(key: 2, name: "okta", created: SCIMDateTime(seconds: 0))

    static func mapping(
        _ id: String,
        _ tid: String?,
        origin: MappingOrigin = .created,
        channel: Channel = pingone,
        kind: ResourceKind = .user
    )
        -> TargetMapping
    {
        TargetMapping(target: "t", channel: channel, kind: kind, canonicalID: id, targetID: tid, origin: origin)
    }

    static let reenabled = AttributeDifference("active", actual: "false", wanted: "true")
    static let disabledAgain = AttributeDifference("active", actual: "true", wanted: "false")

    @Test func aUserInLineNeedsNothingAndADifferingOneARepair() {
        let target = TargetUser(id: "T1", matchKey: "ada", active: false)
        #expect(AccountRepair.forUser(id: "u1", userName: "ada", target: target, differences: []) == nil)
        #expect(
            AccountRepair.forUser(id: "u1", userName: "ada", target: target, differences: [Self.reenabled])
                == .repair(id: "u1", targetID: "T1", userName: "ada", differences: [Self.reenabled])
        )
    }

    /// (listed account, expected): only an active account of a leaver is deprovisioned again.
    @Test(
        arguments: [
            (nil, nil),
            (TargetUser(id: "T1", matchKey: "ada", active: false), nil),
            (
                TargetUser(id: "T1", matchKey: "ada", active: true),
                AccountRepair.deprovision(id: "u1", targetID: "T1", userName: "ada")
            ),
        ] as [(TargetUser?, AccountRepair?)]
    )
    func aLeaverIsDeprovisionedAgainOnlyWhereActive(listed: TargetUser?, expected: AccountRepair?) {
        #expect(AccountRepair.forDeletedUser(id: "u1", listed: listed) == expected)
    }

    struct DeletedCase: Sendable, CustomTestStringConvertible {
        var label: String
        var mappings: [TargetMapping]
        var present: Set<String> = []
        var claimed: Set<String> = []
        var expected: [String]
        var testDescription: String { label }
    }

    static let deletedCases: [DeletedCase] = [
        DeletedCase(
            label: "deprovisioned, gone from the store",
            mappings: [mapping("u1", "T1", origin: .deprovisioned)],
            expected: ["u1"]
        ),
        DeletedCase(
            label: "deleted, deletion not delivered (dead letter)",
            mappings: [mapping("u1", "T1")],
            expected: ["u1"]
        ),
        DeletedCase(label: "still in the store", mappings: [mapping("u1", "T1")], present: ["u1"], expected: []),
        DeletedCase(label: "creation unanswered", mappings: [mapping("u1", nil, origin: .creating)], expected: []),
        DeletedCase(label: "another channel's user", mappings: [mapping("u1", "T1", channel: okta)], expected: []),
        DeletedCase(label: "a group", mappings: [mapping("g1", "G1", kind: .group)], expected: []),
        DeletedCase(
            label: "the account now matched to a re-created user",
            mappings: [mapping("u1", "T1", origin: .deprovisioned)],
            claimed: ["T1"],
            expected: []
        ),
        DeletedCase(
            label: "the account now mapped to a re-created user",
            mappings: [mapping("u1", "T1", origin: .deprovisioned), mapping("u2", "T1")],
            present: ["u2"],
            expected: []
        ),
        DeletedCase(
            label: "two leavers, in id order",
            mappings: [mapping("u2", "T2", origin: .deprovisioned), mapping("u1", "T1", origin: .deprovisioned)],
            expected: ["u1", "u2"]
        ),
    ]

    @Test(arguments: deletedCases)
    func deletedUsers(_ c: DeletedCase) {
        let deleted = AccountRepair.deletedUsers(
            c.mappings,
            channel: Self.pingone,
            present: c.present,
            claimed: c.claimed
        )
        #expect(deleted.map(\.id) == c.expected)
    }

    @Test func theAuditNamesARestoredDeprovisioning() {
        #expect(
            AccountRepair.deprovision(id: "u", targetID: "T", userName: "a").auditAction == "user deprovisioned again"
        )
        #expect(
            AccountRepair.repair(id: "u", targetID: "T", userName: "a", differences: [Self.disabledAgain]).auditAction
                == "user deprovisioned again"
        )
        #expect(
            AccountRepair.repair(id: "u", targetID: "T", userName: "a", differences: [Self.reenabled]).auditAction
                == "user repaired"
        )
    }

    @Test func groupCentricStepsPrintTheCallAndNameTheirResource() {
        let family = AttributeDifference("name.familyName", actual: "Byron", wanted: "Lovelace")
        let repair = Reconciler.Step.user(
            .repair(
                channel: "pingone",
                id: "u1",
                targetID: "T1",
                userName: "ada",
                differences: [Self.reenabled, family]
            )
        )
        #expect(
            repair.description
                == #"PUT /Users/T1  userName=ada active false -> true, name.familyName "Byron" -> "Lovelace""#
        )
        #expect(repair.resourceKey == "user:u1" && repair.channel == "pingone")
        let disable = Reconciler.Step.user(
            .deprovision(
                channel: "pingone",
                id: "u2",
                targetID: "T2",
                userName: "bob",
                removal: .disable
            )
        )
        #expect(disable.description == "PATCH /Users/T2  userName=bob active true -> false (deleted at the source)")
        let delete = Reconciler.Step.user(
            .deprovision(
                channel: "pingone",
                id: "u2",
                targetID: "T2",
                userName: "bob",
                removal: .delete
            )
        )
        #expect(delete.description == "DELETE /Users/T2  userName=bob (deleted at the source, active on the target)")
        #expect(delete.resourceKey == "user:u2")
        let steps: [Reconciler.Step] = [
            .user(.create(channel: "a", id: "u", userName: "x")),
            .linkGroup(channel: "a", id: "g", displayName: "G", policy: .merge, collides: false),
            .renameGroup(channel: "a", id: "g", targetID: "G1", from: "F", to: "G"),
            .addMembers(channel: "a", id: "g", targetID: "G1", displayName: "G", members: ["T"]),
            .removeMembers(channel: "a", id: "g", targetID: "G1", displayName: "G", members: ["T"]),
        ]
        #expect(steps.map(\.resourceKey) == ["user:u", "group:g", "group:g", "group:g", "group:g"])
        #expect(steps.allSatisfy { $0.channel == "a" })
    }

    @Test func userCentricStepsPrintTheRepairAndNameTheirResource() {
        let repair = UserCentricReconciler.Step.user(
            .repair(
                channel: "c",
                id: "u1",
                targetID: "005A",
                userName: "ada",
                differences: [Self.reenabled]
            )
        )
        #expect(repair.description == "update user ada (005A): active false -> true")
        let again = UserCentricReconciler.Step.user(
            .deprovision(
                channel: "c",
                id: "u2",
                targetID: "005B",
                userName: "bob",
                removal: .disable
            )
        )
        #expect(again.description == "suspend user bob (005B) again: deleted at the source, active on the target")
        let steps: [UserCentricReconciler.Step] = [
            repair, again,
            .user(.create(channel: "c", id: "u", userName: "x")),
            .linkGroup(channel: "c", id: "g", displayName: "G", policy: .merge, collides: true),
            .renameGroup(channel: "c", id: "g", targetID: "G1", from: "F", to: "G"),
            .insertMember(channel: "c", id: "g", targetID: "G1", displayName: "G", user: "T"),
            .deleteMember(channel: "c", id: "g", targetID: "G1", displayName: "G", user: "T"),
        ]
        #expect(
            steps.map(\.resourceKey) == ["user:u1", "user:u2", "user:u", "group:g", "group:g", "group:g", "group:g"]
        )
        #expect(steps.allSatisfy { $0.channel == "c" })
    }
}
