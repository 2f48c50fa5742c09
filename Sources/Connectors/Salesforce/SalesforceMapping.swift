package import BridgeConfig
import Foundation
package import SCIM

/// The pure half of the Salesforce connector: canonical users to `User` fields, group names to API
/// names, SOQL literals, and Salesforce's error arrays (research/targets.md §D). No I/O.
package enum SalesforceMapping {
    /// One element of an error answer: `[{"message", "errorCode", "fields"}]`.
    package struct APIError: Sendable, Hashable {
        package var errorCode: String
        package var message: String
        package var fields: [String]
    }

    /// The `Username` of a canonical user: its `userName`, with the configured suffix when it lacks one.
    package static func username(of user: JSONObject, suffix: String?) -> String? {
        guard let userName = user["userName"]?.stringValue, !userName.isEmpty else { return nil }
        guard let suffix, !suffix.isEmpty, !userName.lowercased().hasSuffix(suffix.lowercased()) else {
            return userName
        }
        return userName + suffix
    }

    /// The fields of a `User` for a create (`creating`: with the required defaults, alias and
    /// nickname) or an update (only what the IdP owns, so an admin's profile or locale choices stay).
    package static func userFields(_ user: JSONObject, options: SalesforceSettings, creating: Bool) -> JSONObject {
        let username = username(of: user, suffix: options.usernameSuffix) ?? ""
        let userName = user["userName"]?.stringValue ?? username
        let given = user["name"]?["givenName"]?.stringValue
        let family = user["name"]?["familyName"]?.stringValue
        var o: JSONObject = ["Username": .string(username)]
        o["Email"] = .string(primaryEmail(of: user) ?? userName)
        if let given, !given.isEmpty { o["FirstName"] = .string(given) }
        o["LastName"] = .string(
            family.flatMap { $0.isEmpty ? nil : $0 } ?? user["displayName"]?.stringValue
                ?? String(userName.split(separator: "@").first ?? Substring(userName))
        )
        o["FederationIdentifier"] = .string(userName)
        if options.deprovisioning == .deactivate || creating {
            o["IsActive"] = .bool(user["active"]?.boolValue ?? true)
        }
        guard creating else { return o }
        o["Alias"] = .string(alias(given: given, family: family, userName: userName))
        o["CommunityNickname"] = .string(String(username.prefix(40)))
        o["TimeZoneSidKey"] = .string(options.timeZoneSidKey)
        o["LocaleSidKey"] = .string(options.localeSidKey)
        o["EmailEncodingKey"] = .string(options.emailEncodingKey)
        o["LanguageLocaleKey"] = .string(options.languageLocaleKey)
        if let profile = options.communities?.profileId ?? options.profileId { o["ProfileId"] = .string(profile) }
        return o
    }

    /// The primary (else first) email address.
    package static func primaryEmail(of user: JSONObject) -> String? {
        let emails = user["emails"]?.arrayValue ?? []
        return (emails.first { $0["primary"]?.boolValue == true } ?? emails.first)?["value"]?.stringValue
    }

    /// `Alias` (at most 8 characters): the first initial and the family name, lowercase letters and
    /// digits only; the userName's local part when there is no name.
    package static func alias(given: String?, family: String?, userName: String) -> String {
        func clean(_ s: String) -> String {
            String(s.lowercased().filter { $0.isASCII && ($0.isLetter || $0.isNumber) })
        }
        var a = clean(String(given?.prefix(1) ?? "")) + clean(family ?? "")
        if a.isEmpty { a = clean(String(userName.split(separator: "@").first ?? "")) }
        return String((a.isEmpty ? "user" : a).prefix(8))
    }

    /// A unique API name (`DeveloperName` of a group, `Name` of a permission set): the display name's
    /// letters and digits joined by single underscores (at most `maxLength - 9` of them), then `_` and
    /// eight hex digits of a hash of `externalId`. The same canonical group always gets the same name,
    /// so a create that is retried finds its own group instead of making a second one.
    package static func apiName(displayName: String, externalId: String, maxLength: Int = 40) -> String {
        var base = ""
        var pendingUnderscore = false
        for c in displayName {
            if c.isASCII && (c.isLetter || c.isNumber) {
                if pendingUnderscore && !base.isEmpty { base.append("_") }
                base.append(c)
                pendingUnderscore = false
            } else {
                pendingUnderscore = true
            }
        }
        if base.first?.isLetter != true { base = "G" + (base.isEmpty ? "" : "_" + base) }
        base = String(base.prefix(maxLength - 9))
        while base.hasSuffix("_") { base.removeLast() }
        return base + "_" + hash(externalId)
    }

    /// FNV-1a (32 bits) as eight hex digits: stable across runs and platforms, unlike `Hasher`.
    static func hash(_ s: String) -> String {
        var h: UInt32 = 2_166_136_261
        for b in s.utf8 {
            h ^= UInt32(b)
            h = h &* 16_777_619
        }
        let hex = String(h, radix: 16)
        return String(repeating: "0", count: 8 - hex.count) + hex
    }

    /// A SOQL string literal: quoted, with `\` and `'` escaped (and line breaks, which SOQL cannot hold raw).
    package static func literal(_ s: String) -> String {
        var out = "'"
        for c in s {
            switch c {
            case "\\": out += "\\\\"
            case "'": out += "\\'"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default: out.append(c)
            }
        }
        return out + "'"
    }

    /// `/query?q=…` with the SOQL percent-encoded (all but unreserved ASCII, so `+` and `&` survive).
    package static func queryPath(_ soql: String, apiVersion: String) -> String {
        let unreserved = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~".utf8)
        var q = ""
        for b in soql.utf8 {
            if unreserved.contains(b) {
                q.append(Character(UnicodeScalar(b)))
            } else {
                q += String(format: "%%%02X", b)
            }
        }
        return "/services/data/v\(apiVersion)/query?q=\(q)"
    }

    /// The errors of a refusal; an unexpected body becomes one `UNKNOWN` error carrying its text.
    package static func errors(in body: JSONValue?) -> [APIError] {
        guard let array = body?.arrayValue else {
            return [APIError(errorCode: "UNKNOWN", message: body.map { $0.serialized() } ?? "no body", fields: [])]
        }
        return array.map {
            APIError(
                errorCode: $0["errorCode"]?.stringValue ?? "UNKNOWN",
                message: $0["message"]?.stringValue ?? "",
                fields: ($0["fields"]?.arrayValue ?? []).compactMap(\.stringValue)
            )
        }
    }

    /// `ERROR_CODE: message (fields: A, B)` for every error, for a `TargetError` an operator reads.
    package static func describe(_ errors: [APIError]) -> String {
        errors.map { e in
            "\(e.errorCode): \(e.message.replacingOccurrences(of: "<br>", with: " "))"
                + (e.fields.isEmpty ? "" : " (fields: \(e.fields.joined(separator: ", ")))")
        }.joined(separator: "; ")
    }
}
