import Foundation
import Membership
import SCIM
import TestSupport
import Testing

@testable import Store

/// Membership edges are written in batches of `SQLiteStore.edgeBatch` ids per statement.
@Suite("Store: membership edges in batches")
struct EdgeBatchTests {
    func users(_ n: Int, in channel: Channel, _ store: SQLiteStore) async throws -> [String] {
        try await store.createMany(
            .user,
            in: channel,
            resources: (0..<n).map { StoredBodies.user("u\($0)") }
        ).map(\.id)
    }

    @Test("adding and removing 1,200 members takes a few statements per 500, and stamps exactly the users changed")
    func largeDeltasAreBatched() async throws {
        try await withTestBridge { bridge in
            let store = bridge.store
            let channel = try await store.createChannel(named: "c")
            let ids = try await users(1_300, in: channel, store)
            let group = try await store.create(
                .group,
                in: channel,
                resource: StoredBodies.group("g"),
                members: Array(ids[0..<100])
            )

            bridge.statements.reset()
            _ = try await store.modify(
                .group,
                id: group.id,
                in: channel,
                ifMatch: nil,
                membership: .delta(add: Array(ids[0..<1_200]), remove: [])
            ) { $0.attributes }
            let writes = bridge.statements.all.filter { $0.uppercased().hasPrefix("INSERT OR IGNORE INTO MEMBERSHIP") }
            #expect(writes.count == 3, "1,200 ids in batches of 500")
            // Each new user member gets one stamp (a row each, see `stampUsers`); nothing else is per member.
            let stamps = bridge.statements.all.filter { $0.hasPrefix("INSERT INTO scim_user_stamp") }
            #expect(stamps.count == 1_100)
            #expect(
                bridge.statements.all.count - stamps.count < 30,
                "\(bridge.statements.all.count - stamps.count) statements"
            )
            #expect(!bridge.statements.all.contains { $0.hasPrefix("UPDATE scim_user") }, "no user row is rewritten")
            #expect(try await store.members(ofGroup: group.id, in: channel).count == 1_200)

            // Users already members keep their version; the 1,100 new ones have a new one.
            let old = try #require(try await store.get(.user, id: ids[0], in: channel))
            let new = try #require(try await store.get(.user, id: ids[150], in: channel))
            let outside = try #require(try await store.get(.user, id: ids[1_250], in: channel))
            #expect(old.version == 2 && new.version == 2 && outside.version == 1)

            _ = try await store.modify(
                .group,
                id: group.id,
                in: channel,
                ifMatch: nil,
                membership: .delta(add: [], remove: Array(ids[600..<1_300]))
            ) { $0.attributes }
            #expect(
                try await store.members(ofGroup: group.id, in: channel).map(\.id).sorted()
                    == Array(ids[0..<600]).sorted()
            )
            #expect(try await store.get(.user, id: ids[700], in: channel)?.version == 3)
            #expect(try await store.get(.user, id: ids[1_250], in: channel)?.version == 1, "not a member: untouched")
        }
    }

    @Test("an unknown id in the second batch refuses the whole change, naming the id")
    func unknownMemberRefusesAll() async throws {
        try await withTestBridge { bridge in
            let store = bridge.store
            let channel = try await store.createChannel(named: "c")
            var ids = try await users(800, in: channel, store)
            ids.insert("no-such-member", at: 650)
            let group = try await store.create(
                .group,
                in: channel,
                resource: StoredBodies.group("g"),
                members: []
            )
            do {
                _ = try await store.modify(
                    .group,
                    id: group.id,
                    in: channel,
                    ifMatch: nil,
                    membership: .delta(add: ids, remove: [])
                ) {
                    $0.attributes
                }
                Issue.record("an unknown member was accepted")
            } catch let error as SCIMError {
                #expect(error.scimType == .invalidValue)
                #expect(error.detail.contains("no-such-member"))
            }
            #expect(try await store.members(ofGroup: group.id, in: channel).isEmpty)
            #expect(try await store.get(.user, id: ids[0], in: channel)?.version == 1)

            // A group may be a member, but not of itself.
            let other = try await store.create(
                .group,
                in: channel,
                resource: StoredBodies.group("h"),
                members: [group.id]
            )
            #expect(try await store.members(ofGroup: other.id, in: channel).map(\.kind) == [.group])
            await #expect(throws: SCIMError.self) {
                try await store.modify(
                    .group,
                    id: group.id,
                    in: channel,
                    ifMatch: nil,
                    membership: .delta(add: [group.id], remove: [])
                ) {
                    $0.attributes
                }
            }
        }
    }
}
