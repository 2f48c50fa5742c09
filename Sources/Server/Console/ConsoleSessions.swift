import Crypto
import Foundation
import Synchronization

/// The console's signed-in browsers: a random session id (the cookie) with its CSRF token and expiry.
/// Held in memory: a restart signs everyone out, which a console that holds no state of its own can
/// afford. Ids and tokens are 32 random bytes; the admin token itself never leaves the sign-in form.
final class ConsoleSessions: Sendable {
    /// One signed-in browser.
    struct Session: Sendable, Hashable {
        /// The token every state-changing form must carry back.
        var csrf: String
        var expires: ContinuousClock.Instant
    }

    /// How long a session lasts from sign-in.
    let lifetime: Duration
    private let sessions = Mutex<[String: Session]>([:])

    init(lifetime: Duration = .seconds(8 * 3600)) {
        self.lifetime = lifetime
    }

    /// A new session: its id (for the cookie) and its CSRF token.
    func open() -> (id: String, session: Session) {
        let id = Self.randomToken()
        let session = Session(csrf: Self.randomToken(), expires: .now + lifetime)
        sessions.withLock { all in
            all = all.filter { $0.value.expires > .now }
            all[id] = session
        }
        return (id, session)
    }

    /// The live session of `id`, if any.
    func session(_ id: String) -> Session? {
        sessions.withLock { all in
            guard let s = all[id] else { return nil }
            guard s.expires > .now else {
                all[id] = nil
                return nil
            }
            return s
        }
    }

    func close(_ id: String) {
        _ = sessions.withLock { $0.removeValue(forKey: id) }
    }

    static func randomToken() -> String {
        let key = SymmetricKey(size: .bits256)
        return key.withUnsafeBytes { Data($0) }.base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
