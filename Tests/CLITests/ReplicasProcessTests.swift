import AsyncHTTPClient
import Emulators
import Foundation
import NIOHTTP1
import SCIM
import Synchronization
import TestSupport
import Testing

/// Several `serve` processes on one PostgreSQL database: the commands find the store from the
/// configuration, the schema is migrated by `migrate` and refused by `serve --no-migrate` while
/// behind, and three replicas taking an identity provider's push round-robin, one of them killed
/// mid-sync, lose nothing, converge the target and never exceed its rate limit together.
@Suite("Replicas on PostgreSQL", .serialized)
struct ReplicasProcessTests {
    static var executable: URL? { CrashRecoveryTests.executable }
    static var runnable: Bool { executable != nil && StoreBackend.postgresURL != nil }

    /// A configuration on `url` with one GitHub EMU target at `target`.
    static func configure(_ scratch: ServeProcessTests.Scratch, database url: String, target: URL, limit: String)
        throws
    {
        let token = try scratch.write("github-token", GitHubEMUEmulator.defaultToken)
        try scratch.write(
            "bridge.yaml",
            """
            storage:
              postgres:
                url: inline:\(url)
                poolSize: 4
                claimLease: 5s
            channels:
              - name: pingone
                targets: [github]
            targets:
              - name: github
                kind: github-emu
                baseURL: \(target.absoluteString)
                auth: { bearer: file:\(token) }
                rateLimit: \(limit)

            """
        )
    }

