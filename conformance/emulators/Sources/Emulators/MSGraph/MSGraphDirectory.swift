internal import Foundation
public import SCIM

/// The users, groups and memberships of an emulated Entra ID tenant, with the rules of
/// research/targets.md §F: required fields, UPNs in verified domains and unique (soft-deleted users
/// included), group names free to repeat, Microsoft 365 mail nicknames unique, at most 20 member
/// references a request, "already a member" failing the whole add, soft deletes, and the
/// replication delay after a create. Pure: times are passed in (since the emulator's origin), and
/// the emulator holds the directory under its lock.
public struct MSGraphDirectory: Sendable {
    /// What the tenant accepts.
    public struct Settings: Sendable, Hashable {
        public var verifiedDomains: Set<String>
        public var federatedDomains: Set<String>
        /// How long a new user or group stays unknown to member references (and a new group to
        /// member adds).
        public var replicationDelay: Duration

        public init(verifiedDomains: Set<String>, federatedDomains: Set<String>, replicationDelay: Duration) {
            self.verifiedDomains = Set(verifiedDomains.map { $0.lowercased() })
            self.federatedDomains = Set(federatedDomains.map { $0.lowercased() })
            self.replicationDelay = replicationDelay
        }
    }

    public var settings: Settings
    private(set) var users: [String: JSONObject] = [:]
    private(set) var userOrder: [String] = []
    /// Soft-deleted users, oldest deletion first; they keep their UPN.
    private(set) var deletedUsers: [JSONObject] = []
    private(set) var groups: [String: JSONObject] = [:]
    private(set) var groupOrder: [String] = []
    /// Soft-deleted Microsoft 365 groups (security groups are deleted at once).
    private(set) var deletedGroups: [JSONObject] = []
    /// Member ids by group id, in the order they were added.
    private(set) var members: [String: [String]] = [:]
    /// Lowercased UPN → user id, live and soft-deleted users alike.
    private var principalNames: [String: String] = [:]
    /// When each object was created, for the replication delay.
    private var created: [String: Duration] = [:]

    public init(settings: Settings) {
        self.settings = settings
    }

    // MARK: - Lookups

    /// A live user's id by id or UPN.
    func userID(_ key: String) -> String? {
        if users[key] != nil { return key }
        if let id = principalNames[key.lowercased()], users[id] != nil { return id }
        return users.keys.first { $0.lowercased() == key.lowercased() }
    }

    func groupID(_ key: String) -> String? {
        if groups[key] != nil { return key }
        return groups.keys.first { $0.lowercased() == key.lowercased() }
    }

    /// Whether an object created at some time is visible to references at `now`.
    func isReplicated(_ id: String, at now: Duration) -> Bool {
        guard settings.replicationDelay > .zero, let at = created[id] else { return true }
        return now - at >= settings.replicationDelay
    }

    public var allUsers: [JSONObject] { userOrder.compactMap { users[$0] } }
    public var allGroups: [JSONObject] { groupOrder.compactMap { groups[$0] } }
    public var softDeletedUsers: [JSONObject] { deletedUsers }

    /// The UPNs of a group's user members (empty for an unknown group).
    public func memberPrincipalNames(ofGroupID id: String) -> [String] {
        (members[id] ?? []).compactMap { users[$0]?["userPrincipalName"]?.stringValue }
    }

    public func memberIDs(ofGroupID id: String) -> [String] { members[id] ?? [] }

    // MARK: - Users

