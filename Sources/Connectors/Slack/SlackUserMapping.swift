package import SCIM

/// Canonical SCIM user → Slack SCIM v2 user (targets.md §B "User attributes", §E Slack 4), pure.
/// Slack rewrites user names (21 characters, `a-z 0-9 . _ -`), so users are matched by email, and
/// the user name is derived here the way Slack would, truncated instead of refused.
package enum SlackUserMapping {
    static let userSchema = "urn:ietf:params:scim:schemas:core:2.0:User"
    static let enterpriseSchema = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
    package static let maximumUserName = 21
    package static let maximumDisplayName = 80

    /// The primary (else first) email, lowercased; for a user without `emails` whose `userName` is an
    /// email address (PingOne's usual shape), that address.
    package static func email(of user: JSONObject) -> String? {
        let emails = (user["emails"]?.arrayValue ?? []).filter { $0["value"]?.stringValue?.isEmpty == false }
        let chosen = emails.first { $0["primary"]?.boolValue == true } ?? emails.first
        if let value = chosen?["value"]?.stringValue { return value.lowercased() }
        if let name = user["userName"]?.stringValue, isEmailAddress(name) { return name.lowercased() }
        return nil
    }

    /// Slack's user name for a canonical user: the local part of an email, lowercased, characters
    /// other than `a-z 0-9 . _ -` as `_`, at most 21 characters. nil when nothing is left.
    package static func userName(of user: JSONObject) -> String? {
        let source = user["userName"]?.stringValue ?? email(of: user) ?? ""
        var name = Substring(source)
        if let at = name.firstIndex(of: "@") { name = name[..<at] }
        let converted = String(
            name.lowercased().map { c -> Character in
                c.isASCII && (c.isLetter || c.isNumber || c == "." || c == "_" || c == "-") ? c : "_"
            }
        )
        let truncated = String(converted.prefix(maximumUserName))
        return truncated.isEmpty ? nil : truncated
    }

    /// A second user name for when the first is taken (by another user or a channel): the first,
    /// shortened, with `-` and six characters derived from the email, so it is the same every time.
    package static func alternativeUserName(_ base: String, email: String) -> String {
        var hash: UInt32 = 2_166_136_261  // FNV-1a
        for byte in email.utf8 {
            hash ^= UInt32(byte)
            hash = hash &* 16_777_619
        }
        let suffix = String(String(hash, radix: 36).suffix(6))
        return String(base.prefix(maximumUserName - 1 - suffix.count)) + "-" + suffix
    }

    /// The Slack body: `userName` (given), `emails` (at least the match email, one primary),
    /// `displayName` (≤ 80), `name`, `nickName`, `title`, `timezone`, `active`, the enterprise
    /// extension (without `manager`, whose canonical id means nothing to Slack) and, when
    /// `includeExternalId`, `externalId` (Slack sets it at creation only).
    package static func body(_ user: JSONObject, userName: String, includeExternalId: Bool) -> JSONObject {
        var o = JSONObject()
        o["userName"] = .string(userName)
        if includeExternalId, let external = user["externalId"]?.stringValue { o["externalId"] = .string(external) }
        if let name = user["name"]?.objectValue {
            var n = JSONObject()
            for key in ["givenName", "familyName", "honorificPrefix", "formatted"] where name[key]?.stringValue != nil {
                n[key] = name[key]
            }
            if !n.isEmpty { o["name"] = .object(n) }
        }
        if let display = user["displayName"]?.stringValue, !display.isEmpty {
            o["displayName"] = .string(String(display.prefix(maximumDisplayName)))
        }
        if let nick = user["nickName"]?.stringValue, !nick.isEmpty {
            o["nickName"] = .string(String(nick.prefix(maximumDisplayName)))
        }
        for key in ["title", "timezone"] {
            if let v = user[key]?.stringValue { o[key] = .string(v) }
        }
        o["active"] = .bool(user["active"]?.boolValue ?? true)
        o["emails"] = .array(emails(of: user))
        var schemas: [JSONValue] = [.string(userSchema)]
        if var enterprise = user[enterpriseSchema]?.objectValue {
            enterprise.removeValue(forKey: "manager")
            if !enterprise.isEmpty {
                o[enterpriseSchema] = .object(enterprise)
                schemas.append(.string(enterpriseSchema))
            }
        }
        o["schemas"] = .array(schemas)
        return o
    }

    /// `[{value, type?, primary}]`, the match email primary.
    static func emails(of user: JSONObject) -> [JSONValue] {
        guard let primary = email(of: user) else { return [] }
        var out: [JSONValue] = [["value": .string(primary), "primary": true]]
        for e in user["emails"]?.arrayValue ?? [] {
            guard let value = e["value"]?.stringValue, !value.isEmpty, value.lowercased() != primary else { continue }
            var o: JSONObject = ["value": .string(value), "primary": false]
            if let type = e["type"]?.stringValue { o["type"] = .string(type) }
            out.append(.object(o))
        }
        if let type = (user["emails"]?.arrayValue ?? []).first(where: {
            $0["value"]?.stringValue?.lowercased() == primary
        })?["type"]?.stringValue,
            case .object(var first) = out[0]
        {
            first["type"] = .string(type)
            out[0] = .object(first)
        }
        return out
    }

    static func isEmailAddress(_ s: String) -> Bool {
        guard let at = s.firstIndex(of: "@") else { return false }
        return at != s.startIndex && s.index(after: at) != s.endIndex
    }
}
