import Foundation
import GRDB
import Membership
import SCIM
import TestSupport
import Testing

@testable import Store

/// `StoreCopy` moves a SQLite installation into an empty PostgreSQL database: everything the bridge
/// reads comes back the same through the PostgreSQL store's own API. Runs when
/// `SCIM_BRIDGE_TEST_POSTGRES_URL` names a server (`scripts/test-postgres start`).
@Suite(
    "Store: copying SQLite into PostgreSQL",
    .disabled(
        if: StoreBackend.postgresURL == nil,
        "SCIM_BRIDGE_TEST_POSTGRES_URL is unset: no PostgreSQL to copy into (scripts/test-postgres start)"
    )
)
struct StoreCopyTests {
    static let userSchema = SchemaRegistry.standard.resourceSchema(for: "User")!

    /// Runs `body` with an empty SQLite store in a temporary folder, removed afterwards.
    static func withSQLite<T>(_ body: (SQLiteStore) async throws -> T) async throws -> T {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("scim-bridge-copy-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        return try await body(
            try SQLiteStore(path: dir.appendingPathComponent("test.sqlite").path, durability: .normal)
        )
    }

    /// What the filled store holds, by name.
    struct Seeded {
        var channel: Channel
        var other: Channel
        var users: [String]
        var groups: [String]
        var alice: String
        var admins: String
    }

    /// A little of everything the bridge keeps, through the store's API.
    static func seed(_ store: SQLiteStore) async throws -> Seeded {
        let channel = try await store.createChannel(named: "pingone")
        let other = try await store.createChannel(named: "okta")
        // Deleted channels leave gaps the copy keeps.
        _ = try await store.createChannel(named: "gone")
        _ = try await store.deleteChannel(named: "gone")
        try await store.addCredential(
            NewCredential(kind: .bearer, lookupKey: "k3y", secretHash: Array(0..<32), salt: [9, 8, 7, 6]),
            to: channel
        )
        try await store.addCredential(
            NewCredential(kind: .basic, lookupKey: "okta-x", secretHash: [1, 2, 3], salt: [0, 255]),
            to: other
        )
        try await store.setTargets(["acme", "slack"], for: channel)

        let alice = try await store.create(
            .user,
            in: channel,
            resource: [
                "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "Alice",
                "displayName": "Alice Smith", "active": true,
                "emails": [["value": "Alice@Example.com", "primary": true]],
            ],
            members: []
        )
        let bob = try await store.create(.user, in: channel, resource: StoredBodies.user("bob"), members: [])
        let emile = try await store.create(.user, in: channel, resource: StoredBodies.user("Émile"), members: [])
        let carol = try await store.create(.user, in: other, resource: StoredBodies.user("carol"), members: [])
        let admins = try await store.create(
            .group,
            in: channel,
            resource: StoredBodies.group("Admins"),
            members: [alice.id]
        )
        let eng = try await store.create(.group, in: channel, resource: StoredBodies.group("Eng"), members: [])
        // Membership changes stamp the users (SQLite's scim_user_stamp).
        _ = try await store.modify(
            .group,
            id: eng.id,
            in: channel,
            ifMatch: nil,
            membership: .delta(add: [alice.id, bob.id, admins.id], remove: [])
        ) { $0.attributes }
        try await store.delete(.user, id: emile.id, in: channel, ifMatch: nil)

        // The outbox: one delivered, one failing, one dead, the rest pending.
        let now = SCIMDateTime.now
        let due = try await store.dueOutboxEntries(target: "acme", limit: 3, now: now)
        try #require(due.count == 3)
        try await store.completeOutboxEntry(due[0].seq)
        try await store.failOutboxEntry(
            due[1].seq,
            attempts: 2,
            nextAttempt: SCIMDateTime(seconds: now.seconds + 600, nanoseconds: 0),
            error: "503 from acme",
            dead: false
        )
        try await store.failOutboxEntry(due[2].seq, attempts: 8, nextAttempt: now, error: "400 invalid", dead: true)

        try await store.setMapping(
            TargetMapping(
                target: "acme",
                channel: channel,
                kind: .user,
                canonicalID: alice.id,
                targetID: "acme-1",
                origin: .created,
                detail: "Alice"
            )
        )
        try await store.setMapping(
            TargetMapping(
                target: "acme",
                channel: channel,
                kind: .group,
                canonicalID: eng.id,
                targetID: nil,
                origin: .blocked,
                detail: "a group named Eng exists"
            )
        )
        try await store.recordBridgeAdded(target: "acme", channel: channel, group: admins.id, members: [alice.id])
        try await store.appendAudit(
            target: "acme",
            channel: channel,
            action: "adopted",
            resourceKey: "group:\(admins.id)",
            detail: ["policy": "merge", "members": 1]
        )
        try await store.recordReconciled(target: "acme", at: now)
        try await store.recordInitialSync(target: "acme", started: now)
        try await store.recordHealth(target: "acme", health: .failing, error: "timeout", at: now)
        try await store.recordPause(target: "slack", reason: "too many deprovisions", at: now)
        try await store.recordAppliedScope(target: "acme", "fingerprint-1")
        try await store.recordCollisionDecision(
            CollisionDecision(
                target: "acme",
                channel: channel,
                group: eng.id,
                policy: .merge,
                decidedBy: "admin API",
                decidedAt: now
            )
        )
        try await store.recordRequest(toChannel: channel, at: now)
        return Seeded(
            channel: channel,
            other: other,
            users: [alice.id, bob.id, carol.id],
            groups: [admins.id, eng.id],
            alice: alice.id,
            admins: admins.id
        )
    }

