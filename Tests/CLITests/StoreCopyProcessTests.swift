import Foundation
import TestSupport
import Testing

/// `scim-bridge store copy`, as an operator runs it: a SQLite data directory into an empty PostgreSQL
/// database, and the errors that say what to give instead.
@Suite("store copy, as a process", .serialized)
struct StoreCopyProcessTests {
    /// Runs the built `scim-bridge` with `arguments`, and `environment` added to this process's.
    static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> (
        status: Int32, output: String
    ) {
        let child = try ChildProcess(
            executable: try #require(ServeProcessTests.executable),
            arguments: arguments,
            environment: ProcessInfo.processInfo.environment.merging(environment) { $1 },
            mergeErrors: true
        )
        let data = child.output.readDataToEndOfFile()
        let status = child.waitUntilExit()
        return (status, String(decoding: data, as: UTF8.self))
    }

    /// The count printed for `table` (a line `  table  N`), if any.
    static func count(of table: String, in output: String) -> Int? {
        for line in output.split(separator: "\n") {
            let words = line.split(separator: " ")
            if words.count == 2, words[0] == table { return Int(words[1]) }
        }
        return nil
    }

    @Test(
        "copies a data directory into an empty database, prints each table's rows, and refuses a second copy",
        .disabled(
            if: StoreBackend.postgresURL == nil,
            "SCIM_BRIDGE_TEST_POSTGRES_URL is unset: no PostgreSQL to copy into (scripts/test-postgres start)"
        )
    )
    func copiesIntoAnEmptyDatabase() async throws {
        let scratch = try ServeProcessTests.Scratch()
        defer { scratch.cleanUp() }
        let data = scratch.data.path
        for channel in ["pingone", "okta"] {
            let created = try Self.run(["channels", "create", channel, "--data-dir", data])
            #expect(created.status == 0, "\(created.output)")
        }
        try await StoreBackend.withPostgresDatabase { url in
            let copied = try Self.run(["store", "copy", "--from", "sqlite:\(data)", "--to", url])
            #expect(copied.status == 0, "\(copied.output)")
            #expect(Self.count(of: "channel", in: copied.output) == 2, "\(copied.output)")
            #expect(Self.count(of: "credential", in: copied.output) == 2, "\(copied.output)")
            #expect(Self.count(of: "scim_user", in: copied.output) == 0, "\(copied.output)")
            #expect(Self.count(of: "outbox", in: copied.output) == 0, "\(copied.output)")
            #expect(copied.output.contains("Row counts verified on both sides: 4 rows in all."), "\(copied.output)")
            // Hashes and salts are copied, never shown; the URL's password would not be either.
            #expect(!copied.output.contains("scb_"))

            // The URL from the environment, as storage.postgres.url may name it; the database is no longer empty.
            let again = try Self.run(
                ["store", "copy", "--from", "sqlite:\(data)", "--to", "postgres:env:COPY_TARGET_URL"],
                environment: ["COPY_TARGET_URL": url]
            )
            #expect(again.status != 0)
            #expect(again.output.contains("not empty"), "\(again.output)")
            #expect(again.output.contains("channel (2)"), "\(again.output)")
        }
    }

    @Test("errors name the option and say what to give")
    func badOptions() throws {
        let scratch = try ServeProcessTests.Scratch()
        defer { scratch.cleanUp() }
        let data = scratch.data.path
        let url = "postgres://nobody@127.0.0.1:1/none"

        let noScheme = try Self.run(["store", "copy", "--from", data, "--to", url])
        #expect(noScheme.status != 0)
        #expect(noScheme.output.contains("--from must be sqlite:DIR"), "\(noScheme.output)")

        let missing = try Self.run(["store", "copy", "--from", "sqlite:\(data)/nowhere", "--to", url])
        #expect(missing.status != 0)
        #expect(missing.output.contains("is not a directory"), "\(missing.output)")

        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
        let empty = try Self.run(["store", "copy", "--from", "sqlite:\(data)", "--to", url])
        #expect(empty.status != 0)
        #expect(empty.output.contains("--from: there is no SQLite database"), "\(empty.output)")

        let notPostgres = try Self.run(["store", "copy", "--from", "sqlite:\(data)", "--to", "mysql://x@y/z"])
        #expect(notPostgres.status != 0)
        #expect(notPostgres.output.contains("--to must be postgres://"), "\(notPostgres.output)")

        let created = try Self.run(["channels", "create", "pingone", "--data-dir", data])
        #expect(created.status == 0, "\(created.output)")
        let unset = try Self.run([
            "store", "copy", "--from", "sqlite:\(data)", "--to", "postgres:env:SCIM_BRIDGE_NO_SUCH_VARIABLE",
        ])
        #expect(unset.status != 0)
        #expect(
            unset.output.contains("--to: the environment variable SCIM_BRIDGE_NO_SUCH_VARIABLE is not set"),
            "\(unset.output)"
        )
    }

    @Test("refuses to copy a data directory a serve is running on")
    func refusesWhileServing() async throws {
        let executable = try #require(CrashRecoveryTests.executable)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("scim-bridge-copy-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let serving = try CrashRecoveryTests.BridgeProcess(executable: executable, config: nil, dataDir: dir)
        defer {
            serving.process.terminate()
            serving.process.waitUntilExit()
        }
        _ = try await serving.port()

        let copy = try Self.run([
            "store", "copy", "--from", "sqlite:\(dir.path)", "--to", "postgres://nobody@127.0.0.1:1/none",
        ])
        #expect(copy.status != 0)
        #expect(
            copy.output.contains("--from: a 'scim-bridge serve' is running on '\(dir.path)'. Stop it first"),
            "\(copy.output)"
        )
    }
}
