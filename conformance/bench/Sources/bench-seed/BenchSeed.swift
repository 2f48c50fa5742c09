import ArgumentParser
import Foundation
import Membership
import SCIM
import Store

/// Fills a bridge data directory with a large directory straight through the store (an initial
/// load, not HTTP): the directory the RSS figure of BENCHMARKS.md is measured on.
@main
struct BenchSeed: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-seed",
        abstract: "Seed a data directory with users, groups and memberships for the RSS benchmark."
    )

    @Option(help: "The data directory `scim-bridge serve --data-dir` will use (must not hold a store yet).")
    var dataDir: String
    @Option(help: "The channel to seed.") var channel = "default"
    @Option var users = 1_000_000
    @Option var groups = 1_000
    @Option(help: "Membership edges in all; each group gets an equal share of consecutive users.")
    var memberships = 10_000_000

    func run() async throws {
        try FileManager.default.createDirectory(atPath: dataDir, withIntermediateDirectories: true)
        let path = (dataDir as NSString).appendingPathComponent("scim-bridge.sqlite")
        guard !FileManager.default.fileExists(atPath: path) else {
            throw ValidationError("\(path) already exists; seed a fresh data directory.")
        }
        // The load is re-runnable from scratch, so it skips the per-commit fsync; the bridge
        // reopens the file with its own (full) durability.
        // The membership indexes are keyed by random ids: a cache that holds them keeps the load
        // from reading and writing the same pages over and over.
        let store = try SQLiteStore(path: path, durability: .normal, writerCacheMiB: 2048)
        let channel = try await store.createChannel(named: channel)
        let start = ContinuousClock.now
        var ids: [String] = []
        ids.reserveCapacity(users)
        for first in stride(from: 0, to: users, by: 10_000) {
            let batch: [JSONObject] = (first..<min(first + 10_000, users)).map { i in
                [
                    "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
                    "userName": .string("user\(i)@example.com"),
                    "externalId": .string("ext-\(i)"), "displayName": .string("User \(i)"), "active": true,
                    "name": ["givenName": "User", "familyName": .string("\(i)")],
                    "emails": [["value": .string("user\(i)@example.com"), "type": "work", "primary": true]],
                ]
            }
            ids += try await store.createMany(.user, in: channel, resources: batch).map(\.id)
        }
        print("users: \(users) in \(ContinuousClock.now - start)")
        let perGroup = groups > 0 ? memberships / groups : 0
        let groupStart = ContinuousClock.now
        for g in 0..<groups {
            let first = (g * perGroup) % max(users, 1)
            let members = (0..<min(perGroup, users)).map { ids[(first + $0) % users] }
            let group = try await store.createMany(
                .group,
                in: channel,
                resources: [
                    ["schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": .string("group-\(g)")]
                ]
            )
            _ = try await store.importMembers(group: group[0].id, users: members, in: channel)
        }
        print("groups: \(groups) with \(perGroup * groups) memberships in \(ContinuousClock.now - groupStart)")
    }
}