    /// `POST /users`.
    mutating func createUser(_ body: JSONObject, at now: Duration, id: String? = nil) throws(MSGraphError)
        -> JSONObject
    {
        let upn = try requiredString(body, "userPrincipalName", "User")
        guard let (_, domain) = MSGraphNameRules.splitPrincipalName(upn) else {
            throw .invalidValue("userPrincipalName", of: "User")
        }
        let federated = settings.federatedDomains.contains(domain.lowercased())
        guard federated || settings.verifiedDomains.contains(domain.lowercased()) else {
            throw .badRequest(
                "The domain portion of the userPrincipalName property is invalid. You must use one of the verified domain names in your organization."
            )
        }
        guard let enabled = body["accountEnabled"], !enabled.isNull else {
            throw .required("accountEnabled", of: "User")
        }
        guard enabled.boolValue != nil else { throw .invalidValue("accountEnabled", of: "User") }
        let displayName = try requiredString(body, "displayName", "User")
        guard displayName.count <= MSGraphNameRules.maximumDisplayNameLength else {
            throw .invalidValue("displayName", of: "User")
        }
        let nickname = try requiredString(body, "mailNickname", "User")
        guard MSGraphNameRules.isValidMailNickname(nickname) else { throw .invalidValue("mailNickname", of: "User") }
        if federated {
            // A federated domain's users sign in at their IdP: no password, an immutable id instead.
            _ = try requiredString(body, "onPremisesImmutableId", "User")
        } else {
            guard let profile = body["passwordProfile"], !profile.isNull else {
                throw .required("passwordProfile", of: "User")
            }
            guard profile.objectValue != nil, let password = profile["password"]?.stringValue, !password.isEmpty
            else { throw .invalidValue("passwordProfile", of: "User") }
        }
        guard principalNames[upn.lowercased()] == nil else { throw .duplicateValue("userPrincipalName") }
        var user = body
        let newID = id ?? UUID().uuidString.lowercased()
        user["id"] = .string(newID)
        user["createdDateTime"] = .string(Self.timestamp())
        users[newID] = user
        userOrder.append(newID)
        principalNames[upn.lowercased()] = newID
        // Seeding runs with no delay: what it creates is visible at once.
        if settings.replicationDelay > .zero { created[newID] = now }
        return user
    }

    /// `PATCH /users/{id}`: the properties given replace the stored ones (`null` clears).
    mutating func updateUser(_ key: String, _ body: JSONObject) throws(MSGraphError) {
        guard let id = userID(key), var user = users[id] else { throw .notFound(key) }
        for (name, value) in body {
            switch name.lowercased() {
            case "id", "createddatetime", "deleteddatetime": throw .invalidValue(name, of: "User")
            case "userprincipalname":
                guard let upn = value.stringValue, let (_, domain) = MSGraphNameRules.splitPrincipalName(upn) else {
                    throw .invalidValue("userPrincipalName", of: "User")
                }
                guard
                    settings.verifiedDomains.contains(domain.lowercased())
                        || settings.federatedDomains.contains(domain.lowercased())
                else {
                    throw .badRequest(
                        "The domain portion of the userPrincipalName property is invalid. You must use one of the verified domain names in your organization."
                    )
                }
                if let owner = principalNames[upn.lowercased()], owner != id {
                    throw .duplicateValue("userPrincipalName")
                }
                if let old = user["userPrincipalName"]?.stringValue { principalNames[old.lowercased()] = nil }
                principalNames[upn.lowercased()] = id
            case "accountenabled":
                guard value.boolValue != nil else { throw .invalidValue("accountEnabled", of: "User") }
            case "displayname":
                guard let s = value.stringValue, !s.isEmpty, s.count <= MSGraphNameRules.maximumDisplayNameLength
                else { throw .invalidValue("displayName", of: "User") }
            case "mailnickname":
                guard let s = value.stringValue, MSGraphNameRules.isValidMailNickname(s) else {
                    throw .invalidValue("mailNickname", of: "User")
                }
            default: break
            }
            user[name] = value.isNull ? nil : value
        }
        users[id] = user
    }

    /// `DELETE /users/{id}`: to the deleted items, out of every group; the UPN stays taken.
    mutating func deleteUser(_ key: String) throws(MSGraphError) {
        guard let id = userID(key), var user = users.removeValue(forKey: id) else { throw .notFound(key) }
        userOrder.removeAll { $0 == id }
        user["deletedDateTime"] = .string(Self.timestamp())
        deletedUsers.append(user)
        for (group, ids) in members where ids.contains(id) { members[group] = ids.filter { $0 != id } }
    }

    // MARK: - Groups

