import Foundation
import NIOHTTP1
import SCIM
import TestSupport
import Testing

/// `serve --executor`: both choices serve requests, and a wrong value stops start-up naming the option.
/// (The default, `event-loops`, is what every other real-process test runs.)
@Suite("serve --executor")
struct TaskExecutorTests {
    typealias Bridge = CrashRecoveryTests.BridgeProcess

    @Test(
        .enabled(
            if: CrashRecoveryTests.executable != nil,
            "the scim-bridge executable is built by `swift build` / `swift test`"
        ),
        arguments: ["event-loops", "swift"]
    )
    func servesWritesAndReadsOnEitherExecutor(_ choice: String) async throws {
        let executable = try #require(CrashRecoveryTests.executable)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("scim-bridge-exec-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let bridge = try Bridge(
            executable: executable,
            config: nil,
            dataDir: dir,
            extraArguments: ["--executor", choice]
        )
        defer { bridge.process.terminate(); bridge.process.waitUntilExit() }
        let port = try await bridge.port()
        let token = try #require(bridge.output.withLock { $0 }.split(separator: "\n").first.map(String.init))
        let base = "http://127.0.0.1:\(port)/scim/v2/default"

        // Concurrent creates share group commits; each must come back and be readable.
        let ids = try await withThrowingTaskGroup(of: String.self) { group in
            for i in 0..<20 {
                group.addTask {
                    let (status, body) = try await CrashRecoveryTests.request(
                        .POST,
                        "\(base)/Users",
                        token: token,
                        body: Bodies.user("exec\(i)@example.com")
                    )
                    #expect(status == 201)
                    return try #require(body?["id"]?.stringValue)
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(ids.count == 20)
        for id in ids {
            let (status, body) = try await CrashRecoveryTests.request(.GET, "\(base)/Users/\(id)", token: token)
            #expect(status == 200)
            #expect(body?["id"]?.stringValue == id)
        }
        let (status, list) = try await CrashRecoveryTests.request(
            .GET,
            "\(base)/Users?filter=userName%20sw%20%22exec%22",
            token: token
        )
        #expect(status == 200)
        #expect(list?["totalResults"] == 20)
    }

    @Test(
        .enabled(
            if: CrashRecoveryTests.executable != nil,
            "the scim-bridge executable is built by `swift build` / `swift test`"
        )
    )
    func anUnknownExecutorStopsStartUpNamingTheOption() async throws {
        let executable = try #require(CrashRecoveryTests.executable)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("scim-bridge-exec-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let bridge = try Bridge(
            executable: executable,
            config: nil,
            dataDir: dir,
            extraArguments: ["--executor", "threads"]
        )
        bridge.process.waitUntilExit()
        #expect(bridge.process.terminationStatus != 0)
        try await Task.sleep(for: .milliseconds(100))  // the last of its standard error
        let message = bridge.errors.withLock { $0 }
        #expect(message.contains("--executor"), "\(message)")
        #expect(message.contains("event-loops"), "\(message)")
    }
}
