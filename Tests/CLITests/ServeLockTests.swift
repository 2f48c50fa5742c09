import Foundation
import TestSupport
import Testing

/// `serve` refuses a data directory another `serve` is using, and takes it once that one is gone.
@Suite("One serve per data directory")
struct ServeLockTests {
    typealias Bridge = CrashRecoveryTests.BridgeProcess

    @Test(
        .enabled(
            if: CrashRecoveryTests.executable != nil,
            "the scim-bridge executable is built by `swift build` / `swift test`"
        )
    )
    func secondServeOnTheSameDirectoryStopsWithAClearMessage() async throws {
        let executable = try #require(CrashRecoveryTests.executable)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("scim-bridge-lock-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }

        let first = try Bridge(executable: executable, config: nil, dataDir: dir)
        _ = try await first.port()

        let second = try Bridge(executable: executable, config: nil, dataDir: dir)
        second.process.waitUntilExit()
        #expect(second.process.terminationStatus != 0)
        try await Task.sleep(for: .milliseconds(100))  // the last of its standard error
        let message = second.errors.withLock { $0 }
        #expect(message.contains("already serving the data directory '\(dir.path)'"), "\(message)")

        first.process.terminate()
        first.process.waitUntilExit()
        let third = try Bridge(executable: executable, config: nil, dataDir: dir)
        defer { third.process.terminate(); third.process.waitUntilExit() }
        #expect(try await third.port() > 0, "the directory is free once the first serve has stopped")
    }
}
