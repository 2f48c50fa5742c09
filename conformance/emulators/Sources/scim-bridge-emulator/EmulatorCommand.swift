import ArgumentParser
import Emulators
import Foundation
import Logging

/// `scim-bridge-emulator <kind> --port P`: runs one target emulator until interrupted.
@main
struct EmulatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scim-bridge-emulator",
        abstract:
            "Run an emulated target service provider for connector tests (loopback only: the admin API has no authentication).",
        subcommands: [
            SCIMCommand.self, GitHubEMUCommand.self, SlackCommand.self, GoogleCommand.self, SalesforceCommand.self,
            MSGraphCommand.self,
        ]
    )
}

/// `scim-bridge-emulator scim`: a strict generic SCIM 2.0 service provider.
struct SCIMCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scim",
        abstract: "A strict SCIM 2.0 service provider; prints its base URL on standard output once listening."
    )

    @Option(help: "The port to listen on (0 picks a free one).") var port: Int
    @Option(help: "The address to bind.") var host = "127.0.0.1"
    @Option(help: "The bearer token clients must send.") var token = SCIMEmulator.defaultToken
    @Option(help: "Answer 429 with Retry-After beyond this many requests a minute.") var rateLimitPerMinute: Int?
    @Option(help: "The largest page a query returns.") var maxResults = 100

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535.") }
        if let n = rateLimitPerMinute, n < 1 { throw ValidationError("--rate-limit-per-minute must be at least 1.") }
        guard maxResults >= 1 else { throw ValidationError("--max-results must be at least 1.") }
    }

    func run() async throws {
        let emulator = SCIMEmulator(
            configuration: .init(
                token: token,
                rateLimit: rateLimitPerMinute.map { .perMinute($0) },
                maxResults: maxResults
            )
        )
        var logger = Logger(label: "scim-bridge-emulator")
        logger.logLevel = .warning
        let server = EmulatorServer(emulator: emulator, host: host, port: port, logger: logger) { url in
            // Unbuffered, so that a script reading the first line gets it at once.
            FileHandle.standardOutput.write(Data((url.absoluteString + "\n").utf8))
        }
        try await server.run()
    }
}
