internal import Foundation
public import SCIM

/// The users, groups and memberships of an emulated Workspace account, with the Directory API v1
/// rules the discovery document and research/targets.md §C give: required fields, unique emails
/// (409 `duplicate`), keys by id or email (404 `notFound`), opaque page tokens. Pure: the emulator
/// holds it under its lock.
public struct GoogleDirectory: Sendable {
    struct Member: Sendable, Hashable {
        var id: String
        var email: String
        var role: String
        var type: String
    }

    /// Users and groups as Google renders them, in creation order.
    private(set) var users: [JSONObject] = []
    private(set) var groups: [JSONObject] = []
    /// Direct members by group id, in insertion order.
    private(set) var members: [String: [Member]] = [:]
    private var nextID = 100_000_000_000_000_000

    public init() {}

    mutating func newID() -> String {
        nextID += 1
        return String(nextID)
    }

    // MARK: - Users

    func userIndex(_ key: String) -> Int? {
        users.firstIndex {
            $0["id"]?.stringValue == key
                || $0["primaryEmail"]?.stringValue.map { caseInsensitiveEquals($0, key) } == true
        }
    }

    func user(_ key: String) throws(GoogleError) -> JSONObject {
        guard let i = userIndex(key) else { throw .notFound("userKey") }
        return rendered(user: users[i])
    }

    /// `users.insert`: `primaryEmail`, `name.givenName`, `name.familyName` and `password` are required.
    mutating func insertUser(_ body: JSONObject, id: String? = nil) throws(GoogleError) -> JSONObject {
        guard let email = body["primaryEmail"]?.stringValue, !email.isEmpty else { throw .required("primaryEmail") }
        guard email.contains("@") else { throw .invalid("primaryEmail") }
        guard let given = body["name"]?["givenName"]?.stringValue, !given.isEmpty else {
            throw GoogleError(400, "Invalid Given/Family Name: GivenName", reason: "invalid")
        }
        guard let family = body["name"]?["familyName"]?.stringValue, !family.isEmpty else {
            throw GoogleError(400, "Invalid Given/Family Name: FamilyName", reason: "invalid")
        }
        guard let password = body["password"]?.stringValue, password.count >= 8 else {
            throw GoogleError(400, "Invalid Password", reason: "invalid")
        }
        guard userIndex(email) == nil, groupIndex(email) == nil else { throw .entityExists }
        var user = body
        user["id"] = .string(id ?? newID())
        user["primaryEmail"] = .string(email.lowercased())
        user["name"] = [
            "givenName": .string(given), "familyName": .string(family), "fullName": .string("\(given) \(family)"),
        ]
        user["password"] = .string(password)
        user["suspended"] = .bool(body["suspended"]?.boolValue ?? false)
        users.append(user)
        return rendered(user: user)
    }

    /// `users.patch` (merge) and `users.update` (the same fields, as Google treats a PUT of a partial user).
    mutating func patchUser(_ key: String, _ body: JSONObject) throws(GoogleError) -> JSONObject {
        guard let i = userIndex(key) else { throw .notFound("userKey") }
        var user = users[i]
        for (name, value) in body.members where !["id", "kind", "etag"].contains(name) {
            if name == "primaryEmail" {
                guard let email = value.stringValue, email.contains("@") else { throw .invalid("primaryEmail") }
                if let other = userIndex(email), other != i { throw .entityExists }
                user["primaryEmail"] = .string(email.lowercased())
            } else if name == "name", case .object(let parts) = value {
                var current = user["name"]?.objectValue ?? JSONObject()
                for (k, v) in parts.members { current[k] = v }
                let given = current["givenName"]?.stringValue ?? "", family = current["familyName"]?.stringValue ?? ""
                guard !given.isEmpty, !family.isEmpty else {
                    throw GoogleError(400, "Invalid Given/Family Name", reason: "invalid")
                }
                current["fullName"] = .string("\(given) \(family)")
                user["name"] = .object(current)
            } else {
                user[name] = value
            }
        }
        users[i] = user
        // Memberships show the member's current address.
        if let email = user["primaryEmail"]?.stringValue, let id = user["id"]?.stringValue {
            for (g, list) in members {
                members[g] = list.map {
                    var m = $0; if m.id == id { m.email = email }; return m
                }
            }
        }
        return rendered(user: user)
    }

