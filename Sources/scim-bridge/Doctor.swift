import ArgumentParser
import BridgeConfig
import BridgeRuntime
import Connectors
import Foundation

/// `scim-bridge doctor --target NAME`: checks a target the way PingOne's "Test connection" does —
/// secrets resolvable, the API reachable, the credentials accepted — and says what to fix.
struct Doctor: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check a target's credentials and reachability, with a clear message for each failure."
    )
    @Option(help: "Configuration file (YAML) that defines the target; see docs/configuration.md.") var config: String
    @Option(help: "The target's name in the configuration.") var target: String

    func run() async throws {
        let file: BridgeConfiguration
        do { file = try ConfigurationLoader.load(file: config) } catch { throw CLIError("\(error)") }
        guard let i = file.targets.firstIndex(where: { $0.name == target }) else {
            throw CLIError(
                "--target: no target named '\(target)' in \(config); it has: \(file.targets.map(\.name).joined(separator: ", "))."
            )
        }
        let t = file.targets[i]
        print("target \(t.name) (\(t.kind.rawValue)) at \(t.baseURL)")
        for (key, secret) in t.auth.secrets {
            do {
                _ = try secret.resolve()
                print("  ok    targets[\(i)].auth.\(key) resolves (\(secret))")
            } catch {
                throw CLIError("targets[\(i)].auth.\(key): \(error)")
            }
        }
        // Throttling is waited out; an unreachable or failing target is reported at once.
        let patience = HTTPTransport.Patience(budget: .seconds(120), failedReads: 0) { line in
            FileHandle.standardError.write(Data("  wait  \(line)\n".utf8))
        }
        if t.kind == .msgraph { try await checkGraphPermissions(t, index: i) }
        let connector = try TargetServices.connector(t, index: i, patience: patience)
        do {
            try await connector.testConnection()
            print("  ok    the API answered and accepted the credentials")
        } catch let error as TargetError {
            throw CLIError(Self.explain(error, t, index: i))
        }
    }

    /// Microsoft Graph: a token is obtained, and its `roles` claim holds the application permissions
    /// the connector needs; each failure in the terms of the app registration.
    func checkGraphPermissions(_ t: TargetSettings, index i: Int) async throws {
        let tokens = try TargetServices.msgraph(t, index: i, bucket: TargetServices.bucket(t)).tokens
        let authorization: String
        do {
            authorization = try await tokens.authorization()
        } catch let error as TargetError {
            throw CLIError(
                "targets[\(i)].auth: no access token from the Microsoft identity platform. \(Self.credentialHint(t.kind)) (\(error))"
            )
        }
        print("  ok    the Microsoft identity platform issued an access token")
        guard let roles = MSGraphTokenProvider.roles(inToken: String(authorization.dropFirst("Bearer ".count))) else {
            print("  warn  the access token is not a JWT; its application permissions cannot be read")
            return
        }
        let missing = MSGraphPermissions.missing(from: roles)
        guard missing.isEmpty else {
            let lines = missing.map { "\($0.roles[0]) (to \($0.purpose))" }.joined(separator: ", ")
            throw CLIError(
                "targets[\(i)].auth: the app registration lacks the application permissions \(lines). Add them in Entra ID under App registrations > API permissions > Microsoft Graph > Application permissions, then grant admin consent; the token has: \(roles.sorted().joined(separator: ", "))."
            )
        }
        print("  ok    application permissions: \(roles.sorted().joined(separator: ", "))")
    }

    /// What a failed check means for this kind of target, naming the configuration key to look at.
    static func explain(_ error: TargetError, _ t: TargetSettings, index i: Int) -> String {
        let auth = "targets[\(i)].auth"
        let base = "targets[\(i)].baseURL"
        switch error {
        case .permanent(401, let detail):
            return "\(auth): the target refused the credentials (HTTP 401). \(credentialHint(t.kind)) (\(detail))"
        case .unauthenticated(let detail):
            return
                "\(auth): the credentials could not be read, obtained or were refused. \(credentialHint(t.kind)) (\(detail))"
        case .permanent(403, let detail):
            return
                "\(auth): the credentials were accepted but lack permission (HTTP 403). \(credentialHint(t.kind)) (\(detail))"
        case .permanent(404, let detail):
            return "\(base): \(t.baseURL) has no SCIM endpoint there (HTTP 404). \(baseURLHint(t.kind)) (\(detail))"
        case .permanent(let status, let detail):
            return
                "\(base): the target answered HTTP \(status) to a simple read; is \(t.baseURL) the right API? (\(detail))"
        case .retryable(let detail, _) where detail.contains(" answered "):
            return "The target at \(t.baseURL) is reachable but not answering normally (\(detail)); try again later."
        case .retryable(let detail, _):
            return "\(base): cannot reach \(t.baseURL): check the address, DNS, proxy and firewall. (\(detail))"
        }
    }

    static func credentialHint(_ kind: TargetKind) -> String {
        switch kind {
        case .githubEMU:
            "GitHub EMU needs a personal access token (classic) of the enterprise's setup user with the scim:enterprise scope."
        case .slack: "Slack needs an org-level user token (xoxp-…) with the admin scope, installed by an org owner."
        case .google:
            "Google needs a service account with domain-wide delegation for the Directory scopes, impersonating an admin."
        case .salesforce:
            "Salesforce needs a connected app whose certificate signs the JWT, pre-authorized for the user."
        case .msgraph:
            "Microsoft Graph needs an app registration (Application (client) ID as clientId, the tenant in tokenURL) with a client secret or an uploaded certificate, and application permissions with admin consent."
        case .scim: "Check the token or password the SCIM service provider issued for the bridge."
        }
    }

    static func baseURLHint(_ kind: TargetKind) -> String {
        switch kind {
        case .githubEMU: "Check the enterprise slug in https://api.github.com/scim/v2/enterprises/{slug}."
        case .slack: "Slack's SCIM base URL is https://api.slack.com/scim/v2."
        default: "Check the base URL (it ends before /Users)."
        }
    }
}
