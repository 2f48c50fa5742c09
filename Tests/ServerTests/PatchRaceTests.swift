import HTTPTypes
import Membership
import SCIM
import Synchronization
import TestSupport
import Testing

@testable import Store

/// Membership PATCHes whose effect depends on the current members (a filter on `members.display` or
/// `members.type`) racing single-member adds: no acknowledged member may be lost.
@Suite("Group PATCH races: filtered member removals against concurrent adds")
struct PatchRaceTests {
    /// Users created through the store (seeding them over HTTP would dominate the test's time).
    func seedUsers(_ n: Int, prefix: String, _ bridge: TestBridge) async throws -> [String] {
        let channel = try #require(try await bridge.store.channel(named: "default"))
        var ids: [String] = []
        for i in 0..<n {
            ids.append(
                try await bridge.store.create(
                    .user,
                    in: channel,
                    resource: StoredBodies.user("\(prefix)\(i)"),
                    members: []
                ).id
            )
        }
        return ids
    }

    func memberIDs(_ group: String, _ c: SCIMClient, token: String) async throws -> Set<String> {
        let r = try await c.get("/scim/v2/default/Groups/\(group)", token: token)
        return Set(r.body?["members"]?.arrayValue?.compactMap { $0["value"]?.stringValue } ?? [])
    }

    /// 299 single-member adds, 32 at a time, while three clients loop `remove` with `filter` (which
    /// matches no member) until the adds are answered. Every add answered 200 must be in the group.
    /// The race runs `rounds` times, on a new group each, since one round loses members only often.
    func raceAddsAgainstFilteredRemoves(_ filter: String, rounds: Int = 3) async throws {
        try await withTestBridge { bridge in
            let token = try await bridge.channel("default")
            let users = try await seedUsers(299, prefix: "racer", bridge)
            try await bridge.run { c in
                for round in 0..<rounds {
                    try await race(users, filter: filter, group: "Raced \(round)", c, token: token)
                }
            }
        }
    }

