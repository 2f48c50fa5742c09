import Foundation
import GRDB
import Membership
import SCIM
import TestSupport
import Testing

@testable import Store

/// A page of groups with their members costs a statement per 500 groups, not one per group.
@Suite("Store: group lists with members")
struct GroupListTests {
    @Test("a page of groups reads every group's members in one statement, as a single group's read orders them")
    func membersOfAPageInOneStatement() async throws {
        try await withTestBridge { bridge in
            let store = bridge.store
            let channel = try await store.createChannel(named: "c")
            let users = try await store.createMany(
                .user,
                in: channel,
                resources: (0..<12).map { StoredBodies.user("u\($0)") }
            )
            let ids = users.map(\.id)
            var groups: [StoredResource] = []
            for g in 0..<6 {
                // Group g holds users 2g..<2g+6 (the last groups fewer); group 5 also holds group 0.
                var members = Array(ids[min(2 * g, ids.count)..<min(2 * g + 6, ids.count)])
                if g == 5 { members.append(groups[0].id) }
                groups.append(
                    try await store.create(.group, in: channel, resource: StoredBodies.group("g\(g)"), members: members)
                )
            }

            bridge.statements.reset()
            let page = try await store.query(.group, in: channel, ResourceQuery(count: 4, withEdges: true))
            let memberReads = bridge.statements.all.filter { $0.contains("FROM membership") }
            #expect(memberReads.count == 1, "\(memberReads)")
            #expect(page.resources.count == 4)
            let edges = try #require(page.edges)
            #expect(Set(edges.keys) == Set(page.resources.map(\.id)), "every group on the page, and only those")
            for group in page.resources {
                let alone = try await store.members(ofGroup: group.id, in: channel)
                #expect(edges[group.id] == alone)
                #expect(edges[group.id]?.isEmpty == false)
            }

            let all = try await store.query(.group, in: channel, ResourceQuery(count: 10, withEdges: true))
            let last = try #require(all.edges?[groups[5].id])
            #expect(last.contains { $0.id == groups[0].id && $0.kind == .group && $0.display == "g0" })
            #expect(last == (try await store.members(ofGroup: groups[5].id, in: channel)))

            bridge.statements.reset()
            let plain = try await store.query(.group, in: channel, ResourceQuery(count: 10))
            #expect(plain.edges == nil)
            #expect(bridge.statements.all.filter { $0.contains("FROM membership") }.isEmpty)
        }
    }

    @Test("more groups than one statement binds are read in batches, and empty groups get an empty list")
    func membersInBatches() async throws {
        try await withTestBridge { bridge in
            let store = bridge.store
            let channel = try await store.createChannel(named: "c")
            let user = try await store.create(.user, in: channel, resource: StoredBodies.user("u"), members: [])
            let n = SQLiteStore.edgeBatch + 20
            let empty = try await store.createMany(
                .group,
                in: channel,
                resources: (0..<n).map { StoredBodies.group("g\($0)") }
            ).map(\.id)
            let full = try await store.create(
                .group,
                in: channel,
                resource: StoredBodies.group("full"),
                members: [user.id]
            )
            let ids = empty + [full.id]

            bridge.statements.reset()
            let members = try await store.pool.read { db in try SQLiteStore.members(ofGroups: ids, in: channel, db) }
            #expect(bridge.statements.all.filter { $0.contains("FROM membership") }.count == 2)
            #expect(members.count == n + 1)
            #expect(members[full.id]?.map(\.id) == [user.id])
            #expect(members[ids[0]]?.isEmpty == true)
        }
    }
}
