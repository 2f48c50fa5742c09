import Foundation
import Synchronization

/// Limits wrong admin tokens per client address: after `limit` failures within `window`, sign-in
/// from that address is refused until the oldest failure leaves the window. Guessing a token of 32
/// random bytes is hopeless anyway; this keeps the log and the CPU quiet when someone tries.
final class SignInThrottle: Sendable {
    let limit: Int
    let window: TimeInterval
    private let failures = Mutex<[String: [Date]]>([:])

    init(limit: Int = 5, window: TimeInterval = 300) {
        self.limit = limit
        self.window = window
    }

    /// How long `address` must wait before trying again; nil if it may try now.
    func wait(for address: String, now: Date = Date()) -> TimeInterval? {
        failures.withLock { all in
            let recent = (all[address] ?? []).filter { now.timeIntervalSince($0) < window }
            all[address] = recent.isEmpty ? nil : recent
            guard recent.count >= limit, let oldest = recent.first else { return nil }
            return window - now.timeIntervalSince(oldest)
        }
    }

    /// A wrong token from `address`.
    func failed(_ address: String, now: Date = Date()) {
        failures.withLock { all in
            var recent = (all[address] ?? []).filter { now.timeIntervalSince($0) < window }
            recent.append(now)
            all[address] = recent
            // Bounded memory whoever calls: forget the quietest addresses first.
            if all.count > 10_000, let quiet = all.min(by: { ($0.value.last ?? now) < ($1.value.last ?? now) }) {
                all[quiet.key] = nil
            }
        }
    }

    /// A right token from `address`: its failures are forgotten.
    func succeeded(_ address: String) {
        _ = failures.withLock { $0.removeValue(forKey: address) }
    }
}
