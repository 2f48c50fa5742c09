import ArgumentParser
import Emulators
import Foundation
import Logging

/// `scim-bridge-emulator msgraph`: an emulated Microsoft Graph (Entra ID users and groups) with the
/// identity platform's token endpoint.
struct MSGraphCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "msgraph",
        abstract:
            "An emulated Microsoft Graph v1.0 (users, groups, members, $batch) with the token endpoint /{tenant}/oauth2/v2.0/token; prints its base URL once listening."
    )

    @Option(help: "The port to listen on (0 picks a free one).") var port: Int
    @Option(help: "The address to bind.") var host = "127.0.0.1"
    @Option(help: "The tenant id (in the token URL and the tokens).") var tenant = MSGraphEmulator.Configuration()
        .tenantID
    @Option(help: "The app registration's client id.") var clientID = MSGraphEmulator.Configuration().clientID
    @Option(help: "A file holding the client secret to accept (none: secrets are refused).") var clientSecretFile:
        String?
    @Option(help: "The PEM file of the app's X.509 certificate (none: certificate assertions are refused).")
    var certificate: String?
    @Option(help: "The PEM file of the certificate's public key (default: taken from the certificate).")
    var publicKey: String?
    @Option(help: "A verified domain for user principal names (repeatable).") var domain: [String] = []
    @Option(help: "A federated domain: its users need onPremisesImmutableId, not a password (repeatable).")
    var federatedDomain: [String] = []
    @Option(help: "An app role granted in the tokens (repeatable; default: the three a provisioning connector needs).")
    var role: [String] = []
    @Option(help: "How long an issued access token lives, in seconds.") var tokenLifetime = 3599
    @Option(help: "Write requests allowed per write window (0: unlimited).") var writesPerWindow = 3000
    @Option(help: "The write window, in seconds.") var writeWindow = 150
    @Option(help: "ResourceUnits per 10 seconds (0: unlimited).") var resourceUnits = 8000
    @Option(help: "How long a new user or group stays unknown to member references, in milliseconds.")
    var replicationDelay = 0
    @Option(help: "An OpenAPI description (YAML) to check every Graph request against.") var contract: String?

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535.") }
        guard tokenLifetime >= 1 else { throw ValidationError("--token-lifetime must be at least 1.") }
        guard writesPerWindow >= 0, resourceUnits >= 0 else { throw ValidationError("Limits must not be negative.") }
        guard writeWindow >= 1 else { throw ValidationError("--write-window must be at least 1.") }
        guard replicationDelay >= 0 else { throw ValidationError("--replication-delay must not be negative.") }
    }

    func run() async throws {
        func read(_ path: String, _ option: String) throws -> String {
            do {
                return try String(contentsOfFile: path, encoding: .utf8)
            } catch {
                throw ValidationError("Cannot read \(option) \(path): \(error.localizedDescription)")
            }
        }
        let defaults = MSGraphEmulator.Configuration()
        let emulator = try MSGraphEmulator(
            configuration: .init(
                tenantID: tenant,
                clientID: clientID,
                clientSecret: try clientSecretFile.map {
                    try read($0, "--client-secret-file").trimmingCharacters(in: .whitespacesAndNewlines)
                },
                certificatePEM: try certificate.map { try read($0, "--certificate") },
                publicKeyPEM: try publicKey.map { try read($0, "--public-key") },
                roles: role.isEmpty ? MSGraphEmulator.requiredRoles : Set(role),
                verifiedDomains: domain.isEmpty ? defaults.verifiedDomains : Set(domain),
                federatedDomains: Set(federatedDomain),
                tokenLifetime: .seconds(tokenLifetime),
                writesPerWindow: writesPerWindow == 0 ? nil : writesPerWindow,
                writeWindow: .seconds(writeWindow),
                resourceUnitsPerWindow: resourceUnits == 0 ? nil : resourceUnits,
                replicationDelay: .milliseconds(replicationDelay),
                contract: try contract.map { try OpenAPIContract(yaml: try read($0, "--contract")) }
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
