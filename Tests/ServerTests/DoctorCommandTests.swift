import Emulators
import Foundation
import Testing

/// `scim-bridge doctor`, run as a process against the SCIM emulator on loopback.
@Suite("doctor")
struct DoctorCommandTests {
    struct Outcome {
        var status: Int32
        var output: String
    }

    /// Runs `scim-bridge doctor` on a one-target configuration and returns its exit status and output.
    func doctor(baseURL: String, token: String) async throws -> Outcome {
        let executable = try #require(CrashRecoveryTests.executable)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("scim-bridge-doctor-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let config = dir.appendingPathComponent("bridge.yaml")
        try """
            targets:
              - name: acme
                kind: scim
                baseURL: \(baseURL)
                auth: { bearer: env:ACME_TOKEN }
                timeout: 5s
            """.write(to: config, atomically: true, encoding: .utf8)
        let p = Process()
        p.executableURL = executable
        p.arguments = ["doctor", "--config", config.path, "--target", "acme"]
        var env = ProcessInfo.processInfo.environment
        env["ACME_TOKEN"] = token
        p.environment = env
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = pipe
        let done = AsyncStream<Int32>.makeStream()
        p.terminationHandler = { proc in
            done.continuation.yield(proc.terminationStatus)
            done.continuation.finish()
        }
        try p.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        var iterator = done.stream.makeAsyncIterator()
        let status = await iterator.next() ?? -1
        return Outcome(status: status, output: String(decoding: data, as: UTF8.self))
    }

    @Test(.enabled(if: CrashRecoveryTests.executable != nil, "the scim-bridge executable is built by `swift build` / `swift test`"))
    func reportsEachFailureClearly() async throws {
        try await withRunningEmulator(SCIMEmulator()) { url, _ in
            let good = try await doctor(baseURL: url.absoluteString, token: SCIMEmulator.defaultToken)
            #expect(good.status == 0, "\(good.output)")
            #expect(good.output.contains("accepted the credentials"))

            let badToken = try await doctor(baseURL: url.absoluteString, token: "not-the-token")
            #expect(badToken.status != 0)
            #expect(badToken.output.contains("targets[0].auth"))
            #expect(badToken.output.contains("401"))
            #expect(!badToken.output.contains("not-the-token"))

            let wrongURL = try await doctor(baseURL: url.absoluteString + "/wrong", token: SCIMEmulator.defaultToken)
            #expect(wrongURL.status != 0)
            #expect(wrongURL.output.contains("targets[0].baseURL"))
            #expect(wrongURL.output.contains("404"))
        }
        // Nothing listens on port 9 (discard) on loopback: a network failure.
        let down = try await doctor(baseURL: "http://127.0.0.1:9/scim/v2", token: "t")
        #expect(down.status != 0)
        #expect(down.output.contains("cannot reach"))
    }
}
