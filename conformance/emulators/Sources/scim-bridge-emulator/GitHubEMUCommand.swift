import ArgumentParser
import Emulators
import Foundation
import Logging

/// `scim-bridge-emulator github-emu`: GitHub Enterprise Managed Users' SCIM API for one enterprise.
struct GitHubEMUCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "github-emu",
        abstract:
            "GitHub EMU's SCIM API (/scim/v2/enterprises/<slug>), checked against GitHub's OpenAPI; prints its base URL on standard output once listening."
    )

    @Option(help: "The port to listen on (0 picks a free one).") var port: Int
    @Option(help: "The address to bind.") var host = "127.0.0.1"
    @Option(help: "The enterprise slug in the base path.") var enterprise = "acme"
    @Option(help: "The bearer token clients must send (the setup user's PAT).") var token = GitHubEMUEmulator
        .defaultToken
    @Option(help: "Answer 429 with Retry-After beyond this many requests a minute.") var rateLimitPerMinute: Int?
    @Option(help: "What PATCH /Groups/{id} answers: 204 or 200 (with the group).") var groupPatchStatus = 204

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535.") }
        if let n = rateLimitPerMinute, n < 1 { throw ValidationError("--rate-limit-per-minute must be at least 1.") }
        guard !enterprise.isEmpty, !enterprise.contains("/") else {
            throw ValidationError("--enterprise must be a slug such as acme.")
        }
        guard GitHubEMUEmulator.GroupPatchAnswer(rawValue: groupPatchStatus) != nil else {
            throw ValidationError("--group-patch-status must be 204 or 200.")
        }
    }

    func run() async throws {
        let emulator = GitHubEMUEmulator(
            configuration: .init(
                enterprise: enterprise,
                token: token,
                rateLimit: rateLimitPerMinute.map { .perMinute($0) },
                groupPatchAnswer: GitHubEMUEmulator.GroupPatchAnswer(rawValue: groupPatchStatus) ?? .noContent
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
