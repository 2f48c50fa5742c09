import ArgumentParser
import ConformanceKit
import Foundation

/// `scim-conformance`: checks any SCIM server the way PingOne, Okta and Entra will use it
/// (conformance/README.md).
@main
struct SCIMConformance: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scim-conformance",
        abstract: "Check a SCIM 2.0 server the way identity providers use it.",
        discussion: "Exit status: 0 nothing failed, 1 a check failed, 2 the server or the tool could not run.",
        subcommands: [Run.self, Load.self, RFC.self]
    )

    /// Like ArgumentParser's `main`, except that a usage error or any other failure of the tool exits
    /// with 2, as the conformance runners do (1 is kept for "a check failed").
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let code as ExitCode {
            Foundation.exit(code.rawValue)
        } catch {
            if exitCode(for: error) == .success { exit(withError: error) }
            FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
            Foundation.exit(2)
        }
    }
}

/// Where the repository's `conformance/` files are: the working directory, or above the executable
/// (`.build/debug/scim-conformance`).
func locate(_ relative: String) -> URL? {
    let fm = FileManager.default
    var candidates = [URL(fileURLWithPath: fm.currentDirectoryPath)]
    var dir = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
    for _ in 0..<6 {
        candidates.append(dir)
        dir = dir.deletingLastPathComponent()
    }
    return candidates.map { $0.appendingPathComponent(relative) }.first { fm.fileExists(atPath: $0.path) }
}

/// Whether `host` is a loopback address: `localhost`, 127.0.0.0/8 or ::1.
func isLoopback(_ host: String) -> Bool {
    let h = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]")).lowercased()
    if h == "localhost" || h == "::1" || h == "0:0:0:0:0:0:0:1" { return true }
    let parts = h.split(separator: ".", omittingEmptySubsequences: false)
    return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { UInt8($0) != nil }
}

/// The report options shared by `run` and `rfc`.
struct ReportFiles: ParsableArguments {
    @Option(help: "Write the report as JUnit XML to FILE.") var junit: String?
    @Option(help: "Write the report as one self-contained HTML page to FILE.") var html: String?
    @Option(help: "Write the report as JSON to FILE.") var json: String?

    func write(_ report: Report) throws {
        if let junit { try report.renderJUnit().write(toFile: junit, atomically: true, encoding: .utf8) }
        if let html { try report.renderHTML().write(toFile: html, atomically: true, encoding: .utf8) }
        if let json { try report.renderJSON().write(toFile: json, atomically: true, encoding: .utf8) }
    }
}
