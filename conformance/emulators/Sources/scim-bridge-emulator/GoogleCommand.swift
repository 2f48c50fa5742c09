import ArgumentParser
import Emulators
import Foundation
import Logging

/// `scim-bridge-emulator google`: an emulated Google Workspace Directory API with its token endpoint.
struct GoogleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "google",
        abstract:
            "An emulated Google Workspace (Admin SDK Directory API v1 and the OAuth token endpoint /token); prints its base URL once listening."
    )

    @Option(help: "The port to listen on (0 picks a free one).") var port: Int
    @Option(help: "The address to bind.") var host = "127.0.0.1"
    @Option(help: "The PEM file of the RSA public key that verifies the service account's JWT assertions.")
    var publicKey: String
    @Option(help: "How long an issued access token lives, in seconds.") var tokenLifetime = 3600
    @Option(help: "Answer 403 userRateLimitExceeded beyond this many API requests a minute.") var quotaPerMinute: Int?
    @Option(help: "How long a new group answers 404, in milliseconds (Google's propagation delay).")
    var propagationDelay = 0

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535.") }
        guard tokenLifetime >= 1 else { throw ValidationError("--token-lifetime must be at least 1.") }
        if let n = quotaPerMinute, n < 1 { throw ValidationError("--quota-per-minute must be at least 1.") }
        guard propagationDelay >= 0 else { throw ValidationError("--propagation-delay must not be negative.") }
    }

    func run() async throws {
        let pem: String
        do {
            pem = try String(contentsOfFile: publicKey, encoding: .utf8)
        } catch {
            throw ValidationError("Cannot read --public-key \(publicKey): \(error.localizedDescription)")
        }
        let emulator = try GoogleEmulator(
            configuration: .init(
                publicKeyPEM: pem,
                tokenLifetime: .seconds(tokenLifetime),
                quotaPerMinute: quotaPerMinute,
                groupPropagationDelay: .milliseconds(propagationDelay)
            )
        )
        var logger = Logger(label: "scim-bridge-emulator")
        logger.logLevel = .warning
        let server = EmulatorServer(emulator: emulator, host: host, port: port, logger: logger) { url in
            FileHandle.standardOutput.write(Data((url.absoluteString + "\n").utf8))
        }
        try await server.run()
    }
}
