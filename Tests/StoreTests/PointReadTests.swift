import Foundation
import Membership
import SCIM
import TestSupport
import Testing

@testable import Store

/// The read path of a GET: point reads on the caller's thread, one snapshot for a user and its
/// groups. (The credential cache in front of the store: AuthCacheTests in ServerTests.)
@Suite("Store: point reads")
struct PointReadTests {
    static let userSchema = SchemaRegistry.standard.resourceSchema(for: "User")!
    static let groupSchema = SchemaRegistry.standard.resourceSchema(for: "Group")!

    @Test("a user and its groups are read on one snapshot, in one statement: by id and by a userName lookup")
    func userAndGroupsShareASnapshot() async throws {
        try await withTestBridge { bridge in
            let store = bridge.store
            let channel = try await store.createChannel(named: "c")
            let alice = try await store.create(.user, in: channel, resource: StoredBodies.user("alice"), members: [])
            let bob = try await store.create(.user, in: channel, resource: StoredBodies.user("bob"), members: [])
            let group = try await store.create(
                .group,
                in: channel,
                resource: StoredBodies.group("g"),
                members: [alice.id]
            )
            let earlier = try await store.create(
                .group,
                in: channel,
                resource: StoredBodies.group("B"),
                members: [alice.id]
            )

            bridge.statements.reset()
            let found = try #require(try await store.get(.user, id: alice.id, in: channel, withEdges: true))
            #expect(found.resource.attributes["userName"] == "alice")
            #expect(found.resource.id == alice.id)
            #expect(found.resource.version == alice.version + 2, "each membership gave the user a new version")
            // Ordered by display name, case-folded, as every list of a user's groups.
            #expect(found.edges?.map(\.id) == [earlier.id, group.id])
            #expect(found.edges?.map(\.display) == ["B", "g"])
            let statements = bridge.statements.all.map { $0.uppercased() }
            #expect(statements.count == 1, "\(statements)")
            #expect(statements.first?.hasPrefix("SELECT") == true, "\(statements)")
            let lonely = try #require(try await store.get(.user, id: bob.id, in: channel, withEdges: true))
            #expect(lonely.resource.attributes["userName"] == "bob")
            #expect(lonely.edges?.isEmpty == true)

            let filter = try FilterResolver.resolve(#"userName eq "ALICE""#, against: Self.userSchema)
            bridge.statements.reset()
            let listed = try await store.query(.user, in: channel, ResourceQuery(filter: filter, withEdges: true))
            #expect(listed.totalResults == 1)
            #expect(listed.resources.map(\.id) == [alice.id])
            #expect(listed.resources.first?.version == found.resource.version)
            #expect(listed.edges?[alice.id]?.map(\.id) == [earlier.id, group.id])
            let lookups = bridge.statements.all.map { $0.uppercased() }
            #expect(lookups.count == 1 && lookups.first?.hasPrefix("SELECT") == true, "\(lookups)")
            let plain = try await store.query(.user, in: channel, ResourceQuery(filter: filter))
            #expect(plain.resources.map(\.id) == [alice.id])
            #expect(plain.edges == nil)
            // Paging still applies to the one match: counted, not returned, past the page.
            let counted = try await store.query(
                .user,
                in: channel,
                ResourceQuery(filter: filter, count: 0, withEdges: true)
            )
            #expect(counted.totalResults == 1 && counted.resources.isEmpty)
            let later = try await store.query(.user, in: channel, ResourceQuery(filter: filter, startIndex: 2))
            #expect(later.totalResults == 1 && later.resources.isEmpty)
            let nobody = try FilterResolver.resolve(#"userName eq "carol""#, against: Self.userSchema)
            let none = try await store.query(.user, in: channel, ResourceQuery(filter: nobody, withEdges: true))
            #expect(none.totalResults == 0 && none.resources.isEmpty && none.edges?.isEmpty == true)
            let byName = try FilterResolver.resolve(#"displayName eq "b""#, against: Self.groupSchema)
            let groups = try await store.query(.group, in: channel, ResourceQuery(filter: byName))
            #expect(groups.totalResults == 1 && groups.resources.map(\.id) == [earlier.id])

            #expect(try await store.get(.user, id: "missing", in: channel, withEdges: true) == nil)
            let withoutEdges = try #require(try await store.get(.group, id: group.id, in: channel, withEdges: false))
            #expect(withoutEdges.edges == nil)
        }
    }

    @Test("reads beyond the point connections, nested or concurrent, fall back to the pool and all succeed")
    func overflowFallsBackToThePool() async throws {
        try await withTestBridge { bridge in
            let store = bridge.store
            let channel = try await store.createChannel(named: "c")
            let alice = try await store.create(.user, in: channel, resource: StoredBodies.user("alice"), members: [])

            // Five reads held at once, one inside the other: the four point connections, then the pool
            // (whose own connections are not reentrant, as GRDB enforces).
            func nested(_ depth: Int) throws -> Int {
                try store.readNow { db in
                    let n = try SQLiteStore.fetch(.user, id: alice.id, in: channel, db) == nil ? 0 : 1
                    return depth == 0 ? n : n + (try nested(depth - 1))
                }
            }
            #expect(try nested(4) == 5)

            let ids = try await withThrowingTaskGroup(of: String?.self) { tasks in
                for _ in 0..<200 {
                    tasks.addTask {
                        try await store.get(.user, id: alice.id, in: channel, withEdges: true)?.resource.id
                    }
                }
                var all: [String?] = []
                for try await id in tasks { all.append(id) }
                return all
            }
            #expect(ids.count == 200 && ids.allSatisfy { $0 == alice.id })
        }
    }

    @Test("only eq on an id, userName, externalId or group displayName is a point lookup")
    func pointLookups() throws {
        func point(_ filter: String, _ kind: ResourceKind) throws -> Bool {
            SQLiteStore.isPointLookup(
                try FilterResolver.resolve(filter, against: kind == .user ? Self.userSchema : Self.groupSchema),
                kind: kind
            )
        }
        #expect(try point(#"userName eq "a""#, .user))
        #expect(try point(#"id eq "a""#, .user))
        #expect(try point(#"externalId eq "a""#, .group))
        #expect(try point(#"displayName eq "a""#, .group))
        #expect(try !point(#"displayName eq "a""#, .user))
        #expect(try !point(#"userName sw "a""#, .user))
        #expect(try !point(#"userName eq "a" or userName eq "b""#, .user))
        #expect(try !point("active eq true", .user))
        #expect(!SQLiteStore.isPointLookup(nil, kind: .user))
    }
}