    /// `POST /groups`, with `members@odata.bind` / `owners@odata.bind` resolved against the directory.
    mutating func createGroup(_ body: JSONObject, at now: Duration, id: String? = nil) throws(MSGraphError)
        -> JSONObject
    {
        let displayName = try requiredString(body, "displayName", "Group")
        guard displayName.count <= MSGraphNameRules.maximumDisplayNameLength else {
            throw .invalidValue("displayName", of: "Group")
        }
        let mailEnabled = try requiredBool(body, "mailEnabled", "Group")
        let nickname = try requiredString(body, "mailNickname", "Group")
        guard MSGraphNameRules.isValidMailNickname(nickname) else { throw .invalidValue("mailNickname", of: "Group") }
        let securityEnabled = try requiredBool(body, "securityEnabled", "Group")
        var types: [String] = []
        if let raw = body["groupTypes"], !raw.isNull {
            guard let list = raw.arrayValue?.compactMap(\.stringValue), list.count == raw.arrayValue?.count,
                list.allSatisfy({ ["unified", "dynamicmembership"].contains($0.lowercased()) })
            else { throw .invalidValue("groupTypes", of: "Group") }
            types = list
        }
        let unified = types.contains { $0.lowercased() == "unified" }
        if unified {
            guard mailEnabled else { throw .invalidValue("mailEnabled", of: "Group") }
            let taken = (allGroups + deletedGroups).contains { g in
                Self.isUnified(g) && g["mailNickname"]?.stringValue?.lowercased() == nickname.lowercased()
            }
            if taken { throw .duplicateValue("mailNickname") }
        } else {
            // Mail-enabled security groups and distribution lists are Exchange's business, not Graph's.
            guard !mailEnabled else {
                throw .badRequest(
                    "Only Microsoft 365 groups (groupTypes: [\"Unified\"]) can be created mail-enabled through Microsoft Graph."
                )
            }
            guard securityEnabled else {
                throw .badRequest("A group that is not a Microsoft 365 group must be security-enabled.")
            }
        }
        let memberIDs = try boundIDs(body, "members", at: now)
        let ownerIDs = try boundIDs(body, "owners", at: now)
        var group = JSONObject()
        let newID = id ?? UUID().uuidString.lowercased()
        group["id"] = .string(newID)
        for (name, value) in body where !name.contains("@") && !["members", "owners"].contains(name.lowercased()) {
            group[name] = value
        }
        group["groupTypes"] = .array(types.map(JSONValue.string))
        group["createdDateTime"] = .string(Self.timestamp())
        if unified, let domain = settings.verifiedDomains.sorted().first {
            group["mail"] = .string("\(nickname)@\(domain)")
        }
        if !ownerIDs.isEmpty { group["owners"] = .array(ownerIDs.map(JSONValue.string)) }
        groups[newID] = group
        groupOrder.append(newID)
        members[newID] = memberIDs
        // Seeding runs with no delay: what it creates is visible at once.
        if settings.replicationDelay > .zero { created[newID] = now }
        return group
    }

    /// `PATCH /groups/{id}`: properties and/or `members@odata.bind`.
    mutating func updateGroup(_ key: String, _ body: JSONObject, at now: Duration) throws(MSGraphError) {
        guard let id = groupID(key), var group = groups[id] else { throw .notFound(key) }
        var added: [String] = []
        if let bind = body["members@odata.bind"] {
            let urls = try Self.referenceList(bind, "members")
            let ids = try MSGraphReference.objectIDs(urls, property: "members")
            guard isReplicated(id, at: now) else { throw .sourceNotReplicated }
            added = try checkedNewMembers(ids, of: id, at: now)
        }
        for (name, value) in body where !name.contains("@") {
            switch name.lowercased() {
            case "id", "createddatetime", "grouptypes", "mailenabled", "securityenabled":
                if group[name] != value { throw .invalidValue(name, of: "Group") }
            case "displayname":
                guard let s = value.stringValue, !s.isEmpty, s.count <= MSGraphNameRules.maximumDisplayNameLength
                else { throw .invalidValue("displayName", of: "Group") }
            case "mailnickname":
                guard let s = value.stringValue, MSGraphNameRules.isValidMailNickname(s) else {
                    throw .invalidValue("mailNickname", of: "Group")
                }
            default: break
            }
            group[name] = value.isNull ? nil : value
        }
        groups[id] = group
        members[id, default: []] += added
    }

