import Benchmark
import Foundation
import Membership
import SCIM
import Store

// The embedded store at the sizes users bring: lookups among 1,000,000 users, membership PATCHes on
// a 100,000-member group, outbox throughput. Sizes can be lowered for a quick run with
// SCIM_BENCH_USERS (default 1,000,000; the group gets a tenth of them, at most 100,000).

let userCount = ProcessInfo.processInfo.environment["SCIM_BENCH_USERS"].flatMap(Int.init) ?? 1_000_000
let groupSize = min(100_000, max(userCount / 10, 1_000))
let userSchema = SchemaRegistry.standard.resourceSchema(for: "User")!

/// The seeded store: `userCount` users, one group of `groupSize` members, and a spare pool of users
/// that are not members (what ±1,000 adds and removes).
struct Seeded: Sendable {
    static let groupName = "Everyone"
    let store: SQLiteStore
    let channel: Channel
    let group: String
    let outsiders: [String]

    /// Seeds a new store at `path` and closes it.
    static func make(at path: String) async throws {
        let store = try SQLiteStore(path: path, durability: .normal, writerCacheMiB: 1024)
        let channel = try await store.createChannel(named: "bench")
        var ids: [String] = []
        ids.reserveCapacity(userCount)
        let batch = 10_000
        for start in stride(from: 0, to: userCount, by: batch) {
            let users: [JSONObject] = (start..<min(start + batch, userCount)).map { i in
                [
                    "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
                    "userName": .string("user\(i)@example.com"),
                    "externalId": .string("ext-\(i)"), "displayName": .string("User \(i)"), "active": true,
                    "emails": [["value": .string("user\(i)@example.com"), "type": "work", "primary": true]],
                ]
            }
            ids += try await store.createMany(.user, in: channel, resources: users).map(\.id)
        }
        let group = try await store.createMany(
            .group,
            in: channel,
            resources: [
                ["schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": .string(groupName)]
            ]
        )
        _ = try await store.importMembers(group: group[0].id, users: Array(ids.prefix(groupSize)), in: channel)
    }

    /// Opens a seeded store; the outsiders are the last 1,000 users (never in the group).
    static func open(at path: String) async throws -> Seeded {
        let store = try SQLiteStore(path: path, durability: .normal)
        guard let channel = try await store.channel(named: "bench") else { throw CancellationError() }
        let groupSchema = SchemaRegistry.standard.resourceSchema(for: "Group")!
        let group = try await store.query(
            .group,
            in: channel,
            ResourceQuery(
                filter: try FilterResolver.resolve("displayName eq \"\(groupName)\"", against: groupSchema),
                count: 1
            )
        )
        var outsiders: [String] = []
        for i in (userCount - 1_000)..<userCount {
            let found = try await store.query(
                .user,
                in: channel,
                ResourceQuery(
                    filter: try FilterResolver.resolve("userName eq \"user\(i)@example.com\"", against: userSchema),
                    count: 1
                )
            )
            outsiders += found.resources.map(\.id)
        }
        return Seeded(store: store, channel: channel, group: group.resources[0].id, outsiders: outsiders)
    }
}

/// The seeded store, kept on disk between processes (ordo-one/benchmark runs each benchmark in a
/// process of its own, and seeding a million users takes minutes) and opened once per process. The
/// file is built under a temporary name and renamed when complete, so an interrupted seed is never
/// reused. The benchmarks leave it as they found it: every PATCH adds then removes, the outbox drains.
actor SeedCache {
    static let shared = SeedCache()
    static let directory = URL(
        fileURLWithPath: ProcessInfo.processInfo.environment["SCIM_BENCH_DIR"] ?? ".build-bench-store"
    )
    private var opened: Seeded?

    func get() async throws -> Seeded {
        if let opened { return opened }
        let fm = FileManager.default
        try fm.createDirectory(at: Self.directory, withIntermediateDirectories: true)
        let file = Self.directory.appendingPathComponent("store-\(userCount)-users.sqlite")
        if !fm.fileExists(atPath: file.path) {
            let start = ContinuousClock.now
            let building = Self.directory.appendingPathComponent("building-\(UUID().uuidString).sqlite")
            try await Seeded.make(at: building.path)
            try fm.moveItem(at: building, to: file)
            for suffix in ["-wal", "-shm"] where fm.fileExists(atPath: building.path + suffix) {
                try fm.moveItem(atPath: building.path + suffix, toPath: file.path + suffix)
            }
            print("seeded \(userCount) users and a \(groupSize)-member group in \(ContinuousClock.now - start)")
        }
        let s = try await Seeded.open(at: file.path)
        opened = s
        return s
    }
}

func seed() async throws -> Seeded { try await SeedCache.shared.get() }

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .mallocCountTotal, .peakMemoryResident],
        maxDuration: .seconds(3),
        maxIterations: 100_000
    )

    Benchmark(
        "Store: userName eq lookup among \(userCount) users",
        configuration: .init(setup: { _ = try await seed() })
    ) {
        benchmark in
        let s = try await seed()
        for i in benchmark.scaledIterations {
            let name = "user\((i &* 7919) % userCount)@example.com"
            let filter = try FilterResolver.resolve(
                "userName eq \(JSONValue.string(name).serialized())",
                against: userSchema
            )
            blackHole(try await s.store.query(.user, in: s.channel, ResourceQuery(filter: filter, count: 1)))
        }
    }

    for delta in [1, 1_000] {
        Benchmark(
            "Store: membership PATCH +\(delta) then -\(delta) on a \(groupSize)-member group",
            configuration: .init(setup: { _ = try await seed() })
        ) { benchmark in
            let s = try await seed()
            let members = Array(s.outsiders.prefix(delta))
            for _ in benchmark.scaledIterations {
                _ = try await s.store.modify(
                    .group,
                    id: s.group,
                    in: s.channel,
                    ifMatch: nil,
                    membership: .delta(add: members, remove: [])
                ) {
                    $0.attributes
                }
                _ = try await s.store.modify(
                    .group,
                    id: s.group,
                    in: s.channel,
                    ifMatch: nil,
                    membership: .delta(add: [], remove: members)
                ) {
                    $0.attributes
                }
            }
        }
    }

    Benchmark(
        "Outbox: enqueue, fetch due and complete 1,000 entries",
        configuration: .init(metrics: [.wallClock, .throughput], setup: { _ = try await seed() })
    ) { benchmark in
        let s = try await seed()
        let events = (0..<1_000).map { ChangeEvent.userUpserted(id: "u\($0)") }
        for _ in benchmark.scaledIterations {
            try await s.store.enqueue(events, target: "bench", channel: s.channel)
            while true {
                let due = try await s.store.dueOutboxEntries(
                    target: "bench",
                    limit: 256,
                    now: SCIMDateTime(seconds: Int64.max / 2_000_000_000)
                )
                if due.isEmpty { break }
                for e in due { try await s.store.completeOutboxEntry(e.seq) }
            }
        }
    }
}
