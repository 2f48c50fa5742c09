/// A password nobody ever learns, for targets that require one on a new user while the user signs in
/// through the identity provider (or must set their own at first sign-in).
package enum RandomPassword {
    static let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_")

    /// `length` characters from a 64-character alphabet (6 bits each: 32 characters are 192 bits).
    package static func make(length: Int = 32) -> String {
        var rng = SystemRandomNumberGenerator()
        return String((0..<length).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] })
    }
}