    /// `DELETE /groups/{id}`: a Microsoft 365 group goes to the deleted items, others are gone.
    mutating func deleteGroup(_ key: String) throws(MSGraphError) {
        guard let id = groupID(key), var group = groups.removeValue(forKey: id) else { throw .notFound(key) }
        groupOrder.removeAll { $0 == id }
        members[id] = nil
        for (other, ids) in members where ids.contains(id) { members[other] = ids.filter { $0 != id } }
        if Self.isUnified(group) {
            group["deletedDateTime"] = .string(Self.timestamp())
            deletedGroups.append(group)
        }
    }

    // MARK: - Members

    /// `POST /groups/{id}/members/$ref` (one reference) or a list from `members@odata.bind`.
    mutating func addMembers(_ ids: [String], to key: String, at now: Duration) throws(MSGraphError) {
        guard let group = groupID(key) else { throw .notFound(key) }
        guard isReplicated(group, at: now) else { throw .sourceNotReplicated }
        members[group, default: []] += try checkedNewMembers(ids, of: group, at: now)
    }

    /// `DELETE /groups/{id}/members/{member}/$ref`.
    mutating func removeMember(_ member: String, from key: String) throws(MSGraphError) {
        guard let group = groupID(key) else { throw .notFound(key) }
        let current = members[group] ?? []
        guard let i = current.firstIndex(where: { $0.lowercased() == member.lowercased() }) else {
            throw .notFound(member)
        }
        members[group]?.remove(at: i)
    }

    /// The members of a group as directory objects (users, or groups nested in it).
    func memberObjects(_ key: String) throws(MSGraphError) -> [(object: JSONObject, isUser: Bool)] {
        guard let group = groupID(key) else { throw .notFound(key) }
        return (members[group] ?? []).compactMap { id in
            if let u = users[id] { return (u, true) }
            if let g = groups[id] { return (g, false) }
            return nil
        }
    }

    /// The ids to add, once each is known to exist, to have replicated and not to be a member yet.
    /// One existing member fails the whole add, as Graph does.
    private func checkedNewMembers(_ ids: [String], of group: String, at now: Duration) throws(MSGraphError)
        -> [String]
    {
        var resolved: [String] = []
        for id in ids {
            guard let object = userID(id) ?? groupID(id), object != group, isReplicated(object, at: now) else {
                throw .notFound(id)
            }
            resolved.append(object)
        }
        let current = Set(members[group] ?? [])
        if resolved.contains(where: current.contains) { throw .alreadyMember }
        return resolved
    }

    private func boundIDs(_ body: JSONObject, _ property: String, at now: Duration) throws(MSGraphError) -> [String] {
        guard let bind = body["\(property)@odata.bind"] else { return [] }
        let ids = try MSGraphReference.objectIDs(try Self.referenceList(bind, property), property: property)
        var resolved: [String] = []
        for id in ids {
            guard let object = userID(id) ?? groupID(id), isReplicated(object, at: now) else { throw .notFound(id) }
            resolved.append(object)
        }
        return resolved
    }

    static func referenceList(_ value: JSONValue, _ property: String) throws(MSGraphError) -> [String] {
        guard let array = value.arrayValue, array.allSatisfy({ $0.stringValue != nil }) else {
            throw .badRequest("Invalid URL format specified in @odata.bind for \(property)")
        }
        return array.compactMap(\.stringValue)
    }

    static func isUnified(_ group: JSONObject) -> Bool {
        (group["groupTypes"]?.arrayValue ?? []).contains { $0.stringValue?.lowercased() == "unified" }
    }

    private func requiredString(_ body: JSONObject, _ name: String, _ resource: String) throws(MSGraphError)
        -> String
    {
        guard let value = body[name], !value.isNull else { throw .required(name, of: resource) }
        guard let s = value.stringValue, !s.isEmpty else { throw .invalidValue(name, of: resource) }
        return s
    }

    private func requiredBool(_ body: JSONObject, _ name: String, _ resource: String) throws(MSGraphError) -> Bool {
        guard let value = body[name], !value.isNull else { throw .required(name, of: resource) }
        guard let b = value.boolValue else { throw .invalidValue(name, of: resource) }
        return b
    }

    static func timestamp() -> String {
        Date().ISO8601Format()
    }
}
