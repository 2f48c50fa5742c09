import ArgumentParser
import Emulators
import Foundation
import Logging

/// `scim-bridge-emulator slack`: Slack's SCIM v2 API, with its error codes, rate limits and resource locks.
struct SlackCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "slack",
        abstract: "Slack's SCIM v2 API (targets.md §B); prints its base URL on standard output once listening."
    )

    @Option(help: "The port to listen on (0 picks a free one).") var port: Int
    @Option(help: "The address to bind.") var host = "127.0.0.1"
    @Option(help: "The bearer token clients must send.") var token = SlackEmulator.defaultToken
    @Option(help: "Multiply every figure of Slack's rate-limit table by this (0 turns rate limits off).")
    var rateScale = 1.0
    @Option(help: "How long a write to a user or group takes; a concurrent write to it gets 429 resource_locked.")
    var updateDurationMs = 0
    @Option(help: "A channel name no user may take (repeatable).") var channel: [String] = []

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535.") }
        guard rateScale >= 0 else { throw ValidationError("--rate-scale must not be negative.") }
        guard updateDurationMs >= 0 else { throw ValidationError("--update-duration-ms must not be negative.") }
    }

    func run() async throws {
        let emulator = SlackEmulator(
            configuration: .init(
                token: token,
                rateScale: rateScale > 0 ? rateScale : nil,
                updateDuration: .milliseconds(updateDurationMs),
                channelNames: channel,
                recordRequests: false
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
