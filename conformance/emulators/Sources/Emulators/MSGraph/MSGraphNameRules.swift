/// The syntax rules research/targets.md §F "Bodies" gives for names: a `userPrincipalName` is
/// `alias@domain` with the alias in `A-Z a-z 0-9 ' . - _ ! # ^ ~` (no accents), a `mailNickname` at
/// most 64 ASCII characters without `@ ( ) \ [ ] " ; : < > ,` or space, a `displayName` at most 256
/// characters. Pure.
public enum MSGraphNameRules {
    public static let maximumMailNicknameLength = 64
    public static let maximumDisplayNameLength = 256

    /// The alias and domain of a well-formed user principal name, nil otherwise.
    public static func splitPrincipalName(_ upn: String) -> (alias: String, domain: String)? {
        let parts = upn.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { return nil }
        let alias = parts[0]
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'.-_!#^~")
        guard alias.allSatisfy(allowed.contains), !alias.hasPrefix("."), !alias.hasSuffix(".") else { return nil }
        let domainAllowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-")
        guard parts[1].allSatisfy(domainAllowed.contains), parts[1].contains(".") else { return nil }
        return (String(alias), String(parts[1]))
    }

    /// Whether a mail nickname keeps Graph's character rules and length.
    public static func isValidMailNickname(_ nickname: String) -> Bool {
        let forbidden = Set("@()\\[]\";:<>, ")
        return !nickname.isEmpty && nickname.count <= maximumMailNicknameLength
            && nickname.unicodeScalars.allSatisfy { $0.value < 128 && !forbidden.contains(Character($0)) }
    }

    /// A valid mail nickname made from any text (for seeded groups that name none).
    public static func mailNickname(from text: String) -> String {
        let forbidden = Set("@()\\[]\";:<>, ")
        let kept = text.unicodeScalars.filter { $0.value < 128 && $0.value > 31 && !forbidden.contains(Character($0)) }
        let nickname = String(String.UnicodeScalarView(kept).prefix(maximumMailNicknameLength))
        return nickname.isEmpty ? "group" : nickname
    }
}
