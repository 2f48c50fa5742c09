import AsyncHTTPClient
import Connectors
import Emulators
import Foundation
import Membership
import NIOCore
import NIOHTTP1
import SCIM
import Synchronization
import TestSupport
import Testing

/// Promises of a real `serve` process (and the commands beside it) under faults and configuration
/// changes: a secret that disappears, a policy chosen after a block, a target added to a channel.
@Suite("serve under faults and configuration changes", .serialized)
struct ServeProcessTests {
    static var executable: URL? { CrashRecoveryTests.executable }

    /// A scratch folder with a data directory, removed by `cleanUp`.
    struct Scratch {
        let dir: URL
        var data: URL { dir.appendingPathComponent("data") }
        var config: URL { dir.appendingPathComponent("bridge.yaml") }

        init() throws {
            dir = FileManager.default.temporaryDirectory.appendingPathComponent(
                "scim-bridge-serve-\(UUID().uuidString)"
            )
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        }

        /// Writes `text` to `name` in the folder and returns its path.
        @discardableResult
        func write(_ name: String, _ text: String) throws -> String {
            let url = dir.appendingPathComponent(name)
            try text.write(to: url, atomically: true, encoding: .utf8)
            return url.path
        }

        func cleanUp() { try? FileManager.default.removeItem(at: dir) }

        /// A target of `configure`: its token goes to the file `NAME-token`, referenced as `file:`.
        struct Target {
            var name: String
            var kind: String
            var url: URL
            var token: String
            /// More keys of the target, one YAML line each (`reconcileEvery: 10s`).
            var extra: [String] = []
        }

        /// Writes `bridge.yaml`: channel `pingone` fanning out to `channel`, and `targets`.
        func configure(channel: [String], _ targets: [Target]) throws {
            var yaml = "channels:\n  - name: pingone\n    targets: [\(channel.joined(separator: ", "))]\ntargets:\n"
            for t in targets {
                let secret = try write("\(t.name)-token", t.token)
                let keys =
                    [
                        "kind: \(t.kind)", "baseURL: \(t.url.absoluteString)", "auth: { bearer: file:\(secret) }",
                        "rateLimit: { requestsPerMinute: 60000, burst: 1000 }",
                    ] + t.extra
                yaml += "  - name: \(t.name)\n" + keys.map { "    \($0)\n" }.joined()
            }
            try write("bridge.yaml", yaml)
        }
    }