    @Test("everything the bridge reads comes back the same from PostgreSQL", arguments: [nil, 2] as [Int?])
    func copiesEverything(pageSize: Int?) async throws {
        try await Self.withSQLite { sqlite in
            let seeded = try await Self.seed(sqlite)
            try await StoreBackend.withPostgresStore { pg in
                let report = try await StoreCopy.copy(from: sqlite, to: pg, pageSize: pageSize)
                let rows = Dictionary(uniqueKeysWithValues: report.tables.map { ($0.name, $0.rows) })
                #expect(rows["channel"] == 2)
                #expect(rows["credential"] == 2)
                #expect(rows["scim_user"] == 3)
                #expect(rows["scim_group"] == 2)
                #expect(rows["membership"] == 4)
                #expect(rows["collision_decision"] == 1)
                #expect(report.foldedUserStamps == 2)
                #expect(report.tables.map(\.name) == CopiedTable.all.map(\.name))

                // Channels and credentials, hashes and salts to the byte.
                #expect(try await pg.channels() == sqlite.channels())
                #expect(try await pg.lastRequests() == sqlite.lastRequests())
                #expect(try await pg.lastRequests().count == 1)
                for (kind, key) in [(CredentialKind.bearer, "k3y"), (.basic, "okta-x")] {
                    let copied = try await pg.credentials(kind: kind, lookupKey: key)
                    let original = try await sqlite.credentials(kind: kind, lookupKey: key)
                    #expect(copied.map(\.secretHash) == original.map(\.secretHash))
                    #expect(copied.map(\.salt) == original.map(\.salt))
                    #expect(copied.map(\.channel) == original.map(\.channel))
                }

                // Users and groups, versions (stamps folded in), times and edges.
                for channel in [seeded.channel, seeded.other] {
                    for kind in [ResourceKind.user, .group] {
                        let a = try await sqlite.query(kind, in: channel, ResourceQuery(count: 100)).resources
                        let b = try await pg.query(kind, in: channel, ResourceQuery(count: 100)).resources
                        #expect(a.map(\.id).sorted() == b.map(\.id).sorted())
                        for r in a {
                            let c = try #require(try await pg.get(kind, id: r.id, in: channel, withEdges: true))
                            let o = try #require(try await sqlite.get(kind, id: r.id, in: channel, withEdges: true))
                            #expect(c.resource.attributes == o.resource.attributes)
                            #expect(c.resource.version == o.resource.version, "\(r.id)")
                            #expect(c.resource.created == o.resource.created)
                            #expect(c.resource.lastModified == o.resource.lastModified)
                            #expect(Set(c.edges ?? []) == Set(o.edges ?? []))
                        }
                    }
                }
                // Alice's row was written once; her version counts the membership changes since.
                #expect(try await pg.get(.user, id: seeded.alice, in: seeded.channel)?.version ?? 0 > 1)

                // Filters on indexed columns find them; uniqueness holds, folded.
                for text in [
                    #"userName eq "ALICE""#, #"emails.value eq "alice@example.COM""#, #"displayName co "smith""#,
                ] {
                    let filter = try FilterResolver.resolve(text, against: Self.userSchema)
                    let found = try await pg.query(.user, in: seeded.channel, ResourceQuery(filter: filter, count: 10))
                    #expect(found.resources.map(\.id) == [seeded.alice], "\(text)")
                }
                do {
                    _ = try await pg.create(
                        .user,
                        in: seeded.channel,
                        resource: StoredBodies.user("aLiCe"),
                        members: []
                    )
                    Issue.record("a userName differing in case only was accepted")
                } catch let error as SCIMError {
                    #expect(error.scimType == .uniqueness)
                }

                // The outbox: states, attempts, errors and order.
                for target in ["acme", "slack"] {
                    #expect(try await pg.outboxCounts(target: target) == sqlite.outboxCounts(target: target))
                    #expect(
                        try await pg.deadOutboxEntries(target: target, limit: 50)
                            == sqlite.deadOutboxEntries(target: target, limit: 50)
                    )
                    for id in seeded.users + seeded.groups {
                        for key in ["user:\(id)", "group:\(id)"] {
                            let a = try await sqlite.outboxHistory(
                                target: target,
                                channel: seeded.channel,
                                resourceKey: key,
                                limit: 50
                            )
                            let b = try await pg.outboxHistory(
                                target: target,
                                channel: seeded.channel,
                                resourceKey: key,
                                limit: 50
                            )
                            #expect(a == b, "\(target) \(key)")
                        }
                    }
                    let later = SCIMDateTime(seconds: SCIMDateTime.now.seconds + 3600, nanoseconds: 0)
                    let a = try await sqlite.dueOutboxEntries(target: target, limit: 100, now: later)
                    let b = try await pg.dueOutboxEntries(target: target, limit: 100, now: later)
                    #expect(a.map(\.seq) == b.map(\.seq))
                    #expect(a.map(\.event) == b.map(\.event))
                }

                // Mappings, the bridge's memberships, the audit log, target state, decisions.
                #expect(Set(try await pg.mappings(target: "acme")) == Set(try await sqlite.mappings(target: "acme")))
                #expect(
                    try await pg.bridgeAddedMembers(target: "acme", channel: seeded.channel, group: seeded.admins)
                        == [seeded.alice]
                )
                #expect(try await pg.auditEntries(target: "acme") == sqlite.auditEntries(target: "acme"))
                #expect(try await pg.auditLog(AuditQuery()) == sqlite.auditLog(AuditQuery()))
                #expect(try await pg.targetStates() == sqlite.targetStates())
                #expect(try await pg.appliedScope(target: "acme") == "fingerprint-1")
                let decision = try await pg.collisionDecision(
                    target: "acme",
                    channel: seeded.channel,
                    group: seeded.groups[1]
                )
                #expect(
                    decision
                        == (try await sqlite.collisionDecision(
                            target: "acme",
                            channel: seeded.channel,
                            group: seeded.groups[1]
                        ))
                )
                #expect(decision?.policy == .merge)

