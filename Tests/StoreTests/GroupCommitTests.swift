import Foundation
import GRDB
import Membership
import SCIM
import Synchronization
import TestSupport
import Testing

@testable import Store

/// Concurrent writes share commits (`GroupCommit`), yet each succeeds or fails on its own.
@Suite("Store: group commit")
struct GroupCommitTests {
    @Test("a failing write in a shared commit fails alone; the others are committed, in fewer commits than writes")
    func failuresStayInTheirSavepoint() async throws {
        try await withTestBridge { bridge in
            let store = bridge.store
            let channel = try await store.createChannel(named: "c")
            _ = try await store.create(.user, in: channel, resource: StoredBodies.user("taken"), members: [])
            bridge.statements.reset()

            // 60 writes at once: every third reuses the taken userName (409), every third other one is a
            // group naming a member that does not exist, which fails after its group row was inserted.
            let outcomes = try await withThrowingTaskGroup(of: (Int, String?).self) { tasks in
                for i in 0..<60 {
                    tasks.addTask {
                        do {
                            switch i % 3 {
                            case 0:
                                _ = try await store.create(
                                    .user,
                                    in: channel,
                                    resource: StoredBodies.user("taken"),
                                    members: []
                                )
                            case 1:
                                _ = try await store.create(
                                    .group,
                                    in: channel,
                                    resource: StoredBodies.group("g\(i)"),
                                    members: ["no-such-member"]
                                )
                            default:
                                _ = try await store.create(
                                    .user,
                                    in: channel,
                                    resource: StoredBodies.user("u\(i)"),
                                    members: []
                                )
                            }
                            return (i, nil)
                        } catch let e as SCIMError {
                            return (i, e.scimType?.rawValue ?? "\(e.status)")
                        }
                    }
                }
                var all: [Int: String?] = [:]
                for try await (i, error) in tasks { all[i] = error }
                return all
            }
            for i in 0..<60 {
                switch i % 3 {
                case 0: #expect(outcomes[i] == "uniqueness", "write \(i)")
                case 1: #expect(outcomes[i] == "invalidValue", "write \(i)")
                default: #expect(outcomes[i] == .some(nil), "write \(i)")
                }
            }
            let users = try await store.query(.user, in: channel, ResourceQuery(count: 100))
            #expect(users.totalResults == 21)  // "taken" and the 20 new ones
            let groups = try await store.query(.group, in: channel, ResourceQuery(count: 100))
            #expect(groups.totalResults == 0, "a failed group create leaves no row behind")
            let commits = bridge.statements.all.filter { $0.uppercased().hasPrefix("COMMIT") }.count
            #expect(commits >= 1 && commits < 60, "\(commits) commits for 60 concurrent writes")
        }
    }

    @Test("writes that all succeed share a transaction without savepoints")
    func successfulBatchesTakeNoSavepoints() async throws {
        try await withTestBridge { bridge in
            let store = bridge.store
            let channel = try await store.createChannel(named: "c")
            bridge.statements.reset()
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                for i in 0..<20 {
                    tasks.addTask {
                        _ = try await store.create(
                            .user,
                            in: channel,
                            resource: StoredBodies.user("u\(i)"),
                            members: []
                        )
                    }
                }
                try await tasks.waitForAll()
            }
            #expect(try await store.query(.user, in: channel, ResourceQuery(count: 100)).totalResults == 20)
            #expect(!bridge.statements.all.contains { $0.uppercased().hasPrefix("SAVEPOINT") })
        }
    }

    /// SQLite may answer an error (a full disk, an I/O error) by rolling back the whole transaction.
    /// Two writes here do that themselves, with `ROLLBACK`, in a batch of five: the first sends the
    /// batch to its second run (with savepoints), where the second ends the transaction again.
    @Test(
        "a write whose error ends the whole transaction fails its batch, and no later write of it runs outside a transaction"
    )
    func aWriteThatEndsTheTransactionFailsItsBatch() async throws {
        try await withTestBridge { bridge in
            let store = bridge.store
            struct Abort: Error {}
            @Sendable func insert(_ name: String) -> @Sendable (Database) throws -> Void {
                { db in try db.execute(sql: "INSERT INTO channel (name, created) VALUES (?, 0)", arguments: [name]) }
            }
            // The first write holds the writer until the next five have queued up behind it, in order,
            // so that they share the next transaction.
            final class Flag: Sendable { let raised = Mutex(false) }
            let holding = Flag()
            let holder = Task {
                try await store.write { db in
                    holding.raised.withLock { $0 = true }
                    let deadline = ContinuousClock.now + .seconds(20)
                    while store.commits.waiting < 5 && ContinuousClock.now < deadline { usleep(1_000) }
                    try insert("holder")(db)
                }
            }
            while !holding.raised.withLock({ $0 }) { try await Task.sleep(for: .milliseconds(1)) }
            var tasks: [Task<Bool, Never>] = []
            let abort: @Sendable (Database) throws -> Void = { db in
                try db.execute(sql: "ROLLBACK")
                throw Abort()
            }
            let bodies: [@Sendable (Database) throws -> Void] = [
                insert("before"), abort, insert("middle"), abort, insert("after"),
            ]
            for body in bodies {
                let queued = store.commits.waiting
                tasks.append(Task { (try? await store.write(body)) != nil })
                while store.commits.waiting == queued { try await Task.sleep(for: .milliseconds(1)) }
            }
            try await holder.value
            var succeeded: [Bool] = []
            for t in tasks { succeeded.append(await t.value) }
            #expect(succeeded == [false, false, false, false, false])
            let names = try await store.pool.read { db in
                try String.fetchAll(db, sql: "SELECT name FROM channel ORDER BY name")
            }
            #expect(names == ["holder"], "nothing of the aborted batch is written, the write after the abort included")
            // The store goes on: the next write commits.
            try await store.write(insert("later"))
            #expect(
                try await store.pool.read { db in
                    try String.fetchAll(db, sql: "SELECT name FROM channel WHERE name = 'later'")
                } == ["later"]
            )
        }
    }
}

/// The bulk-load path the benchmarks seed with: `createMany` and `importMembers`.
@Suite("Store: bulk import")
struct StoreImportTests {
    @Test("importMembers adds the channel's users, skips unknown ids and duplicates, in one write")
    func importAddsOnlyUsersOfTheChannel() async throws {
        try await withTestBridge { bridge in
            let store = bridge.store
            let channel = try await store.createChannel(named: "c")
            let other = try await store.createChannel(named: "other")
            let users = try await store.createMany(
                .user,
                in: channel,
                resources: (0..<5).map { StoredBodies.user("u\($0)") }
            )
            let stranger = try await store.createMany(
                .user,
                in: other,
                resources: [StoredBodies.user("s")]
            )
            let group = try await store.createMany(
                .group,
                in: channel,
                resources: [StoredBodies.group("g")]
            )[0]

            let ids = users.map(\.id)
            let added = try await store.importMembers(
                group: group.id,
                users: ids + [ids[0], "no-such-id", stranger[0].id],
                in: channel
            )
            #expect(added == 5)
            let members = try await store.members(ofGroup: group.id, in: channel)
            #expect(Set(members.map(\.id)) == Set(ids))
            #expect(try await store.importMembers(group: group.id, users: ids, in: channel) == 0)
        }
    }
}
