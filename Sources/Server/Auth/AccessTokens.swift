import Foundation
import Synchronization

/// Short-lived OAuth 2 access tokens issued by the bridge's token endpoint (client credentials grant,
/// RFC 6749 §4.4). Held in memory: a restart simply makes clients fetch a new token.
final class AccessTokens: Sendable {
    struct Grant: Sendable {
        var channelName: String
        var expires: Date
    }

    /// Lifetime of an issued token.
    let lifetime: TimeInterval
    private let grants = Mutex<[[UInt8]: Grant]>([:])

    init(lifetime: TimeInterval = 3600) { self.lifetime = lifetime }

    /// Issues a token for `channelName`.
    func issue(channelName: String, now: Date = Date()) -> String {
        let token = "sba_" + Secrets.random()
        let key = Secrets.hash(token, salt: [])
        grants.withLock { g in
            g = g.filter { $0.value.expires > now }  // drop expired ones while we hold the lock
            g[key] = Grant(channelName: channelName, expires: now.addingTimeInterval(lifetime))
        }
        return token
    }

    /// The channel a live token was issued for.
    func channelName(for token: String, now: Date = Date()) -> String? {
        let key = Secrets.hash(token, salt: [])
        return grants.withLock { g in
            guard let grant = g[key], grant.expires > now else { return nil }
            return grant.channelName
        }
    }
}