    /// `users.delete`: the user and its memberships go.
    mutating func deleteUser(_ key: String) throws(GoogleError) {
        guard let i = userIndex(key) else { throw .notFound("userKey") }
        let id = users[i]["id"]?.stringValue
        users.remove(at: i)
        for (g, list) in members { members[g] = list.filter { $0.id != id } }
    }

    func rendered(user: JSONObject) -> JSONObject {
        var o = user
        o.removeValue(forKey: "password")  // never returned
        o["kind"] = "admin#directory#user"
        o["etag"] = .string("\"\(o["id"]?.stringValue ?? "")\"")
        return o
    }

    // MARK: - Groups

    func groupIndex(_ key: String) -> Int? {
        groups.firstIndex {
            $0["id"]?.stringValue == key || $0["email"]?.stringValue.map { caseInsensitiveEquals($0, key) } == true
        }
    }

    func groupID(_ key: String) throws(GoogleError) -> String {
        guard let i = groupIndex(key), let id = groups[i]["id"]?.stringValue else { throw .notFound("groupKey") }
        return id
    }

    func group(_ key: String) throws(GoogleError) -> JSONObject {
        guard let i = groupIndex(key) else { throw .notFound("groupKey") }
        return rendered(group: groups[i])
    }

    /// `groups.insert`: `email` is required and unique across users and groups; `name` defaults to it.
    mutating func insertGroup(_ body: JSONObject, id: String? = nil) throws(GoogleError) -> JSONObject {
        guard let email = body["email"]?.stringValue, !email.isEmpty else { throw .required("email") }
        guard email.split(separator: "@").count == 2 else { throw .invalid("email") }
        guard groupIndex(email) == nil, userIndex(email) == nil else { throw .entityExists }
        var group: JSONObject = [
            "id": .string(id ?? newID()), "email": .string(email.lowercased()),
            "name": body["name"] ?? .string(email), "description": body["description"] ?? "",
            "adminCreated": true,
        ]
        if let g = group["id"]?.stringValue { members[g] = [] }
        groups.append(group)
        group = rendered(group: group)
        return group
    }

    mutating func patchGroup(_ key: String, _ body: JSONObject) throws(GoogleError) -> JSONObject {
        guard let i = groupIndex(key) else { throw .notFound("groupKey") }
        for (name, value) in body.members where ["name", "description", "email"].contains(name) {
            if name == "email" {
                guard let email = value.stringValue, email.contains("@") else { throw .invalid("email") }
                if let other = groupIndex(email), other != i { throw .entityExists }
            }
            groups[i][name] = value
        }
        return rendered(group: groups[i])
    }

    mutating func deleteGroup(_ key: String) throws(GoogleError) {
        guard let i = groupIndex(key), let id = groups[i]["id"]?.stringValue else { throw .notFound("groupKey") }
        groups.remove(at: i)
        members[id] = nil
    }

    func rendered(group: JSONObject) -> JSONObject {
        var o = group
        o["kind"] = "admin#directory#group"
        o["etag"] = .string("\"\(o["id"]?.stringValue ?? "")\"")
        o["directMembersCount"] = .string(String(members[o["id"]?.stringValue ?? ""]?.count ?? 0))
        return o
    }

    /// `groups.list`'s `query`: one clause `name='…'`, `name:prefix*`, `email='…'` or `email:prefix*`
    /// (the forms https://developers.google.com/workspace/admin/directory/v1/guides/search-groups gives).
    static func matches(_ group: JSONObject, query: String) throws(GoogleError) -> Bool {
        let text = query.trimmingCharacters(in: .whitespaces)
        for field in ["name", "email"] {
            for op in ["=", ":"] where text.hasPrefix(field + op) {
                var value = String(text.dropFirst(field.count + 1))
                if value.hasPrefix("'"), value.hasSuffix("'"), value.count >= 2 {
                    value = String(value.dropFirst().dropLast()).replacingOccurrences(of: "\\'", with: "'")
                        .replacingOccurrences(of: "\\\\", with: "\\")
                }
                let actual = group[field]?.stringValue ?? ""
                if op == ":", value.hasSuffix("*") {
                    return actual.lowercased().hasPrefix(value.dropLast().lowercased())
                }
                return caseInsensitiveEquals(actual, value)
            }
        }
        throw .invalid("query")
    }

