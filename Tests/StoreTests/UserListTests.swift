import Foundation
import GRDB
import Membership
import SCIM
import TestSupport
import Testing

@testable import Store

/// A page of users with their groups costs a statement per 500 users, not one per user.
@Suite("Store: user lists with groups")
struct UserListTests {
    @Test("a page of users reads every user's groups in one statement, each list ordered by group name")
    func groupsOfAPageInOneStatement() async throws {
        try await withTestBridge { bridge in
            let store = bridge.store
            let channel = try await store.createChannel(named: "c")
            let users = try await store.createMany(
                .user,
                in: channel,
                resources: (0..<30).map { StoredBodies.user("u\($0)") }
            )
            let ids = users.map(\.id)
            let b = try await store.create(
                .group,
                in: channel,
                resource: StoredBodies.group("b"),
                members: Array(ids[0..<20])
            )
            let a = try await store.create(
                .group,
                in: channel,
                resource: StoredBodies.group("A"),
                members: Array(ids[10..<30])
            )

            bridge.statements.reset()
            let page = try await store.query(.user, in: channel, ResourceQuery(count: 25, withEdges: true))
            let groupReads = bridge.statements.all.filter { $0.contains("FROM membership") }
            #expect(groupReads.count == 1, "\(groupReads)")
            #expect(page.resources.count == 25)
            let groups = try #require(page.edges)
            #expect(Set(groups.keys) == Set(page.resources.map(\.id)), "every user on the page, and only those")
            for user in page.resources {
                let i = try #require(ids.firstIndex(of: user.id))
                // Users in both groups list them by name, case-folded: "A" before "b".
                let expected = i < 10 ? [b] : i < 20 ? [a, b] : [a]
                #expect(groups[user.id]?.map(\.id) == expected.map(\.id))
                #expect(groups[user.id]?.map(\.display) == expected.map { $0.attributes["displayName"]?.stringValue })
            }
        }
    }

    @Test("more users than one statement binds are read in batches, and users without groups get an empty list")
    func groupsInBatches() async throws {
        try await withTestBridge { bridge in
            let store = bridge.store
            let channel = try await store.createChannel(named: "c")
            let n = SQLiteStore.edgeBatch + 20
            let ids = try await store.createMany(
                .user,
                in: channel,
                resources: (0..<n).map { StoredBodies.user("u\($0)") }
            ).map(\.id)
            let group = try await store.create(
                .group,
                in: channel,
                resource: StoredBodies.group("g"),
                members: [ids[0], ids[n - 1]]
            )

            bridge.statements.reset()
            let groups = try await store.pool.read { db in try SQLiteStore.groups(ofMembers: ids, in: channel, db) }
            #expect(bridge.statements.all.filter { $0.contains("FROM membership") }.count == 2)
            #expect(groups.count == n)
            #expect(groups[ids[0]]?.map(\.id) == [group.id] && groups[ids[n - 1]]?.map(\.id) == [group.id])
            #expect(groups[ids[1]]?.isEmpty == true)
        }
    }
}
