package import BridgeConfig
import Foundation
package import SCIM

/// The pure half of the Microsoft Graph connector: canonical SCIM users and groups as Graph `user` and
/// `group` resources, the names Entra derives from them, OData queries, and Graph's error bodies. No I/O.
package enum MSGraphMapping {
    /// The SCIM enterprise extension, whose `department` Graph keeps on the user.
    static let enterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
    /// The user properties the connector reads back (`$select`) to match and compare users.
    package static let userSelect =
        "id,userPrincipalName,accountEnabled,displayName,givenName,surname,jobTitle,department"
    /// The canonical attributes compared with what Graph holds, by the Graph property that keeps each.
    static let compared: [(canonical: String, graph: String)] = [
        ("displayName", "displayName"), ("name.givenName", "givenName"), ("name.familyName", "surname"),
        ("title", "jobTitle"), ("\(enterprise):department", "department"),
    ]

    /// The value of a canonical attribute path (`name.givenName`, or an extension's `urn:…:User:department`).
    static func canonicalValue(_ user: JSONObject, _ path: String) -> String? {
        guard path.hasPrefix(enterprise + ":") else { return UserComparison.string(user, path) }
        let value = user[enterprise]?[String(path.dropFirst(enterprise.count + 1))]?.stringValue
        return value?.isEmpty == false ? value : nil
    }

    // MARK: - Users

    /// The `userPrincipalName` of a canonical user: its `userName` when that has an `@`, else
    /// `userName@domain`. nil when there is no domain to add or the result is not a valid UPN.
    package static func userPrincipalName(of user: JSONObject, domain: String?) -> String? {
        guard let userName = user["userName"]?.stringValue, !userName.isEmpty else { return nil }
        let upn: String
        if userName.contains("@") {
            upn = userName
        } else if let domain, !domain.isEmpty {
            upn = "\(userName)@\(domain)"
        } else {
            return nil
        }
        return isValidPrincipalName(upn) ? upn : nil
    }

    /// `alias@domain` with an alias of `A-Z a-z 0-9 ' . - _ ! # ^ ~` (no accents), as Graph requires.
    package static func isValidPrincipalName(_ upn: String) -> Bool {
        let parts = upn.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), parts[0].count <= 64 else { return false }
        let aliasAllowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'.-_!#^~")
        let domainAllowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-")
        return parts[0].allSatisfy(aliasAllowed.contains) && parts[1].allSatisfy(domainAllowed.contains)
    }

    /// Why a canonical user has no `userPrincipalName`, for the refusal.
    package static func principalNameProblem(of user: JSONObject, domain: String?) -> String {
        let userName = user["userName"]?.stringValue ?? ""
        if !userName.contains("@"), domain == nil {
            return
                "userName '\(userName)' has no @domain and the target sets no msgraph.domain to add: set one of the tenant's verified domains"
        }
        return
            "userName '\(userName)' is not a valid userPrincipalName (alias@domain, the alias of A-Z a-z 0-9 ' . - _ ! # ^ ~, no accents)"
    }

    /// A new user's `mailNickname`: the UPN's alias, at most 64 characters.
    static func mailNickname(principalName upn: String) -> String {
        String(upn.split(separator: "@").first.map(String.init)?.prefix(64) ?? "user")
    }

    /// The name Graph shows: `displayName`, else `name.formatted`, else given and family name, else the UPN's alias.
    static func displayName(of user: JSONObject, principalName upn: String) -> String {
        let given = user["name"]?["givenName"]?.stringValue ?? ""
        let family = user["name"]?["familyName"]?.stringValue ?? ""
        let candidates: [String?] = [
            user["displayName"]?.stringValue, user["name"]?["formatted"]?.stringValue,
            [given, family].filter { !$0.isEmpty }.joined(separator: " "),
        ]
        let name = candidates.compactMap { $0 }.first { !$0.isEmpty } ?? mailNickname(principalName: upn)
        return String(name.prefix(256))
    }

    /// How a new user signs in first.
    package enum Creation: Sendable, Hashable {
        /// A password the user must change at first sign-in.
        case password(String)
        /// A federated domain: no password, the canonical user's `onPremisesImmutableId` instead.
        case federated(immutableID: String)
    }

    /// The `user` body of a create (with `creation`) or an update (without): `accountEnabled` from
    /// `active`, the names, `jobTitle` from `title`, `department` from the enterprise extension.
    package static func userBody(_ user: JSONObject, principalName upn: String, creation: Creation?) -> JSONValue {
        var body: JSONObject = [
            "accountEnabled": .bool(user["active"]?.boolValue ?? true),
            "displayName": .string(displayName(of: user, principalName: upn)),
            "userPrincipalName": .string(upn),
        ]
        for (canonical, graph) in compared where graph != "displayName" {
            if let value = canonicalValue(user, canonical) { body[graph] = .string(value) }
        }
        switch creation {
        case .password(let password)?:
            body["mailNickname"] = .string(mailNickname(principalName: upn))
            body["passwordProfile"] = ["password": .string(password), "forceChangePasswordNextSignIn": true]
        case .federated(let immutableID)?:
            body["mailNickname"] = .string(mailNickname(principalName: upn))
            body["onPremisesImmutableId"] = .string(immutableID)
        case nil:
            break
        }
        return .object(body)
    }

    /// A password Entra's policy accepts (upper and lower case, digits, a symbol) that nobody learns.
    static func initialPassword() -> String { RandomPassword.make(length: 28) + "aA1!" }

    /// A Graph user as reconciliation compares it, in canonical terms.
    package static func targetUser(_ user: JSONValue) -> TargetUser? {
        guard let id = user["id"]?.stringValue, let upn = user["userPrincipalName"]?.stringValue else { return nil }
        var attributes: [String: String] = [:]
        for (canonical, graph) in compared {
            if let value = user[graph]?.stringValue, !value.isEmpty { attributes[canonical] = value }
        }
        return TargetUser(
            id: id,
            matchKey: upn,
            active: user["accountEnabled"]?.boolValue ?? true,
            attributes: attributes
        )
    }

    /// What differs between the canonical user and Graph's, in the properties `userBody` writes.
    package static func differences(of user: JSONObject, from actual: TargetUser, domain: String?)
        -> [AttributeDifference]
    {
        guard let upn = userPrincipalName(of: user, domain: domain) else { return [] }
        var wanted: [String: String] = [:]
        for (canonical, _) in compared { wanted[canonical] = canonicalValue(user, canonical) }
        wanted["displayName"] = displayName(of: user, principalName: upn)
        return UserComparison.differences(active: user["active"]?.boolValue ?? true, wanted: wanted, actual: actual)
    }

    // MARK: - Groups

    /// The `group` body of a create: a security group, or a Microsoft 365 group, with its first members.
    package static func groupBody(
        displayName: String,
        mailNickname: String,
        type: MSGraphSettings.GroupType,
        members: [String]
    ) -> JSONValue {
        var body: JSONObject = [
            "displayName": .string(String(displayName.prefix(256))), "mailNickname": .string(mailNickname),
        ]
        switch type {
        case .security:
            body["mailEnabled"] = false
            body["securityEnabled"] = true
        case .microsoft365:
            body["groupTypes"] = ["Unified"]
            body["mailEnabled"] = true
            body["securityEnabled"] = false
        }
        if !members.isEmpty { body["members@odata.bind"] = .array(members.map { .string(memberReference($0)) }) }
        return .object(body)
    }

    /// A group's `mailNickname`: its name with every run of characters Graph refuses (anything outside
    /// ASCII letters, digits, `-`, `_` and `.`) turned into one `-`, at most 55 characters, then `-` and
    /// eight hex digits of a hash of `externalId`: unique per canonical group, the same on every retry
    /// (Microsoft 365 groups must have unique nicknames).
    package static func groupNickname(displayName: String, externalId: String) -> String {
        var slug = ""
        for scalar in displayName.unicodeScalars {
            if scalar.isASCII, CharacterSet.alphanumerics.contains(scalar) || "-_.".unicodeScalars.contains(scalar) {
                slug.unicodeScalars.append(scalar)
            } else if !slug.isEmpty, !slug.hasSuffix("-") {
                slug += "-"
            }
        }
        slug = String(slug.prefix(55)).trimmingCharacters(in: CharacterSet(charactersIn: "-."))
        return (slug.isEmpty ? "group" : slug) + "-" + String(format: "%08x", fnv1a(externalId) & 0xffff_ffff)
    }

    /// 64-bit FNV-1a: a hash that is the same in every process (Swift's `Hasher` is seeded per process).
    static func fnv1a(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return hash
    }

    /// How Graph names a directory object in `members@odata.bind` and `members/$ref`.
    package static func memberReference(_ id: String) -> String {
        "https://graph.microsoft.com/v1.0/directoryObjects/\(id)"
    }

    // MARK: - Queries and errors

    /// An OData string literal: quoted, with `'` doubled.
    package static func literal(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "''") + "'" }

    /// `?name=value&…` with values percent-encoded for a query string.
    package static func query(_ items: [(String, String)]) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~$,()")
        return "?"
            + items.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed) ?? $0.1)" }.joined(
                separator: "&"
            )
    }

    /// A path segment: an id, percent-encoded.
    package static func segment(_ id: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~@")
        return id.addingPercentEncoding(withAllowedCharacters: allowed) ?? id
    }

    /// `error.code` and `error.message` of a Graph error body.
    package static func error(_ body: JSONValue?) -> (code: String, message: String) {
        (body?["error"]?["code"]?.stringValue ?? "", body?["error"]?["message"]?.stringValue ?? "")
    }

    /// A member add refused because a member is already there (400 `Request_BadRequest`, "One or more
    /// added object references already exist"); matched on the code and the gist, not the exact wording.
    package static func isAlreadyMember(status: Int, body: JSONValue?) -> Bool {
        let e = error(body)
        return status == 400 && e.message.lowercased().contains("object references already exist")
            && (e.code.isEmpty || e.code == "Request_BadRequest")
    }

    /// A reference Graph does not see (yet): 404 `Request_ResourceNotFound` for a member, or 400
    /// "…objects being referenced do not exist" for a group created a moment ago (replication delay).
    package static func isNotVisible(status: Int, body: JSONValue?) -> Bool {
        let e = error(body)
        return (status == 404 && (e.code.isEmpty || e.code == "Request_ResourceNotFound"))
            || (status == 400 && e.message.lowercased().contains("do not exist"))
    }

    /// A user create refused because the `userPrincipalName` is taken.
    package static func isPrincipalNameTaken(status: Int, body: JSONValue?) -> Bool {
        status == 400 && error(body).message.contains("userPrincipalName")
            && error(body).message.lowercased().contains("already exists")
    }
}
