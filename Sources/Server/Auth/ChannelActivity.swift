import Foundation
import Logging
import Membership
import SCIM
import Store
import Synchronization

/// Records when each channel's identity provider last called, for the console's overview: the first
/// request of a channel in this process, then at most one every `interval`, so that the request path
/// writes rarely and never waits for the write.
final class ChannelActivity: Sendable {
    /// How stale the recorded time may be.
    static let interval: Duration = .seconds(10)

    let store: any Store
    let logger: Logger
    private let written = Mutex<[Int64: ContinuousClock.Instant]>([:])

    init(store: any Store, logger: Logger) {
        self.store = store
        self.logger = logger
    }

    /// Whether a request of channel `key` at `now` is to be written: none was in the last `interval`.
    func isDue(_ key: Int64, at now: ContinuousClock.Instant = .now) -> Bool {
        written.withLock { written in
            if let last = written[key], now - last < Self.interval { return false }
            written[key] = now
            return true
        }
    }

    /// Notes an authenticated request of `channel`; the write, when due, runs beside the request.
    func noteRequest(of channel: Channel) {
        guard isDue(channel.key) else { return }
        let at = SCIMDateTime.now
        Task { [store, logger] in
            do {
                try await store.recordRequest(toChannel: channel, at: at)
            } catch {
                // The console shows an older time; the request itself is not concerned.
                logger.debug("a channel's last request could not be recorded", metadata: ["channel": "\(channel.name)"])
            }
        }
    }
}