    /// Runs a `scim-bridge` command to its end: exit status and what it printed (both streams).
    static func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let child = try ChildProcess(
            executable: try #require(executable),
            arguments: arguments,
            environment: ProcessInfo.processInfo.environment,
            mergeErrors: true
        )
        let data = child.output.readDataToEndOfFile()
        let status = child.waitUntilExit()
        return (status, String(decoding: data, as: UTF8.self))
    }

    static func request(_ method: HTTPMethod, _ url: String, token: String, body: JSONValue? = nil) async throws -> (
        Int, JSONValue?
    ) {
        try await CrashRecoveryTests.request(method, url, token: token, body: body)
    }

    /// Polls `condition` every 100 ms until it holds or `timeout` passes; returns whether it held.
    static func eventually(within timeout: Duration, _ condition: () async throws -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(100))
        }
        return try await condition()
    }

    /// The bearer token `serve` printed for the channel it created.
    static func token(of bridge: CrashRecoveryTests.BridgeProcess) async throws -> String {
        for _ in 0..<100 {
            if let line = bridge.output.withLock({ $0 }).split(separator: "\n").first { return String(line) }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw CancellationError()
    }

    /// Stops `serve`: SIGTERM, then SIGKILL if it has not exited within a second. The wait blocks a
    /// thread of the pool the in-process emulators answer on, and a gracefully stopping serve may be
    /// waiting for one of them, so it is kept short. (What serve does on SIGTERM is
    /// `OperationsProcessTests`' subject, which waits without blocking; nothing is lost either way.)
    static func stop(_ bridge: CrashRecoveryTests.BridgeProcess) {
        bridge.process.terminate()
        let deadline = ContinuousClock.now + .seconds(1)
        while bridge.process.isRunning && ContinuousClock.now < deadline { usleep(10_000) }
        if bridge.process.isRunning { bridge.process.send(SIGKILL) }
        bridge.process.waitUntilExit()
    }

    // MARK: - A secret that cannot be read

    /// A `scim` target's bearer token is a file; it disappears (a Kubernetes secret being rotated) and
    /// comes back. The process stays up and keeps answering inbound SCIM; the change made meanwhile is
    /// delivered once the file is back, and the log says why it waited.
    @Test(.enabled(if: executable != nil, "the scim-bridge executable is built by `swift build` / `swift test`"))
    func aMissingSecretStopsOnlyItsTarget() async throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        try await withRunningEmulator(SCIMEmulator()) { url, emulator in
            try scratch.configure(
                channel: ["acme"],
                [.init(name: "acme", kind: "scim", url: url, token: SCIMEmulator.defaultToken)]
            )
            let secret = scratch.dir.appendingPathComponent("acme-token").path
            let bridge = try CrashRecoveryTests.BridgeProcess(
                executable: try #require(Self.executable),
                config: scratch.config,
                dataDir: scratch.data
            )
            defer { Self.stop(bridge) }
            let base = "http://127.0.0.1:\(try await bridge.port())/scim/v2/pingone"
            let token = try await Self.token(of: bridge)
            let onTarget = { Set(emulator.state().users.compactMap { $0["userName"]?.stringValue }) }

            #expect(
                try await Self.request(.POST, "\(base)/Users", token: token, body: Bodies.user("alice@example.com")).0
                    == 201
            )
            #expect(try await Self.eventually(within: .seconds(20)) { onTarget().contains("alice@example.com") })

            try FileManager.default.removeItem(atPath: secret)
            #expect(
                try await Self.request(.POST, "\(base)/Users", token: token, body: Bodies.user("bob@example.com")).0
                    == 201
            )
            try await Task.sleep(for: .seconds(3))
            #expect(bridge.process.isRunning, "the bridge exited: \(bridge.errors.withLock { $0 })")
            let (status, list) = try await Self.request(
                .GET,
                "\(base)/Users?filter=userName%20eq%20%22bob@example.com%22",
                token: token
            )
            #expect(status == 200)
            #expect(list?["totalResults"]?.integerValue == 1)
            #expect(!onTarget().contains("bob@example.com"))
            #expect(bridge.errors.withLock { $0 }.contains("cannot authenticate"))
            #expect(!bridge.errors.withLock { $0 }.contains(SCIMEmulator.defaultToken))
            // `status` (another process, reading the store) reports the target unhealthy, without the secret.
            let report = try Self.run(["status", "--config", scratch.config.path, "--data-dir", scratch.data.path])
            #expect(report.output.contains("health: cannot authenticate"), "\(report.output)")
            #expect(report.output.contains("failed (dead) 0"), "\(report.output)")
            #expect(!report.output.contains(SCIMEmulator.defaultToken))

            try scratch.write("acme-token", SCIMEmulator.defaultToken)
            #expect(try await Self.eventually(within: .seconds(40)) { onTarget().contains("bob@example.com") })
            #expect(bridge.process.isRunning)
        }
    }

    // MARK: - merge chosen after a block

    /// A `scope` added to the configuration: `plan` shows the unlink first, and the restarted bridge
    /// applies it (the group outside the scope leaves GitHub, the one inside stays).
    @Test(.enabled(if: executable != nil, "the scim-bridge executable is built by `swift build` / `swift test`"))
    func aScopeAddedToTheConfigurationIsPlannedThenAppliedAtRestart() async throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        try await withRunningEmulator(GitHubEMUEmulator(configuration: .init(enterprise: "acme"))) { url, emulator in
            func configure(_ extra: [String]) throws {
                try scratch.configure(
                    channel: ["github"],
                    [
                        .init(
                            name: "github",
                            kind: "github-emu",
                            url: url,
                            token: GitHubEMUEmulator.defaultToken,
                            extra: extra
                        )
                    ]
                )
            }
            try configure([])
            let first = try CrashRecoveryTests.BridgeProcess(
                executable: try #require(Self.executable),
                config: scratch.config,
                dataDir: scratch.data
            )
            let base = "http://127.0.0.1:\(try await first.port())/scim/v2/pingone"
            let token = try await Self.token(of: first)
            var ids: [String] = []
            for name in ["alice", "bob"] {
                let (_, body) = try await Self.request(
                    .POST,
                    "\(base)/Users",
                    token: token,
                    body: GitHubEMUHarness.user(name)
                )
                ids.append(try #require(body?["id"]?.stringValue))
            }
            for (name, member) in [("eng-web", ids[0]), ("Sales", ids[1])] {
                let (status, _) = try await Self.request(
                    .POST,
                    "\(base)/Groups",
                    token: token,
                    body: Bodies.group(name, members: [member])
                )
                #expect(status == 201)
            }
            let names = { Set(emulator.state().groups.compactMap { $0["displayName"]?.stringValue }) }
            #expect(try await Self.eventually(within: .seconds(20)) { names() == ["eng-web", "Sales"] })
            // Stopped once the bridge has recorded both links, not only once GitHub has the groups.
            let statusCommand = ["status", "--config", scratch.config.path, "--data-dir", scratch.data.path]
            #expect(
                try await Self.eventually(within: .seconds(20)) {
                    try Self.run(statusCommand).output.contains("synced: 2 user(s), 2 group(s)")
                }
            )
            Self.stop(first)

            try configure([#"scope: { groups: { include: ["eng-*"] } }"#])
            let plan = try Self.run([
                "plan", "--config", scratch.config.path, "--target", "github", "--data-dir", scratch.data.path,
            ])
            #expect(plan.status == 0)
            #expect(plan.output.contains("(Sales) out of scope"), "\(plan.output)")
            #expect(names() == ["eng-web", "Sales"], "plan changes nothing")

            let second = try CrashRecoveryTests.BridgeProcess(
                executable: try #require(Self.executable),
                config: scratch.config,
                dataDir: scratch.data
            )
            defer { Self.stop(second) }
            _ = try await second.port()
            #expect(try await Self.eventually(within: .seconds(20)) { names() == ["eng-web"] }, "\(names())")
        }
    }

    /// A scope change that would delete more groups than `safety.maxDeprovisions` allows: the
    /// restarted serve starts paused with nothing deleted, `status` says why, and a resume lets the
    /// whole change through.
    @Test(.enabled(if: executable != nil, "the scim-bridge executable is built by `swift build` / `swift test`"))
    func aScopeChangeAboveTheBrakePausesBeforeItsFirstDeletion() async throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        try await withRunningEmulator(GitHubEMUEmulator(configuration: .init(enterprise: "acme"))) { url, emulator in
            func configure(_ extra: [String]) throws {
                try scratch.configure(
                    channel: ["github"],
                    [
                        .init(
                            name: "github",
                            kind: "github-emu",
                            url: url,
                            token: GitHubEMUEmulator.defaultToken,
                            extra: ["safety: { maxDeprovisions: 1 }"] + extra
                        )
                    ]
                )
            }
            try configure([])
            let first = try CrashRecoveryTests.BridgeProcess(
                executable: try #require(Self.executable),
                config: scratch.config,
                dataDir: scratch.data
            )
            let base = "http://127.0.0.1:\(try await first.port())/scim/v2/pingone"
            let token = try await Self.token(of: first)
            for name in ["eng-web", "Sales", "Support"] {
                let (status, _) = try await Self.request(
                    .POST,
                    "\(base)/Groups",
                    token: token,
                    body: Bodies.group(name)
                )
                #expect(status == 201)
            }
            let names = { Set(emulator.state().groups.compactMap { $0["displayName"]?.stringValue }) }
            #expect(try await Self.eventually(within: .seconds(20)) { names().count == 3 })
            let statusCommand = ["status", "--config", scratch.config.path, "--data-dir", scratch.data.path]
            #expect(
                try await Self.eventually(within: .seconds(20)) {
                    try Self.run(statusCommand).output.contains("synced: 0 user(s), 3 group(s)")
                }
            )
            Self.stop(first)

            try configure([#"scope: { groups: { include: ["eng-*"] } }"#])
            let second = try CrashRecoveryTests.BridgeProcess(
                executable: try #require(Self.executable),
                config: scratch.config,
                dataDir: scratch.data
            )
            defer { Self.stop(second) }
            _ = try await second.port()
            let report = try Self.run(statusCommand).output
            #expect(
                report.contains("health: paused") && report.contains("a scope change plans 2 deprovisions"),
                "\(report)"
            )
            try await Task.sleep(for: .milliseconds(500))
            #expect(names() == ["eng-web", "Sales", "Support"], "nothing deleted before a resume")

            let resume = try Self.run([
                "targets", "resume", "github", "--config", scratch.config.path, "--data-dir", scratch.data.path,
            ])
            #expect(resume.status == 0, "\(resume.output)")
            #expect(try await Self.eventually(within: .seconds(20)) { names() == ["eng-web"] }, "\(names())")
        }
    }

    /// `mapping preview` prints the body a target would receive for a stored user, through its
    /// `mapping:`; a template naming an unknown attribute stops `serve` with the key.
    @Test(.enabled(if: executable != nil, "the scim-bridge executable is built by `swift build` / `swift test`"))
    func mappingPreviewShowsTheMappedBodyAndABadTemplateStopsStartUp() async throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        try await withRunningEmulator(GitHubEMUEmulator(configuration: .init(enterprise: "acme"))) { url, emulator in
            func configure(_ template: String) throws {
                try scratch.configure(
                    channel: ["github"],
                    [
                        .init(
                            name: "github",
                            kind: "github-emu",
                            url: url,
                            token: GitHubEMUEmulator.defaultToken,
                            extra: ["mapping: { user: { displayName: '\(template)' } }"]
                        )
                    ]
                )
            }
            try configure("{name.familyName | localPart | upper} ({userName | domain})")
            let bridge = try CrashRecoveryTests.BridgeProcess(
                executable: try #require(Self.executable),
                config: scratch.config,
                dataDir: scratch.data
            )
            let base = "http://127.0.0.1:\(try await bridge.port())/scim/v2/pingone"
            let (status, _) = try await Self.request(
                .POST,
                "\(base)/Users",
                token: try await Self.token(of: bridge),
                body: GitHubEMUHarness.user("alice")
            )
            #expect(status == 201)
            let shown = { emulator.state().user(named: "alice@example.com")?["displayName"]?.stringValue }
            #expect(
                try await Self.eventually(within: .seconds(20)) { shown() == "ALICE (example.com)" },
                "\(shown() ?? "none")"
            )
            Self.stop(bridge)

            let preview = try Self.run([
                "mapping", "preview", "--config", scratch.config.path, "--target", "github", "--user",
                "ALICE@example.com",
                "--data-dir", scratch.data.path,
            ])
            #expect(preview.status == 0, "\(preview.output)")
            #expect(preview.output.contains(#""displayName": "ALICE (example.com)""#), "\(preview.output)")
            #expect(preview.output.contains("match key: alice@example.com"), "\(preview.output)")

            try configure("{nam.familyName}")
            let refused = try Self.run(["serve", "--config", scratch.config.path, "--data-dir", scratch.data.path])
            #expect(refused.status != 0)
            #expect(refused.output.contains("targets[0].mapping.user.displayName"), "\(refused.output)")
        }
    }

    /// `safety.maxDeprovisions: 3` and an IdP that deletes five users: a running serve suspends three,
    /// `status` says the target is paused and how to resume it, and `targets resume` lets the other
    /// two through without a restart.
    @Test(.enabled(if: executable != nil, "the scim-bridge executable is built by `swift build` / `swift test`"))
    func aPausedTargetIsShownByStatusAndResumedFromTheCommandLine() async throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        try await withRunningEmulator(GitHubEMUEmulator(configuration: .init(enterprise: "acme"))) { url, emulator in
            try scratch.configure(
                channel: ["github"],
                [
                    .init(
                        name: "github",
                        kind: "github-emu",
                        url: url,
                        token: GitHubEMUEmulator.defaultToken,
                        extra: ["safety: { maxDeprovisions: 3 }"]
                    )
                ]
            )
            let bridge = try CrashRecoveryTests.BridgeProcess(
                executable: try #require(Self.executable),
                config: scratch.config,
                dataDir: scratch.data
            )
            defer { Self.stop(bridge) }
            let base = "http://127.0.0.1:\(try await bridge.port())/scim/v2/pingone"
            let token = try await Self.token(of: bridge)
            var ids: [String] = []
            for i in 0..<5 {
                let (_, body) = try await Self.request(
                    .POST,
                    "\(base)/Users",
                    token: token,
                    body: GitHubEMUHarness.user("u\(i)")
                )
                ids.append(try #require(body?["id"]?.stringValue))
            }
            let suspended = { emulator.state().users.filter { $0["active"] == false }.count }
            #expect(try await Self.eventually(within: .seconds(20)) { emulator.state().users.count == 5 })
            for id in ids { _ = try await Self.request(.DELETE, "\(base)/Users/\(id)", token: token) }

            let statusCommand = ["status", "--config", scratch.config.path, "--data-dir", scratch.data.path]
            #expect(
                try await Self.eventually(within: .seconds(20)) {
                    try Self.run(statusCommand).output.contains("health: paused")
                }
            )
            let report = try Self.run(statusCommand).output
            #expect(
                report.contains("safety.maxDeprovisions 3") && report.contains("scim-bridge targets resume github"),
                "\(report)"
            )
            try await Task.sleep(for: .milliseconds(500))
            #expect(suspended() == 3, "nothing beyond the limit")

            let resume = try Self.run([
                "targets", "resume", "github", "--config", scratch.config.path, "--data-dir", scratch.data.path,
            ])
            #expect(resume.status == 0 && resume.output.contains("Resumed target 'github'"), "\(resume.output)")
            #expect(try await Self.eventually(within: .seconds(20)) { suspended() == 5 }, "\(suspended())")
            #expect(!(try Self.run(statusCommand).output.contains("health: paused")))
        }
    }

    /// GitHub EMU already has "Engineering" (with a foreign member): under `fail` the pushed group is
    /// blocked. The administrator sets `merge` with the acknowledgement and restarts: `plan` shows the
    /// adoption first, `status` no longer blames `fail`, and the restarted bridge merges the group.
    @Test(.enabled(if: executable != nil, "the scim-bridge executable is built by `swift build` / `swift test`"))
    func mergeChosenAfterABlockAdoptsTheGroup() async throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let emulator = GitHubEMUEmulator(configuration: .init(enterprise: "acme"))
        try emulator.seed(users: [["id": "foreign-1", "userName": "outsider@example.com"]])
        try emulator.seed(groups: [
            ["displayName": "Engineering", "externalId": "okta-eng", "members": [["value": "foreign-1"]]]
        ])
        try await withRunningEmulator(emulator) { url, emulator in
            func configure(_ policy: String) throws {
                try scratch.configure(
                    channel: ["github"],
                    [
                        .init(
                            name: "github",
                            kind: "github-emu",
                            url: url,
                            token: GitHubEMUEmulator.defaultToken,
                            extra: ["onNameCollision: \(policy)", "acknowledgeNameCollision: \(policy != "fail")"]
                        )
                    ]
                )
            }
            try configure("fail")
            let first = try CrashRecoveryTests.BridgeProcess(
                executable: try #require(Self.executable),
                config: scratch.config,
                dataDir: scratch.data
            )
            let base = "http://127.0.0.1:\(try await first.port())/scim/v2/pingone"
            let token = try await Self.token(of: first)
            var ids: [String] = []
            for name in ["alice", "bob"] {
                let (status, body) = try await Self.request(
                    .POST,
                    "\(base)/Users",
                    token: token,
                    body: Bodies.user("\(name)@example.com")
                )
                #expect(status == 201)
                ids.append(try #require(body?["id"]?.stringValue))
            }
            #expect(
                try await Self.request(
                    .POST,
                    "\(base)/Groups",
                    token: token,
                    body: Bodies.group("Engineering", members: ids)
                ).0 == 201
            )
            let state = { emulator.state() }
            #expect(try await Self.eventually(within: .seconds(20)) { state().users.count == 3 })
            // The group's delivery (the block) follows the users' on a loaded machine by more than a moment.
            let statusCommand = ["status", "--config", scratch.config.path, "--data-dir", scratch.data.path]
            #expect(
                try await Self.eventually(within: .seconds(20)) {
                    try Self.run(statusCommand).output.contains("onNameCollision is 'fail'")
                }
            )
            Self.stop(first)
            #expect(state().memberNames(of: "Engineering") == ["outsider@example.com"])
            let blocked = try Self.run(statusCommand)
            #expect(blocked.output.contains("onNameCollision is 'fail'"), "\(blocked.output)")

            try configure("merge")
            let plan = try Self.run([
                "plan", "--config", scratch.config.path, "--target", "github", "--data-dir", scratch.data.path,
            ])
            #expect(plan.status == 0)
            #expect(
                plan.output.contains("link existing group \"Engineering\" under onNameCollision=merge"),
                "\(plan.output)"
            )
            #expect(!plan.output.contains("blocked:"), "\(plan.output)")
            let status = try Self.run(["status", "--config", scratch.config.path, "--data-dir", scratch.data.path])
            #expect(!status.output.contains("onNameCollision is 'fail'"), "\(status.output)")

            let second = try CrashRecoveryTests.BridgeProcess(
                executable: try #require(Self.executable),
                config: scratch.config,
                dataDir: scratch.data
            )
            defer { Self.stop(second) }
            _ = try await second.port()
            let merged: Set<String> = ["outsider@example.com", "alice@example.com", "bob@example.com"]
            #expect(
                try await Self.eventually(within: .seconds(20)) { state().memberNames(of: "Engineering") == merged }
            )
            #expect(state().groups.filter { $0["displayName"]?.stringValue == "Engineering" }.count == 1)
        }
    }

    // MARK: - Accounts changed on the target

    /// After a push has converged on GitHub EMU, four changes are made on GitHub directly: a member
    /// removed from a group, a stranger added to it, a user deactivated, and the user the identity
    /// provider deprovisioned re-enabled. The scheduled reconciliation (`reconcileEvery: 10s`) puts
    /// all four back as the identity provider says.
    @Test(.enabled(if: executable != nil, "the scim-bridge executable is built by `swift build` / `swift test`"))
    func scheduledReconciliationRepairsMembershipsAndAccounts() async throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let emulator = GitHubEMUEmulator(configuration: .init(enterprise: "acme"))
        let stranger = try #require(
            try emulator.seed(users: [["userName": "stranger@example.com"]]).users.first?["id"]?.stringValue
        )
        try await withRunningEmulator(emulator) { url, emulator in
            try scratch.configure(
                channel: ["github"],
                [
                    .init(
                        name: "github",
                        kind: "github-emu",
                        url: url,
                        token: GitHubEMUEmulator.defaultToken,
                        extra: ["reconcileEvery: 10s"]
                    )
                ]
            )
            let bridge = try CrashRecoveryTests.BridgeProcess(
                executable: try #require(Self.executable),
                config: scratch.config,
                dataDir: scratch.data
            )
            defer { Self.stop(bridge) }
            let base = "http://127.0.0.1:\(try await bridge.port())/scim/v2/pingone"
            let token = try await Self.token(of: bridge)
            var ids: [String: String] = [:]
            for name in ["alice", "bob", "carol"] {
                let (status, body) = try await Self.request(
                    .POST,
                    "\(base)/Users",
                    token: token,
                    body: Bodies.user("\(name)@example.com")
                )
                #expect(status == 201)
                ids[name] = try #require(body?["id"]?.stringValue)
            }
            let members = ["alice", "bob", "carol"].map { ids[$0]! }
            #expect(
                try await Self.request(
                    .POST,
                    "\(base)/Groups",
                    token: token,
                    body: Bodies.group("Team", members: members)
                ).0 == 201
            )
            let state = { emulator.state() }
            #expect(try await Self.eventually(within: .seconds(20)) { state().memberNames(of: "Team").count == 3 })
            // The identity provider deprovisions carol (on GitHub: suspended).
            #expect(try await Self.request(.DELETE, "\(base)/Users/\(ids["carol"]!)", token: token).0 == 204)
            let active = { (name: String) in state().user(named: "\(name)@example.com")?["active"]?.boolValue }
            #expect(
                try await Self.eventually(within: .seconds(20)) {
                    state().memberNames(of: "Team") == ["alice@example.com", "bob@example.com"]
                        && active("carol") == false
                },
                "\(state().users.map { "\($0["userName"] ?? "-") \($0["active"] ?? "-")" }) \(state().memberNames(of: "Team")) \(bridge.errors.withLock { $0 })"
            )

            // Drift, made through GitHub's own API.
            let github = GitHubEMUConnector(
                transport: HTTPTransport(
                    client: HTTPClient.shared,
                    baseURL: url.absoluteString,
                    bucket: TokenBucket(requestsPerMinute: 60_000, burst: 100),
                    authorization: { "Bearer \(GitHubEMUEmulator.defaultToken)" }
                )
            )
            let accounts = Dictionary(uniqueKeysWithValues: try await github.listUsers().map { ($0.matchKey, $0.id) })
            let team = try #require(try await github.findGroups(displayName: "Team").first)
            try await github.removeMembers(groupID: team.id, members: [try #require(accounts["bob@example.com"])])
            try await github.addMembers(groupID: team.id, members: [stranger])
            try await github.removeUser(id: try #require(accounts["alice@example.com"]), action: .disable)
            #expect(
                try await github.replaceUser(
                    id: try #require(accounts["carol@example.com"]),
                    Bodies.user("carol@example.com").objectValue ?? [:]
                )
            )
            #expect(active("alice") == false && active("carol") == true)

            #expect(
                try await Self.eventually(within: .seconds(30)) {
                    state().memberNames(of: "Team") == ["alice@example.com", "bob@example.com"]
                        && active("alice") == true && active("carol") == false
                },
                "members \(state().memberNames(of: "Team")), alice \(String(describing: active("alice"))), carol \(String(describing: active("carol")))"
            )
        }
    }

    // MARK: - A target added to a channel

    /// A channel has run with GitHub EMU; Slack is added to its targets and `serve` restarted: Slack
    /// receives the channel's users and groups at once, not at the next scheduled reconciliation.
    @Test(.enabled(if: executable != nil, "the scim-bridge executable is built by `swift build` / `swift test`"))
    func aTargetAddedToAChannelStartsFull() async throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let slack = SlackEmulator(configuration: .init(rateScale: nil))
        try await withRunningEmulator(GitHubEMUEmulator(configuration: .init(enterprise: "acme"))) {
            githubURL,
            github in
            try await withRunningEmulator(slack) { slackURL, slack in
                func configure(_ targets: [String]) throws {
                    try scratch.configure(
                        channel: targets,
                        [
                            .init(
                                name: "github",
                                kind: "github-emu",
                                url: githubURL,
                                token: GitHubEMUEmulator.defaultToken
                            ),
                            .init(name: "slack", kind: "slack", url: slackURL, token: SlackEmulator.defaultToken),
                        ]
                    )
                }
                try configure(["github"])
                let first = try CrashRecoveryTests.BridgeProcess(
                    executable: try #require(Self.executable),
                    config: scratch.config,
                    dataDir: scratch.data
                )
                let base = "http://127.0.0.1:\(try await first.port())/scim/v2/pingone"
                let token = try await Self.token(of: first)
                var ids: [String] = []
                for i in 0..<20 {
                    let name = "user\(i)@example.com"
                    let (status, body) = try await Self.request(
                        .POST,
                        "\(base)/Users",
                        token: token,
                        body: Bodies.user(name, email: name)
                    )
                    #expect(status == 201)
                    ids.append(try #require(body?["id"]?.stringValue))
                }
                for (g, name) in ["Engineering", "Sales", "Support"].enumerated() {
                    let members = ids.enumerated().filter { $0.offset % 3 == g }.map(\.element)
                    #expect(
                        try await Self.request(
                            .POST,
                            "\(base)/Groups",
                            token: token,
                            body: Bodies.group(name, members: members)
                        ).0 == 201
                    )
                }
                #expect(
                    try await Self.eventually(within: .seconds(30)) {
                        github.state().groups.count == 3 && github.state().users.count == 20
                    }
                )
                Self.stop(first)
                #expect(slack.state().users.isEmpty)

                try configure(["github", "slack"])
                let second = try CrashRecoveryTests.BridgeProcess(
                    executable: try #require(Self.executable),
                    config: scratch.config,
                    dataDir: scratch.data
                )
                defer { Self.stop(second) }
                _ = try await second.port()
                #expect(
                    try await Self.eventually(within: .seconds(30)) {
                        slack.state().users.count == 20 && slack.state().groups.count == 3
                    }
                )
                let engineering = try #require(slack.state().group(named: "Engineering"))
                #expect(SlackEmulatorState.memberIDs(of: engineering).count == 7)
            }
        }
    }
}
