import Emulators
import Foundation
import NIOHTTP1
import SCIM
import TestSupport
import Testing

/// `scim-bridge targets resolve`: two groups are blocked on GitHub EMU by same-named groups under
/// `onNameCollision: fail`; an administrator settles one of them with `merge` while serve runs, and
/// only that one is adopted.
@Suite("targets resolve", .serialized)
struct CollisionResolutionProcessTests {
    static var executable: URL? { CrashRecoveryTests.executable }

    @Test(.enabled(if: executable != nil, "the scim-bridge executable is built by `swift build` / `swift test`"))
    func mergeForOneBlockedGroupAdoptsItAloneAndTheRestStayBlocked() async throws {
        let scratch = try ServeProcessTests.Scratch()
        defer { scratch.cleanUp() }
        let emulator = GitHubEMUEmulator(configuration: .init(enterprise: "acme"))
        try emulator.seed(users: [["id": "foreign-1", "userName": "outsider@example.com"]])
        try emulator.seed(groups: [
            ["displayName": "Engineering", "members": [["value": "foreign-1"]]],
            ["displayName": "Sales", "members": [["value": "foreign-1"]]],
        ])
        try await withRunningEmulator(emulator) { url, emulator in
            try scratch.configure(
                channel: ["github"],
                [
                    .init(
                        name: "github",
                        kind: "github-emu",
                        url: url,
                        token: GitHubEMUEmulator.defaultToken,
                        extra: ["onNameCollision: fail"]
                    )
                ]
            )
            let bridge = try CrashRecoveryTests.BridgeProcess(
                executable: try #require(Self.executable),
                config: scratch.config,
                dataDir: scratch.data
            )
            defer { ServeProcessTests.stop(bridge) }
            let base = "http://127.0.0.1:\(try await bridge.port())/scim/v2/pingone"
            let token = try await ServeProcessTests.token(of: bridge)
            var ids: [String] = []
            for name in ["alice", "bob"] {
                let (status, body) = try await ServeProcessTests.request(
                    .POST,
                    "\(base)/Users",
                    token: token,
                    body: Bodies.user("\(name)@example.com")
                )
                #expect(status == 201)
                ids.append(try #require(body?["id"]?.stringValue))
            }
            for (name, members) in [("Engineering", ids), ("Sales", [ids[0]])] {
                let (status, _) = try await ServeProcessTests.request(
                    .POST,
                    "\(base)/Groups",
                    token: token,
                    body: Bodies.group(name, members: members)
                )
                #expect(status == 201)
            }
            let statusCommand = ["status", "--config", scratch.config.path, "--data-dir", scratch.data.path]
            #expect(
                try await ServeProcessTests.eventually(within: .seconds(20)) {
                    try ServeProcessTests.run(statusCommand).output.components(separatedBy: "onNameCollision is 'fail'")
                        .count == 3
                },
                "both groups are blocked"
            )

            let resolve = [
                "targets", "resolve", "github", "--config", scratch.config.path, "--data-dir", scratch.data.path,
            ]
            // Refused: no acknowledgement, `fail`, a group that is not blocked.
            let unacknowledged = try ServeProcessTests.run(resolve + ["--group", "Engineering", "--policy", "merge"])
            #expect(unacknowledged.status != 0 && unacknowledged.output.contains("--acknowledge"))
            #expect(unacknowledged.output.contains("its members stay"), "\(unacknowledged.output)")
            let fail = try ServeProcessTests.run(
                resolve + ["--group", "Engineering", "--policy", "fail", "--acknowledge"]
            )
            #expect(fail.status != 0 && fail.output.contains("choose merge or overwrite"), "\(fail.output)")
            let unknown = try ServeProcessTests.run(
                resolve + ["--group", "Finance", "--policy", "merge", "--acknowledge"]
            )
            #expect(unknown.status != 0, "\(unknown.output)")
            #expect(unknown.output.contains("blocked there: Engineering, Sales"), "\(unknown.output)")
            #expect(emulator.state().memberNames(of: "Engineering") == ["outsider@example.com"])

            // Settled, case-insensitively by name, while serve runs.
            let settled = try ServeProcessTests.run(
                resolve + ["--group", "engineering", "--policy", "merge", "--acknowledge"]
            )
            #expect(settled.status == 0, "\(settled.output)")
            let merged: Set<String> = ["outsider@example.com", "alice@example.com", "bob@example.com"]
            #expect(
                try await ServeProcessTests.eventually(within: .seconds(20)) {
                    emulator.state().memberNames(of: "Engineering") == merged
                }
            )
            // The target's policy still holds for the other group.
            #expect(emulator.state().memberNames(of: "Sales") == ["outsider@example.com"])
            let status = try ServeProcessTests.run(statusCommand).output
            #expect(status.components(separatedBy: "onNameCollision is 'fail'").count == 2, "\(status)")
            #expect(emulator.state().groups.filter { $0["displayName"]?.stringValue == "Engineering" }.count == 1)
        }
    }
}
