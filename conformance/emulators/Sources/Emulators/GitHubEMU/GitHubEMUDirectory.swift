internal import SCIM

/// The enterprise's SCIM users and groups as GitHub keeps them: creation order, the uniqueness
/// rules behind its 409s (user `externalId` and `userName`, group `externalId` and `displayName`),
/// group members that must be users of the enterprise, and the response representations.
/// A pure value: the emulator holds it under its lock.
struct GitHubEMUDirectory: Sendable {
    struct User: Sendable {
        var id: String
        /// The attributes as last written (`externalId`, `userName`, `displayName`, `name`, `emails`,
        /// `roles`, `active`). `active: false` is GitHub's suspension.
        var attributes: JSONObject
        var created: String
        var lastModified: String

        var userName: String { attributes["userName"]?.stringValue ?? "" }
        var externalId: String { attributes["externalId"]?.stringValue ?? "" }
        var display: String { attributes["displayName"]?.stringValue ?? userName }
    }

    struct Group: Sendable {
        var id: String
        var externalId: String
        var displayName: String
        private(set) var members: [String] = []
        private(set) var memberSet: Set<String> = []
        var created: String
        var lastModified: String

        init(id: String, externalId: String, displayName: String, created: String) {
            self.id = id
            self.externalId = externalId
            self.displayName = displayName
            self.created = created
            lastModified = created
        }

        /// Adds members not there yet (adding a member twice is not an error), in order.
        mutating func add(_ ids: [String]) {
            for id in ids where memberSet.insert(id).inserted { members.append(id) }
        }

        mutating func remove(_ ids: Set<String>) {
            guard !ids.isDisjoint(with: memberSet) else { return }
            members.removeAll { ids.contains($0) }
            memberSet.subtract(ids)
        }

        mutating func setMembers(_ ids: [String]) {
            members = []
            memberSet = []
            add(ids)
        }
    }

    private(set) var users: [String: User] = [:]
    private(set) var groups: [String: Group] = [:]
    private var userOrder: [String] = []
    private var groupOrder: [String] = []
    // Indexes, so that a 10,000-user enterprise answers `userName eq` at once.
    private var userIDByName: [String: String] = [:]
    private var userIDByExternalID: [String: String] = [:]
    private var groupIDByName: [String: String] = [:]
    private var groupIDByExternalID: [String: String] = [:]

    var allUsers: [User] { userOrder.compactMap { users[$0] } }
    var allGroups: [Group] { groupOrder.compactMap { groups[$0] } }

    mutating func removeAll() { self = GitHubEMUDirectory() }

    // MARK: - Users

    func user(_ id: String) throws(SCIMError) -> User {
        guard let u = users[id] else { throw SCIMError.notFound("There is no SCIM user '\(id)' in this enterprise.") }
        return u
    }

    /// Stores a new user or replaces one (same `id`); 409 when another user has its `userName` or `externalId`.
    mutating func putUser(_ user: User) throws(SCIMError) {
        let name = user.userName.lowercased()
        if let other = userIDByName[name], other != user.id {
            throw SCIMError(
                status: 409,
                scimType: .uniqueness,
                detail: "Duplicate record detected: userName '\(user.userName)' exists."
            )
        }
        if let other = userIDByExternalID[user.externalId], other != user.id {
            throw SCIMError(
                status: 409,
                scimType: .uniqueness,
                detail: "Duplicate record detected: externalId '\(user.externalId)' exists."
            )
        }
        if let old = users[user.id] {
            userIDByName[old.userName.lowercased()] = nil
            userIDByExternalID[old.externalId] = nil
        } else {
            userOrder.append(user.id)
        }
        users[user.id] = user
        userIDByName[name] = user.id
        userIDByExternalID[user.externalId] = user.id
    }

    /// Deletes the user for good, and from every group.
    mutating func deleteUser(_ id: String) throws(SCIMError) {
        let old = try user(id)
        users[id] = nil
        userOrder.removeAll { $0 == id }
        userIDByName[old.userName.lowercased()] = nil
        userIDByExternalID[old.externalId] = nil
        for gid in groupOrder { groups[gid]?.remove([id]) }
    }

    func searchUsers(_ filter: GitHubEMUFilter?) -> [User] {
        guard let filter else { return allUsers }
        switch filter.attribute {
        case "id": return users[filter.value].map { [$0] } ?? []
        case "userName": return userIDByName[filter.value.lowercased()].flatMap { users[$0] }.map { [$0] } ?? []
        case "externalId": return userIDByExternalID[filter.value].flatMap { users[$0] }.map { [$0] } ?? []
        default: return allUsers.filter { filter.matches($0.attributes["displayName"]?.stringValue) }
        }
    }