    func race(_ users: [String], filter: String, group: String, _ c: SCIMClient, token: String) async throws {
        let g = try #require(
            try await c.post("/scim/v2/default/Groups", token: token, Bodies.group(group)).body?["id"]?.stringValue
        )
        let addsDone = Flag()
        let acknowledged = try await withThrowingTaskGroup(of: String?.self) { tasks in
            for _ in 0..<3 {
                tasks.addTask {
                    var sent = 0
                    // A few at least, so that the removes overlap the adds however the tasks are scheduled.
                    while !addsDone.isSet || sent < 3 {
                        let r = try await c.patch(
                            "/scim/v2/default/Groups/\(g)?excludedAttributes=members",
                            token: token,
                            Bodies.patch([["op": "remove", "path": .string("members[\(filter)]")]])
                        )
                        #expect(r.status == 200, "\(r.body.map { $0.serialized() } ?? "")")
                        sent += 1
                    }
                    return nil
                }
            }
            let adds = Task {
                try await withThrowingTaskGroup(of: String?.self) { adds in
                    // 32 in flight, more than the client's connections: the adds still race each other
                    // and the removes, and none waits so long for a connection that the client gives up
                    // on a loaded machine.
                    var pending = users[...]
                    func addNext() {
                        guard let u = pending.popFirst() else { return }
                        adds.addTask {
                            let r = try await c.patch(
                                "/scim/v2/default/Groups/\(g)?excludedAttributes=members",
                                token: token,
                                Bodies.patch([["op": "add", "path": "members", "value": [["value": .string(u)]]]])
                            )
                            #expect(r.status == 200)
                            return r.status == 200 ? u : nil
                        }
                    }
                    for _ in 0..<32 { addNext() }
                    var ok: [String] = []
                    for try await u in adds {
                        if let u { ok.append(u) }
                        addNext()
                    }
                    return ok
                }
            }
            let acknowledged = try await adds.value
            addsDone.set()
            for try await _ in tasks {}
            return acknowledged
        }
        #expect(acknowledged.count == users.count)
        let members = try await memberIDs(g, c, token: token)
        let lost = Set(acknowledged).subtracting(members)
        #expect(lost.isEmpty, "\(lost.count) of \(acknowledged.count) acknowledged members are gone from \(group)")
    }

    @Test func addsSurviveConcurrentRemovesFilteredOnDisplay() async throws {
        try await raceAddsAgainstFilteredRemoves("display eq \"nobody\"")
    }

    @Test func addsSurviveConcurrentRemovesFilteredOnType() async throws {
        try await raceAddsAgainstFilteredRemoves("type eq \"Group\"")
    }

    @Test func removesFilteredOnDisplayAndTypeRemoveTheirMembers() async throws {
        try await withTestBridge { bridge in
            let token = try await bridge.channel("default")
            let users = try await seedUsers(3, prefix: "member", bridge)  // displays member0, member1, member2
            try await bridge.run { c in
                let inner = try #require(
                    try await c.post("/scim/v2/default/Groups", token: token, Bodies.group("Inner")).body?["id"]?
                        .stringValue
                )
                let g = try #require(
                    try await c.post(
                        "/scim/v2/default/Groups",
                        token: token,
                        Bodies.group("Outer", members: users + [inner])
                    )
                    .body?["id"]?.stringValue
                )
                let before = try await c.get("/scim/v2/default/Groups/\(g)", token: token)

                let byDisplay = try await c.patch(
                    "/scim/v2/default/Groups/\(g)",
                    token: token,
                    Bodies.patch([["op": "remove", "path": "members[display eq \"member1\"]"]])
                )
                #expect(byDisplay.status == 200)
                #expect(try await memberIDs(g, c, token: token) == [users[0], users[2], inner])
                #expect(byDisplay.headers[.eTag] != before.headers[.eTag])

                // Matching nothing is no change: the version stays.
                let none = try await c.patch(
                    "/scim/v2/default/Groups/\(g)",
                    token: token,
                    Bodies.patch([["op": "remove", "path": "members[display eq \"nobody\"]"]])
                )
                #expect(none.status == 200)
                #expect(none.headers[.eTag] == byDisplay.headers[.eTag])

                let byType = try await c.patch(
                    "/scim/v2/default/Groups/\(g)",
                    token: token,
                    Bodies.patch([["op": "remove", "path": "members[type eq \"User\"]"]])
                )
                #expect(byType.status == 200)
                #expect(try await memberIDs(g, c, token: token) == [inner])

                // The users' groups follow their edges.
                let user = try await c.get("/scim/v2/default/Users/\(users[0])", token: token)
                #expect(user.body?["groups"]?.arrayValue?.isEmpty ?? true)
            }
        }
    }

    @Test func filteredMemberOperationsAndOtherAttributesCommitTogether() async throws {
        try await withTestBridge { bridge in
            let token = try await bridge.channel("default")
            let users = try await seedUsers(2, prefix: "both", bridge)
            try await bridge.run { c in
                let g = try #require(
                    try await c.post("/scim/v2/default/Groups", token: token, Bodies.group("Before", members: users))
                        .body?["id"]?.stringValue
                )
                let r = try await c.patch(
                    "/scim/v2/default/Groups/\(g)",
                    token: token,
                    Bodies.patch([
                        ["op": "replace", "path": "displayName", "value": "After"],
                        ["op": "remove", "path": "members[display eq \"both0\"]"],
                    ])
                )
                #expect(r.status == 200)
                #expect(r.body?["displayName"]?.stringValue == "After")
                #expect(try await memberIDs(g, c, token: token) == [users[1]])
            }
        }
    }

    @Test func filteredMemberOperationErrorsAreSCIMErrors() async throws {
        try await withTestBridge { bridge in
            let token = try await bridge.channel("default")
            let users = try await seedUsers(1, prefix: "err", bridge)
            try await bridge.run { c in
                let g = try #require(
                    try await c.post("/scim/v2/default/Groups", token: token, Bodies.group("Errors", members: users))
                        .body?["id"]?.stringValue
                )
                let before = try await c.get("/scim/v2/default/Groups/\(g)", token: token)
                // A replace whose filter selects no member: 400 noTarget (RFC 7644 §3.5.2.3), nothing written.
                let noTarget = try await c.patch(
                    "/scim/v2/default/Groups/\(g)",
                    token: token,
                    Bodies.patch([
                        ["op": "replace", "path": "displayName", "value": "Renamed"],
                        ["op": "replace", "path": "members[display eq \"nobody\"].value", "value": .string(users[0])],
                    ])
                )
                #expect(noTarget.status == 400)
                #expect(noTarget.scimType == "noTarget")
                let after = try await c.get("/scim/v2/default/Groups/\(g)", token: token)
                #expect(after.headers[.eTag] == before.headers[.eTag])
                #expect(after.body?["displayName"]?.stringValue == "Errors")

                // An unknown sub-attribute in the filter: 400 invalidFilter or invalidPath, as before.
                let badPath = try await c.patch(
                    "/scim/v2/default/Groups/\(g)",
                    token: token,
                    Bodies.patch([["op": "remove", "path": "members[nonsense eq \"x\"]"]])
                )
                #expect(badPath.status == 400)

                // A missing group is 404 whatever the operation.
                let missing = try await c.patch(
                    "/scim/v2/default/Groups/no-such-group",
                    token: token,
                    Bodies.patch([["op": "remove", "path": "members[display eq \"x\"]"]])
                )
                #expect(missing.status == 404)
            }
        }
    }
}

/// A flag set once, read from any task.
private final class Flag: Sendable {
    private let value = Atomic<Bool>(false)
    var isSet: Bool { value.load(ordering: .acquiring) }
    func set() { value.store(true, ordering: .releasing) }
}
