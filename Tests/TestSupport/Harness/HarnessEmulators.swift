package import BridgeConfig
package import BridgeRuntime
package import Connectors
package import Emulators
package import Foundation
import SCIM

// How the harness reaches each emulator: the credentials each one accepts, and its members' names.

/// The names of the users `ids` (SCIM resources) among `users`, as `name` reads them.
private func names(of ids: [String], among users: [JSONObject], name: (JSONObject) -> String?) -> Set<String> {
    let byID = Dictionary(
        uniqueKeysWithValues: users.compactMap { u in u["id"]?.stringValue.flatMap { id in name(u).map { (id, $0) } } }
    )
    return Set(ids.compactMap { byID[$0] })
}

/// An emulator that takes a static bearer token, its `defaultToken` (SCIM, GitHub EMU, Slack).
package protocol BearerTokenEmulator: HarnessEmulator {
    static var kind: TargetKind { get }
    static var defaultToken: String { get }
}

extension BearerTokenEmulator {
    package func targetSettings(name: String, url: URL) -> TargetSettings {
        TargetSettings(
            name: name,
            kind: Self.kind,
            baseURL: url.absoluteString,
            auth: .bearer(Secret(.inline(Self.defaultToken)))
        )
    }
}

extension SCIMEmulator: BearerTokenEmulator {
    package typealias Connector = SCIMConnector
    package static var kind: TargetKind { .scim }

    package func memberNames(of group: String) -> Set<String> {
        let state = state()
        guard let g = state.group(named: group) else { return [] }
        return names(of: EmulatorState.memberIDs(of: g), among: state.users) { $0["userName"]?.stringValue }
    }
}

extension GitHubEMUEmulator: BearerTokenEmulator {
    package typealias Connector = GitHubEMUConnector
    package static var kind: TargetKind { .githubEMU }

    package func memberNames(of group: String) -> Set<String> { state().memberNames(of: group) }
}

extension SlackEmulator: BearerTokenEmulator {
    package typealias Connector = SlackConnector
    package static var kind: TargetKind { .slack }

    /// Slack users are matched by email.
    package func memberNames(of group: String) -> Set<String> {
        let state = state()
        guard let g = state.group(named: group) else { return [] }
        return names(of: SlackEmulatorState.memberIDs(of: g), among: state.users) {
            $0["emails"]?.arrayValue?.first?["value"]?.stringValue
        }
    }
}

extension GoogleEmulator: HarnessEmulator {
    package typealias Connector = GoogleConnector

    /// A service account impersonating `admin@example.com` in the `example.com` domain.
    package func targetSettings(name: String, url: URL) -> TargetSettings {
        let tokenURL = url.absoluteString + "/token"
        return TargetSettings(
            name: name,
            kind: .google,
            baseURL: url.absoluteString,
            auth: .googleServiceAccount(
                key: Secret(.inline(GoogleTestKeys.keyFile(tokenURI: tokenURL))),
                subject: "admin@example.com",
                tokenURL: tokenURL,
                scopes: GoogleEmulator.directoryScopes.sorted()
            ),
            google: GoogleSettings(domain: "example.com")
        )
    }

    package func memberNames(of group: String) -> Set<String> { state().memberEmails(ofGroupNamed: group) }
}

extension SalesforceEmulator: HarnessEmulator {
    package typealias Connector = SalesforceConnector

    /// The connected app's JWT bearer flow for `integration@example.com`; new users get the standard profile.
    package func targetSettings(name: String, url: URL) -> TargetSettings {
        var salesforce = SalesforceSettings()
        salesforce.profileId = SalesforceEmulator.standardProfileID
        return TargetSettings(
            name: name,
            kind: .salesforce,
            baseURL: url.absoluteString,
            auth: .salesforceJWT(
                clientId: Secret(.inline(SalesforceEmulator.defaultClientID)),
                username: "integration@example.com",
                privateKey: Secret(.inline(SalesforceTestKeys.privateKeyPEM)),
                tokenURL: url.absoluteString + "/services/oauth2/token",
                audience: "https://login.salesforce.com"
            ),
            salesforce: salesforce
        )
    }

    package func memberNames(of group: String) -> Set<String> { state().memberUsernames(ofGroupNamed: group) }
}
