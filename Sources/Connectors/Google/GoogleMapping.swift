import Foundation
package import SCIM

/// The pure half of the Google connector: canonical SCIM users and groups as Directory API v1
/// resources, group email addresses, and Google's error bodies. No I/O.
package enum GoogleMapping {
    /// The address a canonical user has on Google: its `userName` when that is an email address,
    /// else its primary (or first) email; lower-cased, as Google stores it. nil if it has neither.
    package static func primaryEmail(of user: JSONObject) -> String? {
        if let userName = user["userName"]?.stringValue, isEmail(userName) { return userName.lowercased() }
        let emails = user["emails"]?.arrayValue ?? []
        let primary = emails.first { $0["primary"]?.boolValue == true } ?? emails.first
        guard let value = primary?["value"]?.stringValue, isEmail(value) else { return nil }
        return value.lowercased()
    }

    /// The `User` body for `users.insert` (with `password`) or `users.patch` (without). Google
    /// requires `name.givenName` and `name.familyName`; missing ones come from `displayName`, then the
    /// email's local part. `suspended` is the inverse of `active`.
    package static func userBody(_ user: JSONObject, primaryEmail: String, password: String?) -> JSONValue {
        let local = String(primaryEmail.split(separator: "@").first ?? Substring(primaryEmail))
        let display = (user["displayName"]?.stringValue ?? user["name"]?["formatted"]?.stringValue ?? "")
            .split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        let given = nonEmpty(user["name"]?["givenName"]?.stringValue) ?? display.first ?? local
        let family =
            nonEmpty(user["name"]?["familyName"]?.stringValue)
            ?? (display.count > 1 ? display.dropFirst().joined(separator: " ") : nil) ?? local
        var body: JSONObject = [
            "primaryEmail": .string(primaryEmail),
            // Google caps each name part at 60 characters.
            "name": ["givenName": .string(String(given.prefix(60))), "familyName": .string(String(family.prefix(60)))],
            "suspended": .bool(!(user["active"]?.boolValue ?? true)),
        ]
        if let externalId = user["externalId"]?.stringValue {
            body["externalIds"] = [["type": "custom", "customType": "scim-bridge", "value": .string(externalId)]]
        }
        if let password {
            body["password"] = .string(password)
            body["changePasswordAtNextLogin"] = false
        }
        return .object(body)
    }

    /// A random password for `users.insert`, which requires one: users sign in through the IdP, so
    /// nobody ever learns it.
    package static func randomPassword() -> String { RandomPassword.make() }

    /// The email a group named `displayName` gets in `domain`: the name lower-cased, every run of
    /// characters other than ASCII letters and digits turned into one `-`, at most 60 characters
    /// ("Sales EMEA" → `sales-emea@example.com`). A name with none of them uses its `externalId`.
    package static func groupEmail(displayName: String, externalId: String, domain: String) -> String {
        var slug = slugged(displayName)
        if slug.isEmpty { slug = "group-" + slugged(externalId) }
        return "\(slug)@\(domain.lowercased())"
    }

    static func slugged(_ text: String) -> String {
        var out = ""
        for scalar in text.lowercased().unicodeScalars {
            if scalar.isASCII, CharacterSet.alphanumerics.contains(scalar) {
                out.unicodeScalars.append(scalar)
            } else if !out.isEmpty, !out.hasSuffix("-") {
                out += "-"
            }
        }
        while out.hasSuffix("-") { out.removeLast() }
        return String(out.prefix(60)).trimmingCharacters(in: CharacterSet(charactersIn: "-"))
    }

    /// `groups.list`'s `query` for an exact name: `name='…'` with `'` and `\` escaped.
    package static func nameQuery(_ name: String) -> String {
        "name='" + name.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'") + "'"
    }

    /// The `reason`s of a Google error body `{"error": {"errors": [{"reason": …}]}}`.
    package static func reasons(_ body: JSONValue?) -> [String] {
        (body?["error"]?["errors"]?.arrayValue ?? []).compactMap { $0["reason"]?.stringValue }
    }

    /// Its `error.message`.
    package static func message(_ body: JSONValue?) -> String? { body?["error"]?["message"]?.stringValue }

    /// The 403 reasons that mean "slow down", not "not allowed": Google's per-user rate limit and its
    /// concurrency quota. They call for backoff, never for treating the credential as refused.
    package static let quotaReasons: Set<String> = ["userRateLimitExceeded", "quotaExceeded", "rateLimitExceeded"]

    /// A path segment or query value, percent-encoded (everything but unreserved characters).
    package static func encoded(_ s: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return s.addingPercentEncoding(withAllowedCharacters: allowed) ?? s
    }

    static func isEmail(_ s: String) -> Bool {
        let parts = s.split(separator: "@", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".")
    }

    static func nonEmpty(_ s: String?) -> String? {
        guard let s, !s.trimmingCharacters(in: .whitespaces).isEmpty else { return nil }
        return s
    }
}
