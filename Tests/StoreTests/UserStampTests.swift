import Foundation
import GRDB
import Membership
import SCIM
import TestSupport
import Testing

@testable import Store

/// A user's version and `lastModified` follow its membership changes through `scim_user_stamp`,
/// without its row being rewritten; every read sees the row and the stamp as one.
@Suite("Store: user stamps")
struct UserStampTests {
    static let userSchema = SchemaRegistry.standard.resourceSchema(for: "User")!

    static func stampRows(_ store: SQLiteStore) async throws -> Int {
        try await store.pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM scim_user_stamp") ?? 0 }
    }

    static func rowVersion(_ id: String, _ store: SQLiteStore) async throws -> Int? {
        try await store.pool.read { db in
            try Int.fetchOne(db, sql: "SELECT version FROM scim_user WHERE id = ?", arguments: [id])
        }
    }

    @Test(
        "each membership change gives the user a new version and lastModified, in every read, without rewriting its row"
    )
    func membershipChangesShowInEveryRead() async throws {
        try await withTestBridge { bridge in
            let store = bridge.store
            let channel = try await store.createChannel(named: "c")
            let alice = try await store.create(.user, in: channel, resource: StoredBodies.user("alice"), members: [])
            let bob = try await store.create(.user, in: channel, resource: StoredBodies.user("bob"), members: [])
            try await Task.sleep(for: .milliseconds(5))  // a later lastModified differs
            bridge.statements.reset()
            let group = try await store.create(
                .group,
                in: channel,
                resource: StoredBodies.group("g"),
                members: [alice.id]
            )
            _ = try await store.modify(
                .group,
                id: group.id,
                in: channel,
                ifMatch: nil,
                membership: .delta(add: [], remove: [alice.id])
            ) {
                $0.attributes
            }
            _ = try await store.modify(
                .group,
                id: group.id,
                in: channel,
                ifMatch: nil,
                membership: .delta(add: [alice.id], remove: [])
            ) {
                $0.attributes
            }
            #expect(!bridge.statements.all.contains { $0.hasPrefix("UPDATE scim_user") }, "\(bridge.statements.all)")
            #expect(try await Self.rowVersion(alice.id, store) == 1, "the row keeps its version")

            let read = try #require(try await store.get(.user, id: alice.id, in: channel))
            #expect(read.version == 4, "added, removed, added again")
            #expect(read.lastModified > alice.lastModified)
            #expect(read.created == alice.created)
            let withGroups = try #require(try await store.get(.user, id: alice.id, in: channel, withEdges: true))
            #expect(withGroups.resource.version == 4 && withGroups.resource.lastModified == read.lastModified)
            let byName = try await store.query(
                .user,
                in: channel,
                ResourceQuery(filter: try FilterResolver.resolve(#"userName eq "alice""#, against: Self.userSchema))
            )
            #expect(byName.resources.first?.version == 4 && byName.resources.first?.lastModified == read.lastModified)
            let all = try await store.query(.user, in: channel, ResourceQuery())
            #expect(all.resources.map(\.version) == (alice.id < bob.id ? [4, 1] : [1, 4]))

            // A user no group touched has no stamp.
            #expect(try await store.get(.user, id: bob.id, in: channel)?.version == 1)
            #expect(try await Self.stampRows(store) == 1)
        }
    }

    @Test(
        "writing the user stores the version it was read with plus one and drops the stamp; If-Match compares that version"
    )
    func writingTheRowFoldsTheStampIn() async throws {
        try await withTestBridge { bridge in
            let store = bridge.store
            let channel = try await store.createChannel(named: "c")
            let alice = try await store.create(.user, in: channel, resource: StoredBodies.user("alice"), members: [])
            _ = try await store.create(.group, in: channel, resource: StoredBodies.group("g"), members: [alice.id])
            _ = try await store.create(.group, in: channel, resource: StoredBodies.group("h"), members: [alice.id])
            let stamped = try #require(try await store.get(.user, id: alice.id, in: channel))
            #expect(stamped.version == 3)

            // The row's own version is not the resource's: an If-Match naming it is stale.
            await #expect(throws: SCIMError.self) {
                _ = try await store.modify(.user, id: alice.id, in: channel, ifMatch: alice.etag, membership: .none) {
                    var a = $0.attributes
                    a["displayName"] = "Alice"
                    return a
                }
            }
            let renamed = try await store.modify(
                .user,
                id: alice.id,
                in: channel,
                ifMatch: stamped.etag,
                membership: .none
            ) {
                var a = $0.attributes
                a["displayName"] = "Alice"
                return a
            }
            #expect(renamed.version == 4)
            #expect(try await Self.rowVersion(alice.id, store) == 4)
            #expect(try await Self.stampRows(store) == 0)
            let read = try #require(try await store.get(.user, id: alice.id, in: channel))
            #expect(read.version == 4 && read.lastModified == renamed.lastModified)
            #expect(read.attributes["displayName"] == "Alice")
        }
    }

    @Test("filters and sorting on meta.lastModified see a user's latest membership change")
    func lastModifiedFiltersAndSortsWithTheStamp() async throws {
        try await withTestBridge { bridge in
            let store = bridge.store
            let channel = try await store.createChannel(named: "c")
            let early = try await store.create(.user, in: channel, resource: StoredBodies.user("early"), members: [])
            try await Task.sleep(for: .milliseconds(5))
            let late = try await store.create(.user, in: channel, resource: StoredBodies.user("late"), members: [])
            try await Task.sleep(for: .milliseconds(5))
            _ = try await store.create(.group, in: channel, resource: StoredBodies.group("g"), members: [early.id])
            let stamped = try #require(try await store.get(.user, id: early.id, in: channel))
            #expect(stamped.lastModified > late.lastModified)

            let filter = try FilterResolver.resolve(
                #"meta.lastModified gt "\#(late.lastModified.iso8601)""#,
                against: Self.userSchema
            )
            let newer = try await store.query(.user, in: channel, ResourceQuery(filter: filter))
            #expect(newer.totalResults == 1 && newer.resources.map(\.id) == [early.id])

            let byTime = try SortSpecification.parse(
                sortBy: "meta.lastModified",
                sortOrder: "descending",
                schema: Self.userSchema
            )
            let sorted = try await store.query(.user, in: channel, ResourceQuery(sort: byTime))
            #expect(sorted.resources.map(\.id) == [early.id, late.id])
        }
    }

    @Test("deleting a group stamps its user members; deleting a user or its channel drops its stamp")
    func deletesKeepStampsRight() async throws {
        try await withTestBridge { bridge in
            let store = bridge.store
            let channel = try await store.createChannel(named: "c")
            let alice = try await store.create(.user, in: channel, resource: StoredBodies.user("alice"), members: [])
            let bob = try await store.create(.user, in: channel, resource: StoredBodies.user("bob"), members: [])
            let inner = try await store.create(.group, in: channel, resource: StoredBodies.group("inner"), members: [])
            let group = try await store.create(
                .group,
                in: channel,
                resource: StoredBodies.group("g"),
                members: [alice.id, bob.id, inner.id]
            )
            try await store.delete(.group, id: group.id, in: channel, ifMatch: nil)
            #expect(
                try await store.get(.user, id: alice.id, in: channel)?.version == 3,
                "added, then its group deleted"
            )
            #expect(try await store.get(.group, id: inner.id, in: channel)?.version == 1, "groups are not stamped")
            #expect(try await Self.stampRows(store) == 2)

            try await store.delete(.user, id: alice.id, in: channel, ifMatch: nil)
            #expect(try await Self.stampRows(store) == 1)
            #expect(try await store.deleteChannel(named: "c"))
            #expect(try await Self.stampRows(store) == 0)
        }
    }

    @Test("a store written before stamps existed opens, and its users keep their versions")
    func olderStoreMigrates() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
            "scim-bridge-stamp-\(UUID().uuidString)"
        )
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("bridge.sqlite").path
        do {
            let queue = try DatabaseQueue(path: path)
            try SQLiteMigrations.migrator.migrate(queue, upTo: "v2-outbox-target-mapping-audit")
            try await queue.write { db in
                try db.execute(sql: "INSERT INTO channel (name, created) VALUES ('c', 0)")
                try db.execute(
                    sql: """
                        INSERT INTO scim_user (channel_key, id, user_name_fold, display, attributes, version, created, last_modified)
                        VALUES (1, 'old', 'old', 'old', '{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"old"}', 7, 0, 0)
                        """
                )
            }
        }
        let store = try SQLiteStore(path: path)
        let channel = try #require(try await store.channel(named: "c"))
        #expect(try await store.get(.user, id: "old", in: channel)?.version == 7)
        _ = try await store.create(.group, in: channel, resource: StoredBodies.group("g"), members: ["old"])
        #expect(try await store.get(.user, id: "old", in: channel)?.version == 8)
    }
}