    // MARK: - Groups

    func group(_ id: String) throws(SCIMError) -> Group {
        guard let g = groups[id] else { throw SCIMError.notFound("There is no SCIM group '\(id)' in this enterprise.") }
        return g
    }

    /// 400 unless every id is a SCIM user id of this enterprise ("Ensure users are created before
    /// referencing them").
    func checkMembers(_ ids: [String]) throws(SCIMError) {
        for id in ids where users[id] == nil {
            throw SCIMError(
                status: 400,
                scimType: .invalidValue,
                detail:
                    "Member '\(id)' is not a SCIM user id of this enterprise; provision the user first and use its GitHub id."
            )
        }
    }

    /// Stores a new group or replaces one (same `id`); 409 when another group has its `displayName` or `externalId`.
    mutating func putGroup(_ group: Group) throws(SCIMError) {
        let name = group.displayName.lowercased()
        if let other = groupIDByName[name], other != group.id {
            throw SCIMError(
                status: 409,
                scimType: .uniqueness,
                detail: "Duplicate record detected: displayName '\(group.displayName)' exists."
            )
        }
        if let other = groupIDByExternalID[group.externalId], other != group.id {
            throw SCIMError(
                status: 409,
                scimType: .uniqueness,
                detail: "Duplicate record detected: externalId '\(group.externalId)' exists."
            )
        }
        if let old = groups[group.id] {
            groupIDByName[old.displayName.lowercased()] = nil
            groupIDByExternalID[old.externalId] = nil
        } else {
            groupOrder.append(group.id)
        }
        groups[group.id] = group
        groupIDByName[name] = group.id
        groupIDByExternalID[group.externalId] = group.id
    }

    mutating func deleteGroup(_ id: String) throws(SCIMError) {
        let old = try group(id)
        groups[id] = nil
        groupOrder.removeAll { $0 == id }
        groupIDByName[old.displayName.lowercased()] = nil
        groupIDByExternalID[old.externalId] = nil
    }

    func searchGroups(_ filter: GitHubEMUFilter?) -> [Group] {
        guard let filter else { return allGroups }
        switch filter.attribute {
        case "id": return groups[filter.value].map { [$0] } ?? []
        case "displayName": return groupIDByName[filter.value.lowercased()].flatMap { groups[$0] }.map { [$0] } ?? []
        default: return groupIDByExternalID[filter.value].flatMap { groups[$0] }.map { [$0] } ?? []
        }
    }

    // MARK: - Representations

    /// `scim-enterprise-user-response`.
    func render(_ u: User, baseURL: String) -> JSONObject {
        var o: JSONObject = ["schemas": [.string(GitHubEMUContract.userSchema)], "id": .string(u.id)]
        for key in ["externalId", "userName", "displayName", "name", "emails", "roles", "active"] {
            if let v = u.attributes[key] { o[key] = v }
        }
        let groupsOfUser = allGroups.filter { $0.memberSet.contains(u.id) }
        if !groupsOfUser.isEmpty {
            o["groups"] = .array(
                groupsOfUser.map {
                    [
                        "value": .string($0.id), "$ref": .string("\(baseURL)/Groups/\($0.id)"),
                        "display": .string($0.displayName),
                    ]
                }
            )
        }
        o["meta"] = Self.meta("User", u.id, u.created, u.lastModified, baseURL: baseURL)
        return o
    }

    /// `scim-enterprise-group-response`; `members` left out for `excludedAttributes=members`.
    func render(_ g: Group, baseURL: String, members: Bool = true) -> JSONObject {
        var o: JSONObject = [
            "schemas": [.string(GitHubEMUContract.groupSchema)], "id": .string(g.id),
            "externalId": .string(g.externalId),
            "displayName": .string(g.displayName),
        ]
        if members {
            o["members"] = .array(
                g.members.map { id in
                    [
                        "value": .string(id), "$ref": .string("\(baseURL)/Users/\(id)"),
                        "display": .string(users[id]?.display ?? id),
                    ]
                }
            )
        }
        o["meta"] = Self.meta("Group", g.id, g.created, g.lastModified, baseURL: baseURL)
        return o
    }

    static func meta(_ type: String, _ id: String, _ created: String, _ modified: String, baseURL: String) -> JSONValue
    {
        [
            "resourceType": .string(type), "created": .string(created), "lastModified": .string(modified),
            "location": .string("\(baseURL)/\(type)s/\(id)"),
        ]
    }
}