    // MARK: - Members

    /// `members.insert`: `email` names an existing user (or group); a second insert is 409 "Member already exists.".
    mutating func insertMember(group key: String, _ body: JSONObject) throws(GoogleError) -> JSONObject {
        let gid = try groupID(key)
        guard let email = body["email"]?.stringValue, !email.isEmpty else { throw .required("email") }
        let role = body["role"]?.stringValue ?? "MEMBER"
        guard ["OWNER", "MANAGER", "MEMBER"].contains(role) else { throw .invalid("role") }
        let member: Member
        if let u = userIndex(email), let id = users[u]["id"]?.stringValue {
            member = Member(id: id, email: users[u]["primaryEmail"]?.stringValue ?? email, role: role, type: "USER")
        } else if let g = groupIndex(email), let id = groups[g]["id"]?.stringValue, id != gid {
            member = Member(id: id, email: groups[g]["email"]?.stringValue ?? email, role: role, type: "GROUP")
        } else {
            throw .notFound("memberKey")
        }
        if members[gid, default: []].contains(where: { $0.id == member.id }) { throw .memberExists }
        members[gid, default: []].append(member)
        return Self.rendered(member)
    }

    func memberIndex(group gid: String, _ key: String) -> Int? {
        members[gid]?.firstIndex { $0.id == key || caseInsensitiveEquals($0.email, key) }
    }

    func member(group key: String, _ memberKey: String) throws(GoogleError) -> JSONObject {
        let gid = try groupID(key)
        guard let i = memberIndex(group: gid, memberKey), let m = members[gid]?[i] else { throw .notFound("memberKey") }
        return Self.rendered(m)
    }

    /// `members.delete`: a user who is not a member is 404 `notFound`.
    mutating func deleteMember(group key: String, _ memberKey: String) throws(GoogleError) {
        let gid = try groupID(key)
        guard let i = memberIndex(group: gid, memberKey) else { throw .notFound("memberKey") }
        members[gid]?.remove(at: i)
    }

    func members(group key: String) throws(GoogleError) -> [JSONObject] {
        let gid = try groupID(key)
        return (members[gid] ?? []).map(Self.rendered)
    }

    static func rendered(_ m: Member) -> JSONObject {
        [
            "kind": "admin#directory#member", "etag": .string("\"\(m.id)\""), "id": .string(m.id),
            "email": .string(m.email),
            "role": .string(m.role), "type": .string(m.type), "status": "ACTIVE",
        ]
    }

    /// The emails of a group's direct members (for tests).
    public func memberEmails(ofGroupID id: String) -> [String] { (members[id] ?? []).map(\.email) }

    mutating func removeAll() {
        users = []
        groups = []
        members = [:]
    }

    // MARK: - Paging

    /// One page of `items` from `pageToken` (an opaque offset this directory issued), `maxResults` at
    /// most `limit` (400 beyond), and the next page's token.
    static func page<T>(_ items: [T], maxResults: String?, default def: Int, limit: Int, pageToken: String?)
        throws(GoogleError)
        -> (items: [T], next: String?)
    {
        var size = def
        if let maxResults {
            guard let n = Int(maxResults), n >= 1, n <= limit else {
                throw GoogleError(400, "Invalid value for: maxResults", reason: "invalid")
            }
            size = n
        }
        var start = 0
        if let pageToken, !pageToken.isEmpty {
            guard pageToken.hasPrefix("pt-"), let n = Int(pageToken.dropFirst(3)), n >= 0, n <= items.count else {
                throw .invalid("pageToken")
            }
            start = n
        }
        let end = min(items.count, start + size)
        return (Array(items[start..<end]), end < items.count ? "pt-\(end)" : nil)
    }
}
