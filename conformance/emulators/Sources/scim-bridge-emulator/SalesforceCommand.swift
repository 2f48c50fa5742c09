import ArgumentParser
import Emulators
import Foundation
import Logging

/// `scim-bridge-emulator salesforce`: an emulated Salesforce org (REST API and JWT bearer token endpoint).
struct SalesforceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "salesforce",
        abstract:
            "An emulated Salesforce org: /services/oauth2/token (JWT bearer) and /services/data/vXX.X; prints its base URL (the login and instance URL) once listening."
    )

    @Option(help: "The port to listen on (0 picks a free one).") var port: Int
    @Option(help: "The address to bind.") var host = "127.0.0.1"
    @Option(help: "PEM file with the RSA public key of the connected app's certificate.") var publicKey: String
    @Option(help: "The connected app's consumer key (the assertion's iss); repeatable.") var clientId: [String] = [
        SalesforceEmulator.defaultClientID
    ]
    @Option(help: "The aud an assertion must name.") var audience = "https://login.salesforce.com"
    @Option(help: "The integration user (the assertion's sub), created with the org.") var integrationUsername =
        "integration@example.com"
    @Option(help: "Seconds an access token stays valid.") var tokenLifetime = 7200
    @Option(help: "Answer 403 REQUEST_LIMIT_EXCEEDED beyond this many API requests a minute.") var requestsPerMinute:
        Int?
    @Option(help: "Rows per query page before nextRecordsUrl.") var queryBatchSize = 2000
    @Option(help: "A username taken in another org (DUPLICATE_USERNAME); repeatable.") var takenUsername: [String] = []

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535.") }
        if let n = requestsPerMinute, n < 1 { throw ValidationError("--requests-per-minute must be at least 1.") }
        guard tokenLifetime >= 1 else { throw ValidationError("--token-lifetime must be at least 1 second.") }
        guard queryBatchSize >= 1 else { throw ValidationError("--query-batch-size must be at least 1.") }
    }

    func run() async throws {
        let pem: String
        do {
            pem = try String(contentsOfFile: publicKey, encoding: .utf8)
        } catch {
            throw ValidationError("Cannot read --public-key \(publicKey): \(error.localizedDescription)")
        }
        let emulator: SalesforceEmulator
        do {
            emulator = try SalesforceEmulator(
                configuration: .init(
                    publicKeyPEM: pem,
                    clientIDs: Set(clientId),
                    audience: audience,
                    integrationUsername: integrationUsername,
                    tokenLifetime: .seconds(tokenLifetime),
                    requestLimit: requestsPerMinute.map { .perMinute($0) },
                    queryBatchSize: queryBatchSize,
                    takenUsernames: Set(takenUsername)
                )
            )
        } catch {
            throw ValidationError("--public-key \(publicKey) is not a PEM RSA public key (BEGIN PUBLIC KEY).")
        }
        var logger = Logger(label: "scim-bridge-emulator")
        logger.logLevel = .warning
        let server = EmulatorServer(emulator: emulator, host: host, port: port, logger: logger) { url in
            // Unbuffered, so that a script reading the first line gets it at once.
            FileHandle.standardOutput.write(Data((url.absoluteString + "\n").utf8))
        }
        try await server.run()
    }
}
