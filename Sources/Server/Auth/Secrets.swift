import Crypto
import Foundation

/// Generation, hashing and constant-time comparison of channel secrets (tokens, passwords, client secrets).
///
/// Secrets are random 256-bit values; only a salted SHA-256 of each is stored, so a copy of the
/// database does not reveal them.
enum Secrets {
    /// A URL-safe random string of `bytes` random bytes.
    static func random(bytes: Int = 32) -> String {
        var g = SystemRandomNumberGenerator()
        let raw = (0..<bytes).map { _ in UInt8.random(in: 0...255, using: &g) }
        return Data(raw).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// A fresh salt.
    static func salt() -> [UInt8] {
        var g = SystemRandomNumberGenerator()
        return (0..<16).map { _ in UInt8.random(in: 0...255, using: &g) }
    }

    /// SHA-256 of salt ‖ secret.
    static func hash(_ secret: String, salt: [UInt8]) -> [UInt8] {
        var h = SHA256()
        h.update(data: salt)
        h.update(data: Array(secret.utf8))
        return Array(h.finalize())
    }

    /// Compares two byte strings in time that depends only on their length.
    static func constantTimeEquals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var diff: UInt8 = 0
        for i in 0..<a.count { diff |= a[i] ^ b[i] }
        return diff == 0
    }
}
