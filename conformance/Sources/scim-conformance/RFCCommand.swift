import ArgumentParser
import ConformanceKit
import Foundation

/// `scim-conformance rfc`: runs scim2-tester through `conformance/scim2-tester/run` and folds its
/// results into the report.
struct RFC: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run scim2-tester's RFC checks (conformance/scim2-tester/run) and report them like `run`.",
        discussion: """
            Without --base-url the runner builds and starts a scim-bridge of its own; --reference checks \
            the reference server scim2-server instead. Needs Python 3.11 and, on the first run, PyPI.
            """
    )

    @Option(help: "The SCIM base URL to check (default: a bridge the runner starts).") var baseURL: String?
    @Option(help: "Send Authorization: Bearer TOKEN.") var token: String?
    @Flag(help: "Check the reference server scim2-server, started by the runner.") var reference = false
    @Flag(help: "Allow a base URL that is not a loopback address.") var allowRemote = false
    @Option(help: "The runner (default: conformance/scim2-tester/run of this repository).") var runner: String?
    @OptionGroup var files: ReportFiles

    func run() async throws {
        guard let script = runner ?? locate("conformance/scim2-tester/run")?.path else {
            throw ValidationError("no conformance/scim2-tester/run here or above the executable; pass --runner PATH")
        }
        let results = FileManager.default.temporaryDirectory
            .appendingPathComponent("scim-conformance-rfc-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: results) }
        var environment = ProcessInfo.processInfo.environment
        if let baseURL { environment["SCIM_BASE_URL"] = baseURL }
        if let token { environment["SCIM_TOKEN"] = token }
        if allowRemote { environment["SCIM_ALLOW_REMOTE"] = "1" }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["bash", script] + (reference ? ["--reference"] : []) + ["--json", results.path]
        process.environment = environment
        try process.run()
        process.waitUntilExit()
        let status = process.terminationStatus

        guard let text = try? String(contentsOf: results, encoding: .utf8) else {
            FileHandle.standardError.write(Data("scim2-tester wrote no results (runner exit status \(status))\n".utf8))
            throw ExitCode(2)
        }
        var report = Report(target: baseURL ?? (reference ? "scim2-server (started by the runner)" : "scim-bridge"))
        report.suites = [try Report.Suite(scim2TesterResults: text)]
        print("")
        print(report.renderText(), terminator: "")
        try files.write(report)
        throw ExitCode(status == 0 || status == 1 ? report.exitStatus : 2)
    }
}
