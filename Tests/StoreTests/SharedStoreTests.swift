import Foundation
import Membership
import SCIM
import Store
import TestSupport
import Testing

/// What every store must do, whichever backend holds it: each test runs on SQLite and, when
/// `SCIM_BRIDGE_TEST_POSTGRES_URL` is set, on PostgreSQL (`StoreBackend`).
@Suite("Store: the shared suite, on every backend")
struct SharedStoreTests {
    static let userSchema = SchemaRegistry.standard.resourceSchema(for: "User")!

    @Test(
        .disabled(
            if: StoreBackend.postgresURL == nil,
            "SCIM_BRIDGE_TEST_POSTGRES_URL is unset: the shared store suite ran on SQLite only (scripts/test-postgres start)"
        )
    )
    func postgresIsConfigured() async throws {
        let channels = try await StoreBackend.postgres.withStore { store in try await store.channels() }
        #expect(channels.isEmpty)
    }

    // MARK: - Uniqueness

    @Test(
        "userName and group displayName are unique per channel, compared case-insensitively",
        arguments: StoreBackend.available
    )
    func uniquenessIsCaseInsensitivePerChannel(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let a = try await store.createChannel(named: "a")
            let b = try await store.createChannel(named: "b")
            let alice = try await store.create(.user, in: a, resource: StoredBodies.user("Alice"), members: [])
            try await expectUniqueness {
                try await store.create(.user, in: a, resource: StoredBodies.user("aLICE"), members: [])
            }
            // Another channel has a userName space of its own.
            _ = try await store.create(.user, in: b, resource: StoredBodies.user("alice"), members: [])

            _ = try await store.create(.group, in: a, resource: StoredBodies.group("Admins"), members: [])
            try await expectUniqueness {
                try await store.create(.group, in: a, resource: StoredBodies.group("ADMINS"), members: [])
            }
            // A rename onto a taken name is refused too; onto its own name in another case, accepted.
            let bob = try await store.create(.user, in: a, resource: StoredBodies.user("bob"), members: [])
            try await expectUniqueness {
                try await store.modify(.user, id: bob.id, in: a, ifMatch: nil, membership: .none) { _ in
                    StoredBodies.user("ALICE")
                }
            }
            let renamed = try await store.modify(.user, id: alice.id, in: a, ifMatch: nil, membership: .none) { _ in
                StoredBodies.user("ALICE")
            }
            #expect(renamed.attributes["userName"] == "ALICE")
            #expect(renamed.version == 2)
            // A channel name is unique as well.
            try await expectUniqueness { try await store.createChannel(named: "a") }
        }
    }

    func expectUniqueness<T>(_ body: () async throws -> T) async throws {
        do {
            _ = try await body()
            Issue.record("expected 409 uniqueness")
        } catch let error as SCIMError {
            #expect(error.status == 409)
            #expect(error.scimType == .uniqueness)
        }
    }

    // MARK: - Filters and sorting

    /// Five users, three created before `cut` and two after.
    static func seedUsers(_ store: any BridgeStore, _ channel: Channel) async throws -> SCIMDateTime {
        func user(_ name: String, display: String?, emails: [(String, String)], active: Bool?, external: String?)
            -> JSONObject
        {
            var o = StoredBodies.user(name)
            if let display { o["displayName"] = .string(display) }
            if !emails.isEmpty {
                o["emails"] = .array(emails.map { ["value": .string($0.0), "type": .string($0.1)] })
            }
            if let active { o["active"] = .bool(active) }
            if let external { o["externalId"] = .string(external) }
            return o
        }
        for u in [
            user(
                "alice",
                display: "Alice Smith",
                emails: [("alice@Work.example", "work")],
                active: true,
                external: "e1"
            ),
            user("Bob", display: "Bob Jones", emails: [("bob@home.example", "home")], active: false, external: nil),
            user(
                "carol",
                display: "Carol Smith",
                emails: [("carol@work.example", "work"), ("c@home.example", "home")],
                active: true,
                external: nil
            ),
        ] {
            _ = try await store.create(.user, in: channel, resource: u, members: [])
        }
        try await Task.sleep(for: .milliseconds(20))
        let cut = SCIMDateTime.now
        try await Task.sleep(for: .milliseconds(20))
        for u in [
            user("dave_x", display: nil, emails: [], active: nil, external: nil),
            user("Émile", display: "Émile Zola", emails: [("emile@work.example", "work")], active: true, external: nil),
        ] {
            _ = try await store.create(.user, in: channel, resource: u, members: [])
        }
        return cut
    }

    /// Each filter, and the userNames it selects (in id order, compared as sets).
    static let filterCases: [(String, Set<String>)] = [
        (#"userName eq "ALICE""#, ["alice"]),
        (#"userName ne "alice""#, ["Bob", "carol", "dave_x", "Émile"]),
        (#"userName co "A""#, ["alice", "carol", "dave_x"]),
        (#"userName sw "c""#, ["carol"]),
        (#"userName ew "E""#, ["alice", "Émile"]),
        (#"userName sw "dave_""#, ["dave_x"]),
        (#"userName sw "dave%""#, []),
        (#"userName gt "c""#, ["carol", "dave_x", "Émile"]),
        (#"userName le "bob""#, ["alice", "Bob"]),
        (#"displayName pr"#, ["alice", "Bob", "carol", "Émile"]),
        (#"displayName co "smith""#, ["alice", "carol"]),
        (#"displayName eq null"#, ["dave_x"]),
        (#"active eq true"#, ["alice", "carol", "Émile"]),
        (#"not (active eq true)"#, ["Bob", "dave_x"]),
        (#"active ne true"#, ["Bob", "dave_x"]),
        (#"userName eq "bob" or userName eq "carol""#, ["Bob", "carol"]),
        (#"displayName co "Smith" and active eq true"#, ["alice", "carol"]),
        (#"displayName co "Smith" and not (userName sw "a")"#, ["carol"]),
        (#"emails[type eq "work"]"#, ["alice", "carol", "Émile"]),
        (#"emails[type eq "work" and value co "carol"]"#, ["carol"]),
        (#"emails.value sw "ALICE@""#, ["alice"]),
        (#"emails.value eq "C@HOME.example""#, ["carol"]),
        (#"emails pr"#, ["alice", "Bob", "carol", "Émile"]),
        (#"externalId pr"#, ["alice"]),
        (#"externalId eq "e1""#, ["alice"]),
        (#"name.familyName pr or userName eq "bob""#, ["Bob"]),
    ]

    @Test("filters select the same users on every backend", arguments: StoreBackend.available)
    func filtersSelectTheSameUsers(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let channel = try await store.createChannel(named: "c")
            let cut = try await Self.seedUsers(store, channel)
            var cases = Self.filterCases
            cases.append((#"meta.created gt "\#(cut.iso8601)""#, ["dave_x", "Émile"]))
            cases.append((#"meta.created lt "\#(cut.iso8601)""#, ["alice", "Bob", "carol"]))
            cases.append((#"meta.lastModified ge "\#(cut.iso8601)" and active eq true"#, ["Émile"]))
            for (text, expected) in cases {
                let filter = try FilterResolver.resolve(text, against: Self.userSchema)
                let result = try await store.query(.user, in: channel, ResourceQuery(filter: filter, count: 100))
                let names = Set(result.resources.compactMap { $0.attributes["userName"]?.stringValue })
                #expect(names == expected, "\(backend): \(text)")
                #expect(result.totalResults == expected.count, "\(backend): \(text)")
            }
        }
    }

    @Test("sorting and paging give the same pages on every backend", arguments: StoreBackend.available)
    func sortingAndPaging(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let channel = try await store.createChannel(named: "c")
            _ = try await Self.seedUsers(store, channel)
            func page(_ sortBy: String?, _ order: String?, start: Int = 1, count: Int = 100, filter: String? = nil)
                async throws -> [String]
            {
                let q = ResourceQuery(
                    filter: try filter.map { try FilterResolver.resolve($0, against: Self.userSchema) },
                    sort: try SortSpecification.parse(sortBy: sortBy, sortOrder: order, schema: Self.userSchema),
                    startIndex: start,
                    count: count
                )
                return try await store.query(.user, in: channel, q).resources.compactMap {
                    $0.attributes["userName"]?.stringValue
                }
            }
            #expect(try await page("userName", nil) == ["alice", "Bob", "carol", "dave_x", "Émile"])
            #expect(try await page("userName", "descending") == ["Émile", "dave_x", "carol", "Bob", "alice"])
            // Missing values last ascending, first descending.
            #expect(try await page("displayName", nil) == ["alice", "Bob", "carol", "Émile", "dave_x"])
            #expect(try await page("displayName", "descending") == ["dave_x", "Émile", "carol", "Bob", "alice"])
            #expect(try await page("userName", nil, start: 2, count: 2) == ["Bob", "carol"])
            // (Created within one millisecond of each other, the two may come in either order: ties go by id.)
            #expect(Set(try await page("meta.created", nil, start: 4)) == ["dave_x", "Émile"])
            // Sorted by the evaluator (emails.value is not a column), filtered in SQL.
            #expect(
                try await page("emails.value", nil, filter: #"displayName co "smith""#) == ["alice", "carol"]
            )
            let total = try await store.query(.user, in: channel, ResourceQuery(count: 0)).totalResults
            #expect(total == 5)
        }
    }

    // MARK: - Membership, versions and If-Match

    @Test(
        "a membership PATCH changes the edges by its delta and bumps the versions of what changed",
        arguments: StoreBackend.available
    )
    func membershipDelta(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let channel = try await store.createChannel(named: "c")
            var ids: [String] = []
            for i in 0..<5 {
                ids.append(
                    try await store.create(.user, in: channel, resource: StoredBodies.user("u\(i)"), members: []).id
                )
            }
            let group = try await store.create(
                .group,
                in: channel,
                resource: StoredBodies.group("g"),
                members: Array(ids[0..<3])
            )
            let u3Before = try #require(try await store.get(.user, id: ids[3], in: channel))
            let u4Before = try #require(try await store.get(.user, id: ids[4], in: channel))
            let changed = try await store.modify(
                .group,
                id: group.id,
                in: channel,
                ifMatch: group.etag,
                membership: .delta(add: [ids[3], ids[0]], remove: [ids[1], "absent"])
            ) { $0.attributes }
            #expect(changed.version == group.version + 1)
            #expect(
                try await store.members(ofGroup: group.id, in: channel).map(\.id) == [ids[0], ids[2], ids[3]].sorted()
            )
            // The user added has a new version (its groups changed); one untouched keeps its own.
            #expect(try await store.get(.user, id: ids[3], in: channel)?.version == u3Before.version + 1)
            #expect(try await store.get(.user, id: ids[4], in: channel)?.version == u4Before.version)
            #expect(try await store.groups(ofMember: ids[3], in: channel).map(\.id) == [group.id])

            // A change that changes nothing leaves the version alone.
            let same = try await store.modify(
                .group,
                id: group.id,
                in: channel,
                ifMatch: nil,
                membership: .delta(add: [ids[0]], remove: [ids[1]])
            ) { $0.attributes }
            #expect(same.version == changed.version)

            // An unknown member refuses the whole change.
            await #expect(throws: SCIMError.self) {
                try await store.modify(
                    .group,
                    id: group.id,
                    in: channel,
                    ifMatch: nil,
                    membership: .delta(add: [ids[4], "nobody"], remove: [])
                ) { $0.attributes }
            }
            #expect(try await store.members(ofGroup: group.id, in: channel).count == 3)

            // replaceAll: exactly these members.
            _ = try await store.modify(
                .group,
                id: group.id,
                in: channel,
                ifMatch: nil,
                membership: .replaceAll([ids[4], ids[0]])
            ) { $0.attributes }
            #expect(try await store.members(ofGroup: group.id, in: channel).map(\.id) == [ids[0], ids[4]].sorted())

            // Deleting a user removes its edges and bumps its groups.
            let before = try #require(try await store.get(.group, id: group.id, in: channel))
            try await store.delete(.user, id: ids[4], in: channel, ifMatch: nil)
            #expect(try await store.members(ofGroup: group.id, in: channel).map(\.id) == [ids[0]])
            #expect(try await store.get(.group, id: group.id, in: channel)?.version == before.version + 1)
        }
    }

    @Test(
        "a resource read with its edges lists them in order, with kinds and displays",
        arguments: StoreBackend.available
    )
    func aResourceReadWithItsEdgesListsThemInOrder(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let channel = try await store.createChannel(named: "edges")
            let ada = try await store.create(.user, in: channel, resource: StoredBodies.user("ada"), members: [])
            var named = StoredBodies.user("bob")
            named["displayName"] = "Bob Builder"
            let bob = try await store.create(.user, in: channel, resource: named, members: [])
            let lonely = try await store.create(.user, in: channel, resource: StoredBodies.user("lonely"), members: [])
            let inner = try await store.create(.group, in: channel, resource: StoredBodies.group("inner"), members: [])
            // Created out of name order: a user's groups come back by group name, case-insensitively.
            let zeta = try await store.create(
                .group,
                in: channel,
                resource: StoredBodies.group("Zeta"),
                members: [ada.id]
            )
            let alpha = try await store.create(
                .group,
                in: channel,
                resource: StoredBodies.group("alpha"),
                members: [bob.id, ada.id, inner.id]
            )

            let user = try #require(try await store.get(.user, id: ada.id, in: channel, withEdges: true))
            #expect(user.resource.attributes["userName"] == "ada")
            #expect(user.edges?.map(\.id) == [alpha.id, zeta.id])
            #expect(user.edges?.map(\.display) == ["alpha", "Zeta"])
            #expect(user.edges?.allSatisfy { $0.kind == .group } == true)

            // A group's members come back by member id, each with its kind and display (a user's
            // displayName, else its userName; a group's displayName).
            let group = try #require(try await store.get(.group, id: alpha.id, in: channel, withEdges: true))
            let expected: [(String, ResourceKind, String)] = [
                (bob.id, .user, "Bob Builder"), (ada.id, .user, "ada"), (inner.id, .group, "inner"),
            ].sorted { $0.0 < $1.0 }
            #expect(group.edges?.map(\.id) == expected.map(\.0))
            #expect(group.edges?.map(\.kind) == expected.map(\.1))
            #expect(group.edges?.map(\.display) == expected.map(\.2))
            #expect(try await store.members(ofGroup: alpha.id, in: channel) == group.edges)

            // No edges: an empty list, not nil; an unknown id: nothing.
            #expect(try await store.get(.user, id: lonely.id, in: channel, withEdges: true)?.edges == [])
            #expect(try await store.get(.group, id: inner.id, in: channel, withEdges: true)?.edges == [])
            #expect(try await store.get(.user, id: "no-such-id", in: channel, withEdges: true) == nil)
            let plain = try #require(try await store.get(.group, id: alpha.id, in: channel, withEdges: false))
            #expect(plain.edges == nil)
        }
    }

    @Test(
        "a channel keeps its identity provider's latest request, whatever order replicas write in",
        arguments: StoreBackend.available
    )
    func aChannelKeepsItsLatestRequest(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let a = try await store.createChannel(named: "a")
            _ = try await store.createChannel(named: "b")
            #expect(try await store.lastRequests().isEmpty)
            let t1 = SCIMDateTime(seconds: 1_800_000_000, nanoseconds: 125_000_000)
            try await store.recordRequest(toChannel: a, at: t1)
            try await store.recordRequest(toChannel: a, at: SCIMDateTime(seconds: 1_700_000_000))
            #expect(try await store.lastRequests() == ["a": t1], "an earlier time, written late, is ignored")
            let t2 = SCIMDateTime(seconds: 1_800_000_001)
            try await store.recordRequest(toChannel: a, at: t2)
            #expect(try await store.lastRequests() == ["a": t2])
        }
    }

    @Test(
        "pruning deletes delivered and settled entries older than the cutoff, oldest first, never pending or dead",
        arguments: StoreBackend.available
    )
    func pruningKeepsWhatIsStillToDo(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let channel = try await store.createChannel(named: "c")
            try await store.setTargets(["t"], for: channel)
            var ids: [String] = []
            for name in ["a", "b", "c", "d", "e", "f"] {
                ids.append(
                    try await store.create(.user, in: channel, resource: StoredBodies.user(name), members: []).id
                )
            }
            let due = try await store.dueOutboxEntries(target: "t", limit: 10, now: .now)
            #expect(due.count == 6)
            // Three delivered, one dead, one dead then settled, one still pending.
            for e in due.prefix(3) { try await store.completeOutboxEntry(e.seq) }
            try await store.failOutboxEntry(due[3].seq, attempts: 9, nextAttempt: .now, error: "400", dead: true)
            try await store.failOutboxEntry(due[4].seq, attempts: 9, nextAttempt: .now, error: "400", dead: true)
            let settled = try await store.settleDeadOutboxEntries(
                target: "t",
                channel: channel,
                resourceKeys: [due[4].resourceKey]
            )
            #expect(settled.map(\.seq) == [due[4].seq])
            #expect(try await store.outboxCounts(target: "t") == ["done": 3, "dead": 1, "settled": 1, "pending": 1])

            // Nothing finished before an hour ago.
            let hourAgo = SCIMDateTime(seconds: SCIMDateTime.now.seconds - 3600)
            #expect(try await store.pruneOutbox(finishedBefore: hourAgo, limit: 100) == 0)
            // Everything finished by now, in batches.
            let later = SCIMDateTime(seconds: SCIMDateTime.now.seconds + 3600)
            #expect(try await store.pruneOutbox(finishedBefore: later, limit: 3) == 3)
            #expect(try await store.pruneOutbox(finishedBefore: later, limit: 3) == 1)
            #expect(try await store.pruneOutbox(finishedBefore: later, limit: 3) == 0)
            #expect(try await store.outboxCounts(target: "t") == ["dead": 1, "pending": 1])
            // The pending entry is still delivered (once its first claim is given back, on PostgreSQL),
            // and the dead one still retried.
            try await store.releaseOutboxClaims([due[5].seq])
            #expect(try await store.dueOutboxEntries(target: "t", limit: 10, now: .now).map(\.seq) == [due[5].seq])
            #expect(try await store.retryDeadOutboxEntries(target: "t") == 1)
        }
    }

    @Test(
        "a channel's first sync is queued once, however many replicas start at once, and not again while it runs",
        arguments: StoreBackend.available
    )
    func theInitialBackfillIsQueuedOnce(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let channel = try await store.createChannel(named: "c")
            var users: [String] = []
            for i in 0..<30 {
                users.append(
                    try await store.create(.user, in: channel, resource: StoredBodies.user("u\(i)"), members: []).id
                )
            }
            _ = try await store.create(.group, in: channel, resource: StoredBodies.group("g"), members: users)
            // Four at once, as replicas starting together: one queues the channel, the others nothing.
            let results = try await withThrowingTaskGroup(of: Int?.self) { tasks in
                for _ in 0..<4 { tasks.addTask { try await store.initialBackfill(target: "t", channel: channel) } }
                return try await tasks.reduce(into: [Int?]()) { $0.append($1) }
            }
            #expect(results.compactMap { $0 } == [31])
            #expect(try await store.outboxCounts(target: "t") == ["pending": 31])
            // Restarted while it runs: nothing more.
            #expect(try await store.initialBackfill(target: "t", channel: channel) == nil)
            // Once delivered, the mappings say the target holds the channel.
            var due = try await store.dueOutboxEntries(target: "t", limit: 100, now: .now)
            while !due.isEmpty {
                for e in due { try await store.completeOutboxEntry(e.seq) }
                due = try await store.dueOutboxEntries(target: "t", limit: 100, now: .now)
            }
            try await store.setMapping(
                TargetMapping(
                    target: "t",
                    channel: channel,
                    kind: .user,
                    canonicalID: users[0],
                    targetID: "x0",
                    origin: .created
                )
            )
            #expect(try await store.initialBackfill(target: "t", channel: channel) == nil)
            // Another target starts from nothing.
            #expect(try await store.initialBackfill(target: "other", channel: channel) == 31)
        }
    }

    @Test("If-Match: a stale version is refused with 412 and changes nothing", arguments: StoreBackend.available)
    func ifMatch(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let channel = try await store.createChannel(named: "c")
            let user = try await store.create(.user, in: channel, resource: StoredBodies.user("u"), members: [])
            let renamed: JSONObject = {
                var o = StoredBodies.user("u")
                o["displayName"] = "U"
                return o
            }()
            let next = try await store.modify(.user, id: user.id, in: channel, ifMatch: user.etag, membership: .none) {
                _ in renamed
            }
            #expect(next.version == 2)
            for stale in [user.etag, #"W/"99""#] {
                do {
                    _ = try await store.modify(.user, id: user.id, in: channel, ifMatch: stale, membership: .none) {
                        _ in StoredBodies.user("v")
                    }
                    Issue.record("expected 412")
                } catch let error as SCIMError {
                    #expect(error.status == 412)
                }
            }
            await #expect(throws: SCIMError.self) {
                try await store.delete(.user, id: user.id, in: channel, ifMatch: user.etag)
            }
            #expect(try await store.get(.user, id: user.id, in: channel)?.attributes["userName"] == "u")
            try await store.delete(.user, id: user.id, in: channel, ifMatch: next.etag)
            #expect(try await store.get(.user, id: user.id, in: channel) == nil)
        }
    }

    @Test("concurrent PATCHes of one group lose no member", arguments: StoreBackend.available)
    func concurrentPatchesLoseNoMember(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let channel = try await store.createChannel(named: "c")
            var ids: [String] = []
            for i in 0..<40 {
                ids.append(
                    try await store.create(.user, in: channel, resource: StoredBodies.user("u\(i)"), members: []).id
                )
            }
            let group = try await store.create(.group, in: channel, resource: StoredBodies.group("g"), members: [])
            let users = ids
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                for lane in 0..<2 {
                    tasks.addTask {
                        for id in users.enumerated().filter({ $0.offset % 2 == lane }).map(\.element) {
                            _ = try await store.modify(
                                .group,
                                id: group.id,
                                in: channel,
                                ifMatch: nil,
                                membership: .delta(add: [id], remove: [])
                            ) { $0.attributes }
                        }
                    }
                }
                try await tasks.waitForAll()
            }
            #expect(Set(try await store.members(ofGroup: group.id, in: channel).map(\.id)) == Set(ids))
            #expect(try await store.get(.group, id: group.id, in: channel)?.version == 41)
        }
    }

    // MARK: - Outbox

    @Test("the outbox delivers one entry of a resource at a time, in order", arguments: StoreBackend.available)
    func outboxOrderPerResource(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let channel = try await store.createChannel(named: "c")
            try await store.setTargets(["t"], for: channel)
            let user = try await store.create(.user, in: channel, resource: StoredBodies.user("u"), members: [])
            let other = try await store.create(.user, in: channel, resource: StoredBodies.user("o"), members: [])
            _ = try await store.modify(.user, id: user.id, in: channel, ifMatch: nil, membership: .none) { _ in
                StoredBodies.user("u2")
            }
            try await store.delete(.user, id: user.id, in: channel, ifMatch: nil)
            var delivered: [ChangeEvent] = []
            var now = SCIMDateTime.now
            for _ in 0..<10 {
                let due = try await store.dueOutboxEntries(target: "t", limit: 10, now: now)
                if due.isEmpty { break }
                // Never two entries of one resource at once.
                #expect(Set(due.map(\.resourceKey)).count == due.count)
                for e in due where e.resourceKey == "user:\(user.id)" {
                    delivered.append(e.event)
                }
                for e in due { try await store.completeOutboxEntry(e.seq) }
                now = SCIMDateTime(seconds: now.seconds + 1, nanoseconds: 0)
            }
            #expect(delivered == [.userUpserted(id: user.id), .userUpserted(id: user.id), .userDeleted(id: user.id)])
            #expect(try await store.outboxCounts(target: "t") == ["done": 4])
            _ = other

            // A failed entry holds back the later entries of its resource until it is due again.
            _ = try await store.modify(.user, id: other.id, in: channel, ifMatch: nil, membership: .none) { _ in
                StoredBodies.user("o2")
            }
            _ = try await store.modify(.user, id: other.id, in: channel, ifMatch: nil, membership: .none) { _ in
                StoredBodies.user("o3")
            }
            let first = try #require(try await store.dueOutboxEntries(target: "t", limit: 10, now: now).first)
            let later = SCIMDateTime(seconds: now.seconds + 3600, nanoseconds: 0)
            try await store.failOutboxEntry(first.seq, attempts: 1, nextAttempt: later, error: "503", dead: false)
            #expect(try await store.dueOutboxEntries(target: "t", limit: 10, now: now).isEmpty)
            let retried = try await store.dueOutboxEntries(target: "t", limit: 10, now: later)
            #expect(retried.map(\.seq) == [first.seq])
            #expect(retried.first?.attempts == 1)
            #expect(retried.first?.lastError == "503")
        }
    }

    @Test("replicas starting together migrate the PostgreSQL schema once", arguments: StoreBackend.postgresOnly)
    func concurrentMigrationsApplyOnce(_ backend: StoreBackend) async throws {
        let applied = try await StoreBackend.withPostgresSchema { config in
            try await withThrowingTaskGroup(of: [Int].self) { tasks in
                for _ in 0..<3 {
                    tasks.addTask {
                        try await PostgresStore(configuration: config, logger: StoreBackend.quiet).withRunning(
                            migrate: false
                        ) { try await $0.migrate() }
                    }
                }
                var all: [[Int]] = []
                for try await versions in tasks { all.append(versions) }
                return all
            }
        }
        #expect(applied.filter { !$0.isEmpty }.count == 1, "\(applied)")
        #expect(applied.flatMap { $0 }.sorted() == Array(1...applied.flatMap { $0 }.count))
    }

    @Test("two concurrent claimers never get the same outbox entry", arguments: StoreBackend.postgresOnly)
    func concurrentClaimsAreDisjoint(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let channel = try await store.createChannel(named: "c")
            let keys = 200
            try await store.enqueue(
                (0..<keys).map { ChangeEvent.userUpserted(id: "u\($0)") },
                target: "t",
                channel: channel
            )
            // Two more entries of u0: never eligible while its first is pending.
            try await store.enqueue([.userDeleted(id: "u0"), .userUpserted(id: "u0")], target: "t", channel: channel)
            let now = SCIMDateTime.now
            let claims = try await withThrowingTaskGroup(of: [Int64].self) { tasks in
                for _ in 0..<4 {
                    tasks.addTask {
                        var mine: [Int64] = []
                        while true {
                            let due = try await store.dueOutboxEntries(target: "t", limit: 7, now: now)
                            if due.isEmpty { return mine }
                            mine += due.map(\.seq)
                        }
                    }
                }
                var all: [[Int64]] = []
                for try await claimed in tasks { all.append(claimed) }
                return all
            }
            let flat = claims.flatMap { $0 }
            #expect(flat.count == keys, "every first entry of a key claimed once")
            #expect(Set(flat).count == flat.count, "no entry claimed twice")
            // Claimed entries wait for their lease; once it has run out they return to the pool.
            #expect(try await store.dueOutboxEntries(target: "t", limit: 500, now: now).isEmpty)
            let expired = SCIMDateTime(seconds: now.seconds + 3600, nanoseconds: 0)
            #expect(try await store.dueOutboxEntries(target: "t", limit: 500, now: expired).count == keys)
        }
    }

    @Test("the audit log reads by target, resource, time and page, newest first", arguments: StoreBackend.available)
    func auditLogFilters(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let channel = try await store.createChannel(named: "c")
            for i in 0..<5 {
                try await store.appendAudit(
                    target: i % 2 == 0 ? "a" : "b",
                    channel: channel,
                    action: "created",
                    resourceKey: "user:u\(i % 3)",
                    detail: ["n": .integer(Int64(i))]
                )
            }
            let all = try await store.auditLog(AuditQuery(limit: 10))
            #expect(all.map { $0.detail["n"]?.integerValue } == [4, 3, 2, 1, 0] as [Int64?], "newest first")
            #expect(
                try await store.auditLog(AuditQuery(target: "a")).map { $0.detail["n"]?.integerValue } == [4, 2, 0]
            )
            #expect(
                try await store.auditLog(AuditQuery(target: "a", resourceKey: "user:u0")).map {
                    $0.detail["n"]?.integerValue
                } == [0]
            )
            let page = try await store.auditLog(AuditQuery(limit: 2))
            let next = try await store.auditLog(AuditQuery(before: page.last?.seq, limit: 2))
            #expect(next.map { $0.detail["n"]?.integerValue } == [2, 1])
            let later = SCIMDateTime(seconds: SCIMDateTime.now.seconds + 60, nanoseconds: 0)
            #expect(try await store.auditLog(AuditQuery(since: later)).isEmpty)
            #expect(try await store.auditLog(AuditQuery(until: later)).count == 5)
        }
    }

    @Test(
        "a resource's outbox history, newest first, with when each change was queued",
        arguments: StoreBackend.available
    )
    func outboxHistoryOfOneResource(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let channel = try await store.createChannel(named: "c")
            try await store.enqueue(
                [.userUpserted(id: "u1"), .userUpserted(id: "u2"), .userDeleted(id: "u1")],
                target: "t",
                channel: channel
            )
            let history = try await store.outboxHistory(
                target: "t",
                channel: channel,
                resourceKey: "user:u1",
                limit: 10
            )
            #expect(
                history.map(\.event.type) == [
                    ChangeEvent.userDeleted(id: "u1").type, ChangeEvent.userUpserted(id: "u1").type,
                ]
            )
            #expect(history.allSatisfy { $0.created != nil && $0.state == .pending })
            #expect(
                try await store.outboxHistory(target: "other", channel: channel, resourceKey: "user:u1", limit: 10)
                    .isEmpty
            )
        }
    }

    @Test("one reconciliation of a target at a time", arguments: StoreBackend.available)
    func reconciliationLockIsExclusive(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let (inside, release) = AsyncStream.makeStream(of: Void.self)
            let first = Task {
                defer { release.finish() }
                return try await store.withReconciliationLock(target: "t") {
                    release.yield()
                    try await Task.sleep(for: .milliseconds(500))
                }
            }
            for await _ in inside { break }
            let whileHeld = try await store.withReconciliationLock(target: "t") {}
            let otherTarget = try await store.withReconciliationLock(target: "other") {}
            #expect(!whileHeld, "held by the first pass")
            #expect(otherTarget, "another target is free")
            #expect(try await first.value == true)
            let afterwards = try await store.withReconciliationLock(target: "t") {}
            #expect(afterwards, "free once the first ended")
        }
    }

    @Test(
        "two stores on one database share the advisory lock and the rate budget",
        arguments: StoreBackend.postgresOnly
    )
    func replicasShareTheLockAndTheBudget(_ backend: StoreBackend) async throws {
        try await StoreBackend.withPostgresSchema { config in
            let one = PostgresStore(configuration: config, logger: StoreBackend.quiet)
            let two = PostgresStore(configuration: config, logger: StoreBackend.quiet)
            try await one.withRunning { one in
                try await two.withRunning(migrate: false) { two in
                    let (inside, entered) = AsyncStream.makeStream(of: Void.self)
                    let holder = Task {
                        defer { entered.finish() }
                        return try await one.withReconciliationLock(target: "t") {
                            entered.yield()
                            try await Task.sleep(for: .milliseconds(500))
                        }
                    }
                    for await _ in inside { break }
                    let whileHeld = try await two.withReconciliationLock(target: "t") {}
                    #expect(!whileHeld, "held by the other replica")
                    #expect(try await holder.value)
                    let afterwards = try await two.withReconciliationLock(target: "t") {}
                    #expect(afterwards)

                    // One a minute with a burst of 3: the two replicas together get 3 calls, then wait about a
                    // minute for the next, whichever asks (a minute, so that a slow machine cannot refill it
                    // between the calls).
                    let interval = Duration.seconds(60)
                    var taken = 0
                    for store in [one, two, one, two] {
                        if try await store.takeFromRateBudget(target: "t", interval: interval, burst: 3) == nil {
                            taken += 1
                        }
                    }
                    #expect(taken == 3, "the burst is shared, not one per replica")
                    let wait = try #require(try await two.takeFromRateBudget(target: "t", interval: interval, burst: 3))
                    #expect(wait > .seconds(30) && wait <= .seconds(60), "\(wait)")
                    #expect(try await one.takeFromRateBudget(target: "other", interval: interval, burst: 3) == nil)
                }
            }
        }
    }
}
