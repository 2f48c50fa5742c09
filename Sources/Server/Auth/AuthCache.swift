import Crypto
import Membership
import Store
import Synchronization

/// Credentials verified and channels found in the last moment, so that an IdP sending the same
/// token on every request costs a hash and a dictionary lookup rather than a database read.
///
/// An entry is trusted for `lifetime` only: a token rotated or a channel deleted with the `channels`
/// command, which runs in another process and cannot tell this one, stops working within that time.
/// Only successes are kept, and under a digest of the credential, never the credential itself.
final class AuthCache: Sendable {
    private struct Entry {
        var channel: Channel
        var expires: ContinuousClock.Instant
    }

    private struct Entries {
        var credentials: [SHA256.Digest: Entry] = [:]
        var channels: [String: Entry] = [:]
    }

    /// How long a verified credential or a found channel is trusted.
    let lifetime: Duration
    /// Entries kept at most per map; past it the map is emptied (only valid credentials get in).
    let capacity: Int
    private let entries = Mutex(Entries())

    init(lifetime: Duration = .seconds(2), capacity: Int = 4096) {
        self.lifetime = lifetime
        self.capacity = capacity
    }

    /// The cache key of a credential presented to a channel.
    static func key(authorization: String, channelName: String) -> SHA256.Digest {
        var h = SHA256()
        h.update(data: Array(channelName.utf8))
        h.update(data: [0])
        h.update(data: Array(authorization.utf8))
        return h.finalize()
    }

    /// The channel `key` was verified for, if that was less than `lifetime` ago.
    func channel(forCredential key: SHA256.Digest, now: ContinuousClock.Instant = .now) -> Channel? {
        entries.withLock { e in
            guard let entry = e.credentials[key], entry.expires > now else { return nil }
            return entry.channel
        }
    }

    /// Remembers that `key` opens `channel`.
    func remember(credential key: SHA256.Digest, opens channel: Channel, now: ContinuousClock.Instant = .now) {
        entries.withLock { e in
            if e.credentials.count >= capacity { e.credentials.removeAll(keepingCapacity: true) }
            e.credentials[key] = Entry(channel: channel, expires: now + lifetime)
        }
    }

    /// The channel named `name`, if it was found less than `lifetime` ago.
    func channel(named name: String, now: ContinuousClock.Instant = .now) -> Channel? {
        entries.withLock { e in
            guard let entry = e.channels[name], entry.expires > now else { return nil }
            return entry.channel
        }
    }

    /// Remembers the channel found under its name.
    func remember(_ channel: Channel, now: ContinuousClock.Instant = .now) {
        entries.withLock { e in
            if e.channels.count >= capacity { e.channels.removeAll(keepingCapacity: true) }
            e.channels[channel.name] = Entry(channel: channel, expires: now + lifetime)
        }
    }

    /// The channel named `name`, from the cache or else from `store`.
    func channel(named name: String, in store: any Store) async throws -> Channel? {
        if let cached = channel(named: name) { return cached }
        guard let found = try await store.channel(named: name) else { return nil }
        remember(found)
        return found
    }
}
