import ArgumentParser
import AsyncHTTPClient
import ConformanceKit
import Foundation
import NIOCore
import SCIM

/// `scim-conformance run`: replays the identity providers' scenarios against a server.
struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Replay what PingOne, Okta and Entra send against a SCIM server and check its answers.",
        discussion: """
            Every scenario creates the users and groups it needs under a unique prefix and deletes them \
            afterwards, so the server may hold other data. Exit status: 0 nothing failed, 1 a check \
            failed, 2 the server or the tool could not run.
            """
    )

    @Option(help: "The SCIM base URL that /Users and /Groups hang from, e.g. http://127.0.0.1:8080/scim/v2/default.")
    var baseURL: String
    @Option(help: "Send Authorization: Bearer TOKEN.") var token: String?
    @Option(help: "Send HTTP Basic authentication, USER:PASSWORD.") var basic: String?
    @Option(help: "Identity providers whose scenarios run, comma-separated: pingone, okta, entra.")
    var idp = "pingone,okta,entra"
    @Option(help: "Classes of expectations checked, comma-separated: rfc, idp (bridge is scim-bridge's own).")
    var checks = "rfc,idp"
    @Option(help: "The scenario folder (default: conformance/scenarios of this repository).") var scenarios: String?
    @Option(help: "Seconds to wait for one answer.") var timeout = 30
    @Flag(help: "Allow a base URL that is not a loopback address.") var allowRemote = false
    @OptionGroup var files: ReportFiles

    func validate() throws {
        if token != nil && basic != nil { throw ValidationError("give --token or --basic, not both") }
        if let basic, !basic.contains(":") { throw ValidationError("--basic takes USER:PASSWORD") }
        for c in checks.split(separator: ",") where CheckClass(rawValue: String(c)) == nil {
            throw ValidationError("--checks: unknown class '\(c)' (rfc, idp, bridge)")
        }
    }

    func run() async throws {
        let base = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        guard let url = URL(string: base), let scheme = url.scheme, ["http", "https"].contains(scheme),
            let host = url.host
        else { throw ValidationError("--base-url must be an http:// or https:// URL: \(baseURL)") }
        if !isLoopback(host) && !allowRemote {
            throw ValidationError(
                "\(host) is not a loopback address; scim-conformance creates and deletes users and groups, "
                    + "so pass --allow-remote to check a server elsewhere"
            )
        }
        let loaded = try loadScenarios()
        let prefix = ScenarioRunner.randomPrefix()

        let authorization: String? =
            if let token { "Bearer \(token)" } else if let basic {
                "Basic \(Data(basic.utf8).base64EncodedString())"
            } else { nil }
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(connect: .seconds(Int64(min(timeout, 10))), read: .seconds(Int64(timeout)))
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        let transport = HTTPClientTransport(
            baseURL: base,
            authorization: authorization,
            client: client,
            timeout: .seconds(Int64(timeout))
        )
        let classes = Set(checks.split(separator: ",").compactMap { CheckClass(rawValue: String($0)) })
        let runner = ScenarioRunner(transport: transport, classes: classes, prefix: prefix)

        print(
            "scim-conformance run against \(base), checking \(classes.sorted().map(\.rawValue).joined(separator: ", "))"
        )
        print(
            "Each scenario asks to create these users and groups (a duplicate the server should refuse included), "
                + "and deletes whatever it created when it ends:"
        )
        for (i, scenario) in loaded.enumerated() {
            let made = scenario.creations(prefix: runner.runValue(i + 1))
            print("  \(scenario.idp)/\(scenario.name):" + (made.isEmpty ? " nothing" : ""))
            for m in made { print("    \(m.endpoint == "/Users" ? "user " : "group") \(m.name)") }
        }
        print("")

        var report = Report(target: base)
        for (i, scenario) in loaded.enumerated() {
            if let unreachable = report.suites.last?.error, unreachable.contains("no answer to") {
                // The server stopped answering: the remaining scenarios cannot run either.
                report.suites.append(
                    Report.Suite(
                        name: "\(scenario.idp)/\(scenario.name)",
                        group: scenario.idp,
                        description: scenario.description,
                        error: "not run: the server did not answer the scenario before"
                    )
                )
                continue
            }
            let suite = await runner.run(scenario, number: i + 1)
            var counts = Report.Counts()
            for c in suite.cases { counts.add(c.outcome) }
            print(
                "\(suite.name): \(counts.passed) passed, \(counts.failed) failed, \(counts.skipped) skipped"
                    + (suite.error.map { " (could not run: \($0))" } ?? "")
            )
            report.suites.append(suite)
        }
        try? await client.shutdown()
        print("")
        print(report.renderText(), terminator: "")
        try files.write(report)
        throw ExitCode(report.exitStatus)
    }

    /// The scenarios of the chosen identity providers, in name order.
    func loadScenarios() throws -> [Scenario] {
        guard let root = scenarios.map({ URL(fileURLWithPath: $0) }) ?? locate("conformance/scenarios") else {
            throw ValidationError("no conformance/scenarios folder here or above the executable; pass --scenarios DIR")
        }
        let fm = FileManager.default
        var out: [Scenario] = []
        for name in idp.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces).lowercased() }) {
            let dir = root.appendingPathComponent(name)
            guard let files = try? fm.contentsOfDirectory(atPath: dir.path) else {
                throw ValidationError("no scenarios for '\(name)' in \(root.path)")
            }
            for file in files.sorted() where file.hasSuffix(".json") {
                let text = try String(contentsOf: dir.appendingPathComponent(file), encoding: .utf8)
                do {
                    out.append(try Scenario(json: try JSONParser.parse(text)))
                } catch {
                    throw ValidationError("\(name)/\(file): \(error)")
                }
            }
        }
        return out
    }
}