    @Test(
        .enabled(
            if: runnable,
            "needs the scim-bridge executable and SCIM_BRIDGE_TEST_POSTGRES_URL (scripts/test-postgres start)"
        )
    )
    func commandsFindTheStoreFromTheConfigurationAndServeWaitsForMigrate() async throws {
        try await StoreBackend.withPostgresDatabase { url in
            let scratch = try ServeProcessTests.Scratch()
            defer { scratch.cleanUp() }
            try Self.configure(
                scratch,
                database: url,
                target: URL(string: "http://127.0.0.1:9")!,
                limit: "{ requestsPerMinute: 600, burst: 10 }"
            )
            let config = scratch.config.path
            // An empty database: serve --no-migrate refuses and names the command.
            let early = try ServeProcessTests.run(["serve", "--config", config, "--no-migrate", "--port", "0"])
            #expect(early.status != 0)
            #expect(early.output.contains("scim-bridge migrate --config"), "\(early.output)")

            let migrate = try ServeProcessTests.run(["migrate", "--config", config])
            #expect(migrate.status == 0 && migrate.output.contains("Applied PostgreSQL migration(s) 1, 2, 3, 4, 5"))
            let again = try ServeProcessTests.run(["migrate", "--config", config])
            #expect(again.output.contains("up to date"), "\(again.output)")

            let created = try ServeProcessTests.run(["channels", "create", "pingone", "--config", config])
            #expect(created.status == 0, "\(created.output)")
            let list = try ServeProcessTests.run(["channels", "list", "--config", config])
            #expect(list.output.contains("pingone\t/scim/v2/pingone\tbearer"), "\(list.output)")
            // Nothing went to a SQLite file: the data directory is not there.
            let sqlite = try ServeProcessTests.run(["channels", "list", "--data-dir", scratch.data.path])
            #expect(sqlite.status != 0 && sqlite.output.contains("does not exist"), "\(sqlite.output)")
            let status = try ServeProcessTests.run(["status", "--config", config])
            #expect(status.status == 0 && status.output.contains("target github (github-emu"), "\(status.output)")
            let resume = try ServeProcessTests.run(["targets", "resume", "github", "--config", config])
            #expect(resume.output.contains("not paused"), "\(resume.output)")
            let noMigrateOnSQLite = try ServeProcessTests.run([
                "serve", "--no-migrate", "--data-dir", scratch.data.path, "--port", "0",
            ])
            #expect(
                noMigrateOnSQLite.status != 0 && noMigrateOnSQLite.output.contains("--no-migrate: storage is sqlite")
            )
        }
    }

    @Test(
        .enabled(
            if: runnable,
            "needs the scim-bridge executable and SCIM_BRIDGE_TEST_POSTGRES_URL (scripts/test-postgres start)"
        )
    )
    func threeReplicasOneKilledMidSyncLoseNothingAndKeepTheRateLimitTogether() async throws {
        try await StoreBackend.withPostgresDatabase { url in
            let scratch = try ServeProcessTests.Scratch()
            defer { scratch.cleanUp() }
            // The emulator enforces 1,200 calls a minute (20 a second, 20 at once); the bridge's limit,
            // shared by the three replicas through the database, is a little below it.
            let emulator = GitHubEMUEmulator(
                configuration: .init(enterprise: "acme", rateLimit: .perMinute(1200, burst: 20))
            )
            try await withRunningEmulator(emulator) { target, emulator in
                try Self.configure(
                    scratch,
                    database: url,
                    target: target,
                    limit: "{ requestsPerMinute: 1080, burst: 10 }"
                )
                let config = scratch.config.path
                #expect(try ServeProcessTests.run(["migrate", "--config", config]).status == 0)
                let created = try ServeProcessTests.run(["channels", "create", "pingone", "--config", config])
                let token = try #require(created.output.split(separator: "\n").last.map(String.init))

                var replicas: [CrashRecoveryTests.BridgeProcess] = []
                for i in 0..<3 {
                    let dir = scratch.data.appendingPathComponent("replica-\(i)")
                    replicas.append(
                        try CrashRecoveryTests.BridgeProcess(
                            executable: try #require(Self.executable),
                            config: scratch.config,
                            dataDir: dir,
                            extraArguments: ["--no-migrate"]
                        )
                    )
                }
                defer { for r in replicas { ServeProcessTests.stop(r) } }
                var bases: [String] = []
                for r in replicas {
                    do {
                        bases.append("http://127.0.0.1:\(try await r.port())/scim/v2/pingone")
                    } catch {
                        Issue.record("a replica did not start: \(r.errors.withLock { $0 })")
                        throw error
                    }
                }
                let push = Push(bases: bases, token: token)
                let (probe, _) = try await push.send(.GET, "/Users?count=0", nil)
                #expect(probe == 200, "\(replicas[0].errors.withLock { $0 })")

                // Users pushed at once, six at a time, spread round-robin over the three; then groups.
                let userCount = 60
                let acknowledged = try await withThrowingTaskGroup(of: (String, String?).self) { tasks in
                    var users: [String: String] = [:]  // userName → id
                    for i in 0..<userCount {
                        if i >= 6, let (name, id) = try await tasks.next() { users[name] = id }
                        tasks.addTask {
                            let name = "user\(i)@example.com"
                            let body = try await push.send(.POST, "/Users", Bodies.user(name), expect: 201)
                            return (name, body?["id"]?.stringValue)
                        }
                    }
                    for try await (name, id) in tasks { users[name] = id }
                    return users
                }
                var users: [String: String] = [:]
                for (name, id) in acknowledged { users[name] = try #require(id, "\(name) was acknowledged") }
                let names = users.keys.sorted()
                var groups: [String: (id: String, members: Set<String>)] = [:]
                for g in 0..<6 {
                    let members = Array(names[(g * 10)..<(g * 10 + 10)])
                    let body = try await push.send(
                        .POST,
                        "/Groups",
                        Bodies.group("Team \(g)", members: members.map { users[$0]! }),
                        expect: 201
                    )
                    groups["Team \(g)"] = (try #require(body?["id"]?.stringValue), Set(members))
                }
                // One replica dies mid-sync, with claims in flight; the push goes on to the others.
                let atKill = emulator.state()
                #expect(
                    atKill.users.count < userCount || atKill.groups.count < groups.count,
                    "the target was still being synced when the replica died"
                )
                replicas[1].process.send(SIGKILL)
                _ = await replicas[1].process.exit()
                push.down(1)
                for g in 0..<6 {
                    let added = Array(names[((g * 10 + 10) % userCount)..<((g * 10 + 10) % userCount + 5)])
                    let operations: [JSONValue] = [
                        ["op": "add", "path": "members", "value": .array(added.map { ["value": .string(users[$0]!)] })]
                    ]
                    _ = try await push.send(.PATCH, "/Groups/\(groups["Team \(g)"]!.id)", Bodies.patch(operations))
                    groups["Team \(g)"]!.members.formUnion(added)
                }

                // The target converges to the source: every acknowledged change is there.
                let converged = try await ServeProcessTests.eventually(within: .seconds(120)) {
                    let state = emulator.state()
                    guard Set(state.users.compactMap { $0["userName"]?.stringValue }) == Set(names) else {
                        return false
                    }
                    return groups.allSatisfy { state.memberNames(of: $0.key) == $0.value.members }
                }
                let state = emulator.state()
                #expect(converged, "users \(state.users.count), groups \(state.groups.count)")
                #expect(state.users.count == userCount, "no user was created twice")
                #expect(state.groups.count == groups.count, "no group was created twice")
                // The source itself, read back through a replica that lived.
                for (name, id) in users {
                    let (status, body) = try await push.send(.GET, "/Users/\(id)", nil)
                    #expect(status == 200 && body?["userName"]?.stringValue == name)
                }
                // Together, the replicas never went past the target's limit.
                #expect(state.counters.rateLimited == 0, "the emulator refused \(state.counters.rateLimited) call(s)")
                #expect(state.counters.requestsInsideRetryAfter == 0)
                // Writes repeated: the killed replica's in-flight calls, retried by another once its
                // lease ran out; each is idempotent on the target (the states above show no duplicate).
                let writes = state.requests.filter { $0.method != "GET" }
                let distinct = Set(writes.map { "\($0.method) \($0.path) \($0.body?.serialized() ?? "")" })
                print(
                    "replicas: killed one with \(atKill.users.count) of \(userCount) users and \(atKill.groups.count) of \(groups.count) groups on the target; "
                        + "\(writes.count) writes to the target, \(writes.count - distinct.count) repeated; "
                        + "\(state.requests.count) requests in all; 429s: \(state.counters.rateLimited)"
                )
                #expect(writes.count - distinct.count <= 20, "repeats are bounded by what was in flight")

                // A rotated token reaches every live replica within their credential cache's time.
                let rotated = try ServeProcessTests.run(["channels", "rotate-token", "pingone", "--config", config])
                let fresh = try #require(rotated.output.split(separator: "\n").last.map(String.init))
                for i in [0, 2] {
                    let url = bases[i] + "/Users?count=0"
                    #expect(
                        try await ServeProcessTests.eventually(within: .seconds(10)) {
                            try await CrashRecoveryTests.request(.GET, url, token: token).0 == 401
                        },
                        "replica \(i) still takes the old token"
                    )
                    #expect(try await CrashRecoveryTests.request(.GET, url, token: fresh).0 == 200)
                }
            }
        }
    }

    /// An identity provider's push spread round-robin over live replicas; a request a dead replica
    /// did not answer goes to the next one, as a provider retries.
    final class Push: Sendable {
        let bases: [String]
        let token: String
        private let state = Mutex((next: 0, down: Set<Int>()))

        init(bases: [String], token: String) {
            self.bases = bases
            self.token = token
        }

        func down(_ i: Int) { state.withLock { _ = $0.down.insert(i) } }

        @discardableResult
        func send(_ method: HTTPMethod, _ path: String, _ body: JSONValue?, expect: Int? = nil) async throws
            -> JSONValue?
        {
            let (status, answer) = try await send(method, path, body)
            if let expect { #expect(status == expect, "\(method) \(path): \(status) \(answer?.serialized() ?? "")") }
            return answer
        }

        func send(_ method: HTTPMethod, _ path: String, _ body: JSONValue?) async throws -> (Int, JSONValue?) {
            var lastError: (any Error)? = nil
            for _ in 0..<bases.count {
                let i = state.withLock { s in
                    var i = s.next % bases.count
                    while s.down.contains(i) { i = (i + 1) % bases.count }
                    s.next = i + 1
                    return i
                }
                do {
                    return try await CrashRecoveryTests.request(method, bases[i] + path, token: token, body: body)
                } catch {
                    lastError = error
                    down(i)
                }
            }
            throw lastError ?? CancellationError()
        }
    }
}