                // New rows get keys past the copied ones (and past the deleted channel's).
                let next = try await pg.createChannel(named: "next")
                #expect(next.key == 4)
                try await pg.enqueue([.userUpserted(id: seeded.alice)], target: "acme", channel: seeded.channel)
                let newest = try await pg.outboxHistory(
                    target: "acme",
                    channel: seeded.channel,
                    resourceKey: "user:\(seeded.alice)",
                    limit: 1
                )
                let copiedMax = try await sqlite.pool.read { db in
                    try Int64.fetchOne(db, sql: "SELECT max(seq) FROM outbox") ?? 0
                }
                #expect(newest.first?.seq == copiedMax + 1)

                // A second copy into the now filled database is refused, and changes nothing.
                await #expect(throws: StoreCopyError.self) { try await StoreCopy.copy(from: sqlite, to: pg) }
                #expect(try await pg.channels().count == 3)
            }
        }
    }

    @Test("a destination holding a channel is refused before anything is written")
    func refusesANonEmptyDestination() async throws {
        try await Self.withSQLite { sqlite in
            _ = try await Self.seed(sqlite)
            try await StoreBackend.withPostgresStore { pg in
                _ = try await pg.createChannel(named: "already-here")
                do {
                    _ = try await StoreCopy.copy(from: sqlite, to: pg)
                    Issue.record("copied into a database holding a channel")
                } catch let error as StoreCopyError {
                    #expect(error == .destinationNotEmpty([.init(name: "channel", rows: 1)]))
                    #expect("\(error)".contains("not empty"))
                }
                #expect(try await pg.channels().map(\.name) == ["already-here"])
            }
        }
    }

    @Test("a row PostgreSQL refuses rolls the whole copy back, leaving the destination empty")
    func aRefusedRowRollsBack() async throws {
        try await Self.withSQLite { sqlite in
            let seeded = try await Self.seed(sqlite)
            // SQLite takes any member kind; PostgreSQL checks it (`member_kind IN ('User', 'Group')`).
            try await sqlite.pool.write { db in
                try db.execute(
                    sql:
                        "INSERT INTO membership (channel_key, group_id, member_id, member_kind) VALUES (?, ?, 'r2', 'Robot')",
                    arguments: [seeded.channel.key, seeded.admins]
                )
            }
            try await StoreBackend.withPostgresStore { pg in
                do {
                    _ = try await StoreCopy.copy(from: sqlite, to: pg)
                    Issue.record("copied a member kind PostgreSQL refuses")
                } catch let error as StoreCopyError {
                    guard case .refused(let table, _, let constraint) = error else {
                        Issue.record("unexpected \(error)")
                        return
                    }
                    #expect(table == "membership")
                    #expect(constraint == "membership_member_kind_check")
                }
                #expect(try await pg.channels().isEmpty)
                #expect(try await pg.credentials(kind: .bearer, lookupKey: "k3y").isEmpty)
                // Nothing half-done stays behind: a copy of the repaired source then succeeds.
                try await sqlite.pool.write { db in
                    try db.execute(sql: "DELETE FROM membership WHERE member_kind = 'Robot'")
                }
                let report = try await StoreCopy.copy(from: sqlite, to: pg)
                #expect(report.tables.first { $0.name == "membership" }?.rows == 4)
            }
        }
    }
}

