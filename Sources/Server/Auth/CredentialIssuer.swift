package import Membership
package import Store

/// Issues the credentials of a channel for the three methods PingOne offers: bearer token,
/// HTTP Basic, OAuth 2 client credentials. Each secret is shown once and stored hashed.
package struct CredentialIssuer: Sendable {
    let store: any Store

    package init(store: any Store) { self.store = store }

    /// Prefix of static bearer tokens; the next 12 characters are the lookup key.
    static let tokenPrefix = "scb_"

    /// Issues a new bearer token (`scb_<key>_<secret>`), replacing any earlier one when `replacing`.
    package func issueBearerToken(for channel: Channel, replacing: Bool = false) async throws -> String {
        let key = String(Secrets.random(bytes: 9).prefix(12))
        let secret = try await issue(.bearer, lookupKey: key, for: channel, replacing: replacing)
        return "\(Self.tokenPrefix)\(key)_\(secret)"
    }

    /// Issues HTTP Basic credentials; the user name is `<channel>-<random>`, returned with the password.
    package func issueBasicCredentials(for channel: Channel, replacing: Bool = false) async throws -> (
        username: String, password: String
    ) {
        let username = "\(channel.name)-\(Secrets.random(bytes: 6))"
        return (username, try await issue(.basic, lookupKey: username, for: channel, replacing: replacing))
    }

    /// Issues an OAuth 2 client id and secret for the client-credentials grant.
    package func issueOAuthClient(for channel: Channel, replacing: Bool = false) async throws -> (
        clientID: String, clientSecret: String
    ) {
        let clientID = "\(channel.name)-\(Secrets.random(bytes: 9))"
        return (clientID, try await issue(.oauthClient, lookupKey: clientID, for: channel, replacing: replacing))
    }

    /// Stores a fresh secret of `kind` under `lookupKey` (hashed and salted) and returns it, once.
    func issue(_ kind: CredentialKind, lookupKey: String, for channel: Channel, replacing: Bool) async throws -> String
    {
        if replacing { try await store.removeCredentials(of: kind, from: channel) }
        let secret = Secrets.random()
        let salt = Secrets.salt()
        try await store.addCredential(
            NewCredential(kind: kind, lookupKey: lookupKey, secretHash: Secrets.hash(secret, salt: salt), salt: salt),
            to: channel
        )
        return secret
    }
}
