import Foundation
import SCIM
import Store

/// Decides which channel a request's `Authorization` header opens, for the three methods PingOne
/// offers: static bearer token, HTTP Basic, OAuth 2 access token from the bridge's token endpoint.
struct ChannelAuthenticator: Sendable {
    let store: any Store
    let accessTokens: AccessTokens

    /// The channel named `channelName`, if `authorization` is a valid credential for it; else 401.
    func authenticate(authorization: String?, channelName: String) async throws -> Channel {
        guard let authorization, let space = authorization.firstIndex(of: " ") else {
            throw SCIMError.unauthorized("Authentication is required: send 'Authorization: Bearer <token>' or HTTP Basic credentials.")
        }
        let scheme = authorization[..<space].lowercased()
        let value = authorization[authorization.index(after: space)...].trimmingCharacters(in: .whitespaces)
        switch scheme {
        case "bearer":
            if value.hasPrefix("sba_") {
                if accessTokens.channelName(for: value) == channelName, let channel = try await store.channel(named: channelName) {
                    return channel
                }
                throw SCIMError.unauthorized("The access token is invalid or has expired for this channel; request a new one.")
            }
            if let channel = try await verifyStaticToken(value, channelName: channelName) { return channel }
            throw SCIMError.unauthorized("The bearer token is not valid for this channel.")
        case "basic":
            guard let data = Data(base64Encoded: value), let pair = String(data: data, encoding: .utf8),
                let colon = pair.firstIndex(of: ":")
            else {
                throw SCIMError.unauthorized("Malformed HTTP Basic credentials.")
            }
            let user = String(pair[..<colon])
            let password = String(pair[pair.index(after: colon)...])
            if let channel = try await verify(.basic, lookupKey: user, secret: password, channelName: channelName) {
                return channel
            }
            throw SCIMError.unauthorized("The user name or password is not valid for this channel.")
        default:
            throw SCIMError.unauthorized("Unsupported authentication scheme '\(scheme)'; use Bearer or Basic.")
        }
    }

    /// `scb_<12-char key>_<secret>`: the key finds the stored hash, the secret is compared in constant time.
    func verifyStaticToken(_ token: String, channelName: String) async throws -> Channel? {
        let prefix = CredentialIssuer.tokenPrefix
        guard token.hasPrefix(prefix) else { return nil }
        let rest = token.dropFirst(prefix.count)
        guard rest.count > 13, let sep = rest.index(rest.startIndex, offsetBy: 12, limitedBy: rest.endIndex),
            rest[sep] == "_"
        else { return nil }
        return try await verify(
            .bearer, lookupKey: String(rest[..<sep]), secret: String(rest[rest.index(after: sep)...]), channelName: channelName)
    }

    /// Checks a client id / secret pair (used by the token endpoint too).
    func verify(_ kind: CredentialKind, lookupKey: String, secret: String, channelName: String?) async throws -> Channel? {
        for c in try await store.credentials(kind: kind, lookupKey: lookupKey) {
            guard channelName == nil || c.channel.name == channelName else { continue }
            if Secrets.constantTimeEquals(Secrets.hash(secret, salt: c.salt), c.secretHash) { return c.channel }
        }
        return nil
    }
}