/// The statements a copy runs, which need no database.
@Suite("Store: the statements of a copy")
struct StoreCopyStatementTests {
    @Test("the statements of a copy: pages by key, inserts keeping identities")
    func statements() throws {
        let outbox = try #require(CopiedTable.all.first { $0.name == "outbox" })
        #expect(outbox.pageSelect(afterCursor: true).hasSuffix("WHERE (seq) > (?) ORDER BY seq LIMIT ?"))
        #expect(outbox.insert(rows: 2).contains("OVERRIDING SYSTEM VALUE VALUES (?"))
        #expect(outbox.insert(rows: 2).filter { $0 == "?" }.count == 2 * outbox.columns.count)
        #expect(!outbox.columns.map(\.name).contains("claimed_until"))
        for table in CopiedTable.all {
            #expect(table.rowsPerInsert * table.columns.count <= 65_535, "\(table.name)")
            #expect(!table.key.isEmpty)
        }
        let user = try #require(CopiedTable.all.first { $0.name == "scim_user" })
        #expect(user.columns.first { $0.name == "version" }?.source == "t.version + COALESCE(s.changes, 0)")
    }
}

/// How long a copy of a mid-sized installation takes: 10,000 users, 1,000 groups of 50 members, their
/// outbox entries. Run on demand (`SCIM_BRIDGE_COPY_MEASURE=1`), with a PostgreSQL server.
@Suite(
    "Store: copying a mid-sized installation",
    .disabled(
        if: StoreBackend.postgresURL == nil || ProcessInfo.processInfo.environment["SCIM_BRIDGE_COPY_MEASURE"] == nil,
        "measured on demand: SCIM_BRIDGE_COPY_MEASURE=1 and SCIM_BRIDGE_TEST_POSTGRES_URL"
    )
)
struct StoreCopyMeasureTests {
    @Test("10,000 users, 1,000 groups, 50,000 memberships")
    func midSized() async throws {
        try await StoreCopyTests.withSQLite { sqlite in
            let channel = try await sqlite.createChannel(named: "c")
            try await sqlite.setTargets(["acme"], for: channel)
            let clock = ContinuousClock()
            let seeding = clock.now
            var users: [String] = []
            for n in 0..<10_000 {
                users.append(
                    try await sqlite.create(.user, in: channel, resource: StoredBodies.user("user\(n)"), members: []).id
                )
            }
            for g in 0..<1_000 {
                let members = (0..<50).map { users[(g * 50 + $0) % users.count] }
                _ = try await sqlite.create(
                    .group,
                    in: channel,
                    resource: StoredBodies.group("group\(g)"),
                    members: members
                )
            }
            print("seeded SQLite in \(clock.now - seeding)")
            try await StoreBackend.withPostgresStore { pg in
                let report = try await StoreCopy.copy(from: sqlite, to: pg)
                let rows = report.tables.map { "\($0.name) \($0.rows)" }.joined(separator: ", ")
                print(
                    "copied \(report.rows) rows in \(report.elapsed): \(rows); stamps folded: \(report.foldedUserStamps)"
                )
                #expect(report.tables.first { $0.name == "membership" }?.rows == 50_000)
                #expect(try await pg.query(.user, in: channel, ResourceQuery(count: 1)).totalResults == 10_000)
            }
        }
    }
}
