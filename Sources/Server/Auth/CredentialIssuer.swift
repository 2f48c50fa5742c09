public import Store

/// Issues the credentials of a channel for the three methods PingOne offers: bearer token,
/// HTTP Basic, OAuth 2 client credentials. Each secret is shown once and stored hashed.
public struct CredentialIssuer: Sendable {
    let store: any Store

    public init(store: any Store) { self.store = store }

    /// Prefix of static bearer tokens; the next 12 characters are the lookup key.
    static let tokenPrefix = "scb_"

    /// Issues a new bearer token (`scb_<key>_<secret>`), replacing any earlier one when `replacing`.
    public func issueBearerToken(for channel: Channel, replacing: Bool = false) async throws -> String {
        if replacing { try await store.removeCredentials(of: .bearer, from: channel) }
        let key = String(Secrets.random(bytes: 9).prefix(12))
        let secret = Secrets.random()
        let salt = Secrets.salt()
        try await store.addCredential(
            NewCredential(kind: .bearer, lookupKey: key, secretHash: Secrets.hash(secret, salt: salt), salt: salt),
            to: channel)
        return "\(Self.tokenPrefix)\(key)_\(secret)"
    }

    /// Issues HTTP Basic credentials; the user name is `<channel>-<random>`, returned with the password.
    public func issueBasicCredentials(for channel: Channel, replacing: Bool = false) async throws -> (
        username: String, password: String
    ) {
        if replacing { try await store.removeCredentials(of: .basic, from: channel) }
        let username = "\(channel.name)-\(Secrets.random(bytes: 6))"
        let password = Secrets.random()
        let salt = Secrets.salt()
        try await store.addCredential(
            NewCredential(kind: .basic, lookupKey: username, secretHash: Secrets.hash(password, salt: salt), salt: salt),
            to: channel)
        return (username, password)
    }

    /// Issues an OAuth 2 client id and secret for the client-credentials grant.
    public func issueOAuthClient(for channel: Channel, replacing: Bool = false) async throws -> (
        clientID: String, clientSecret: String
    ) {
        if replacing { try await store.removeCredentials(of: .oauthClient, from: channel) }
        let clientID = "\(channel.name)-\(Secrets.random(bytes: 9))"
        let secret = Secrets.random()
        let salt = Secrets.salt()
        try await store.addCredential(
            NewCredential(kind: .oauthClient, lookupKey: clientID, secretHash: Secrets.hash(secret, salt: salt), salt: salt),
            to: channel)
        return (clientID, secret)
    }
}
