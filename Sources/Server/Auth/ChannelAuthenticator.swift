import Foundation
import Membership
import SCIM
import Store

/// Decides which channel a request's `Authorization` header opens, for the three methods PingOne
/// offers: static bearer token, HTTP Basic, OAuth 2 access token from the bridge's token endpoint.
struct ChannelAuthenticator: Sendable {
    let store: any Store
    let accessTokens: AccessTokens
    /// Credentials verified a moment ago (see `AuthCache` for how long a revoked one still opens).
    let cache: AuthCache

    init(store: any Store, accessTokens: AccessTokens, cache: AuthCache = AuthCache()) {
        self.store = store
        self.accessTokens = accessTokens
        self.cache = cache
    }

    /// The channel named `channelName`, if `authorization` is a valid credential for it; else 401.
    func authenticate(authorization: String?, channelName: String) async throws -> Channel {
        guard let authorization, let space = authorization.firstIndex(of: " ") else {
            throw SCIMError.unauthorized(
                "Authentication is required: send 'Authorization: Bearer <token>' or HTTP Basic credentials."
            )
        }
        let scheme = authorization[..<space].lowercased()
        let value = Self.trimmingSpaces(authorization[authorization.index(after: space)...])
        if scheme == "bearer", value.hasPrefix("sba_") {
            // Access tokens live in memory already, and expire on their own clock: no caching.
            guard accessTokens.channelName(for: value) == channelName,
                let channel = try await cache.channel(named: channelName, in: store)
            else {
                throw SCIMError.unauthorized(
                    "The access token is invalid or has expired for this channel; request a new one."
                )
            }
            return channel
        }
        let key = AuthCache.key(authorization: scheme + " " + value, channelName: channelName)
        if let channel = cache.channel(forCredential: key) { return channel }
        let channel = try await verifyStored(scheme: scheme, value: value, channelName: channelName)
        cache.remember(credential: key, opens: channel)
        return channel
    }

    /// `value` without the spaces and tabs around it.
    static func trimmingSpaces(_ value: Substring) -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = value.firstIndex(where: { !isSpace($0) }), let last = value.lastIndex(where: { !isSpace($0) })
        else {
            return ""
        }
        return String(value[first...last])
    }

    /// Checks a static token or Basic credentials against the store; 401 when they open nothing.
    func verifyStored(scheme: String, value: String, channelName: String) async throws -> Channel {
        switch scheme {
        case "bearer":
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
            .bearer,
            lookupKey: String(rest[..<sep]),
            secret: String(rest[rest.index(after: sep)...]),
            channelName: channelName
        )
    }

    /// Checks a client id / secret pair (used by the token endpoint too).
    func verify(_ kind: CredentialKind, lookupKey: String, secret: String, channelName: String?) async throws
        -> Channel?
    {
        for c in try await store.credentials(kind: kind, lookupKey: lookupKey) {
            guard channelName == nil || c.channel.name == channelName else { continue }
            if Secrets.constantTimeEquals(Secrets.hash(secret, salt: c.salt), c.secretHash) { return c.channel }
        }
        return nil
    }
}
