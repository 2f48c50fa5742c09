public import SCIM

/// The users and groups of an emulated Slack org, with the indexes Slack's rules need (user names,
/// emails, channel names, groups of a user). Pure: the emulator holds it under its lock.
struct SlackDirectory: Sendable {
    struct User: Sendable {
        var id: String
        /// As stored: normalized `userName`, `emails`, `active`, every other attribute as sent.
        var attributes: JSONObject
        var created: SCIMDateTime
        var lastModified: SCIMDateTime
        var active: Bool { attributes["active"]?.boolValue ?? true }
        var isGuest: Bool { attributes[SlackValidation.guestSchema] != nil }
        var userName: String { attributes["userName"]?.stringValue ?? "" }
    }

    struct Group: Sendable {
        var id: String
        var displayName: String
        /// In the order they were added.
        var members: [String] = []
        var memberSet: Set<String> = []
        var created: SCIMDateTime
        var lastModified: SCIMDateTime
    }

    private(set) var users: [String: User] = [:]
    private(set) var userOrder: [String] = []
    private(set) var groups: [String: Group] = [:]
    private(set) var groupOrder: [String] = []
    /// Channel names, lowercased: a user name may not take one (`username_taken`).
    private(set) var channelNames: Set<String> = []
    private var byUserName: [String: String] = [:]
    private var byEmail: [String: String] = [:]
    private var groupsOfUser: [String: Set<String>] = [:]
    private var nextUser = 1
    private var nextGroup = 1

    // MARK: - Ids

    /// Slack-shaped ids: `U` or `S`, then ten upper-case base-36 characters, in creation order.
    mutating func newID(_ prefix: Character) -> String {
        let n: Int
        if prefix == "U" { n = nextUser; nextUser += 1 } else { n = nextGroup; nextGroup += 1 }
        let digits = String(n, radix: 36).uppercased()
        return String(prefix) + String(repeating: "0", count: max(0, 10 - digits.count)) + digits
    }

    // MARK: - Channels

    mutating func addChannel(_ name: String) throws(SlackError) {
        let key = name.lowercased()
        if byUserName[key] != nil { throw SlackError.usernameTaken }
        channelNames.insert(key)
    }

    // MARK: - Users

    func user(_ id: String) throws(SlackError) -> User {
        guard let user = users[id] else { throw SlackError.noSuchUser }
        return user
    }

    func userID(userName: String) -> String? { byUserName[userName.lowercased()] }
    func userID(email: String) -> String? { byEmail[email.lowercased()] }

    /// POST /Users.
    mutating func createUser(_ body: JSONObject, id: String? = nil, now: SCIMDateTime) throws(SlackError) -> User {
        let attributes = try SlackValidation.user(body)
        try checkUnique(attributes, except: nil)
        let user = User(id: id ?? newID("U"), attributes: attributes, created: now, lastModified: now)
        if users[user.id] != nil { throw SlackError.usernameTaken }
        users[user.id] = user
        userOrder.append(user.id)
        index(user)
        return user
    }

    /// PUT /Users/{id}: every value replaced, except `externalId` (Slack cannot change it: the stored
    /// one stays, a different one sent is ignored) and `active` when the body leaves it out (a PUT
    /// should not reactivate a user by omission).
    mutating func replaceUser(_ id: String, _ body: JSONObject, now: SCIMDateTime) throws(SlackError) -> User {
        var old = try user(id)
        var incoming = body
        if incoming["active"] == nil { incoming["active"] = .bool(old.active) }
        incoming.removeValue(forKey: "externalId")
        var attributes = try SlackValidation.user(incoming)
        if let external = old.attributes["externalId"] { attributes["externalId"] = external }
        try checkUnique(attributes, except: id)
        unindex(old)
        old.attributes = attributes
        old.lastModified = now
        users[id] = old
        index(old)
        return old
    }

    /// PATCH /Users/{id}: the operations applied to the stored user, then checked like a PUT.
    mutating func patchUser(_ id: String, _ body: JSONObject, now: SCIMDateTime) throws(SlackError) -> User {
        let patched = try SlackUserPatch.apply(body, to: try user(id).attributes)
        return try replaceUser(id, patched, now: now)
    }

    /// DELETE /Users/{id}: Slack deactivates, it never deletes. Memberships are left as they are.
    mutating func deactivateUser(_ id: String, now: SCIMDateTime) throws(SlackError) {
        var user = try user(id)
        user.attributes["active"] = false
        user.lastModified = now
        users[id] = user
    }

    private func checkUnique(_ attributes: JSONObject, except id: String?) throws(SlackError) {
        let name = attributes["userName"]?.stringValue?.lowercased() ?? ""
        if channelNames.contains(name) { throw SlackError.usernameTaken }
        if let holder = byUserName[name], holder != id { throw SlackError.usernameTaken }
        for email in SlackValidation.emailAddresses(of: attributes) {
            if let holder = byEmail[email], holder != id { throw SlackError.emailTaken }
        }
    }

    private mutating func index(_ user: User) {
        byUserName[user.userName.lowercased()] = user.id
        for email in SlackValidation.emailAddresses(of: user.attributes) { byEmail[email] = user.id }
    }

    private mutating func unindex(_ user: User) {
        byUserName[user.userName.lowercased()] = nil
        for email in SlackValidation.emailAddresses(of: user.attributes) where byEmail[email] == user.id {
            byEmail[email] = nil
        }
    }

    // MARK: - Groups

    func group(_ id: String) throws(SlackError) -> Group {
        guard let group = groups[id] else { throw SlackError.noSuchGroup }
        return group
    }

    func groupID(displayName: String) -> String? {
        groupOrder.first { groups[$0].map { caseInsensitiveEquals($0.displayName, displayName) } ?? false }
    }

    /// POST /Groups.
    mutating func createGroup(_ body: JSONObject, id: String? = nil, allowingAnyMember: Bool = false, now: SCIMDateTime)
        throws(SlackError) -> Group
    {
        let (name, requested) = try SlackValidation.group(body)
        if groupID(displayName: name) != nil { throw SlackError.nameAlreadyExists }
        let members = requested ?? []
        if allowingAnyMember { try checkExist(members) } else { try checkAddable(members) }
        var group = Group(id: id ?? newID("S"), displayName: name, created: now, lastModified: now)
        if groups[group.id] != nil { throw SlackError.nameAlreadyExists }
        groupOrder.append(group.id)
        add(members, to: &group)
        groups[group.id] = group
        return group
    }

    /// PUT /Groups/{id}: the name, and the members replaced by `members` (none when it is left out).
    mutating func replaceGroup(_ id: String, _ body: JSONObject, now: SCIMDateTime) throws(SlackError) -> Group {
        var group = try group(id)
        let (name, members) = try SlackValidation.group(body)
        if let other = groupID(displayName: name), other != id { throw SlackError.nameAlreadyExists }
        try checkAddable((members ?? []).filter { !group.memberSet.contains($0) })
        group.displayName = name
        setMembers(members ?? [], of: &group)
        group.lastModified = now
        groups[id] = group
        return group
    }

    /// Applies a PATCH's member and name changes, all or nothing (on a copy, committed at the end).
    mutating func patchGroup(_ id: String, _ changes: [SlackGroupPatch.Change], now: SCIMDateTime) throws(SlackError)
        -> Group
    {
        var copy = self
        let group = try copy.applying(changes, to: id, now: now)
        self = copy
        return group
    }

    private mutating func applying(_ changes: [SlackGroupPatch.Change], to id: String, now: SCIMDateTime)
        throws(SlackError) -> Group
    {
        var group = try group(id)
        for change in changes {
            switch change {
            case .rename(let name):
                if let other = groupID(displayName: name), other != id { throw SlackError.nameAlreadyExists }
                group.displayName = name
            case .add(let members):
                try checkAddable(members.filter { !group.memberSet.contains($0) })
                add(members, to: &group)
            case .replace(let members):
                try checkAddable(members.filter { !group.memberSet.contains($0) })
                setMembers(members, of: &group)
            case .remove(let members):
                remove(Set(members), from: &group)
            case .removeAll:
                setMembers([], of: &group)
            }
        }
        group.lastModified = now
        groups[id] = group
        return group
    }

    /// DELETE /Groups/{id}: the group goes, its users stay.
    mutating func deleteGroup(_ id: String) throws(SlackError) {
        var group = try group(id)
        setMembers([], of: &group)
        groups[id] = nil
        groupOrder.removeAll { $0 == id }
    }

    /// The groups a user is a member of, in creation order.
    func groups(of userID: String) -> [Group] {
        guard let ids = groupsOfUser[userID] else { return [] }
        return groupOrder.filter { ids.contains($0) }.compactMap { groups[$0] }
    }

    /// Members must be active, non-guest users of this org.
    private func checkAddable(_ members: [String]) throws(SlackError) {
        try checkExist(members)
        for id in members {
            guard let user = users[id], user.active, !user.isGuest else { throw SlackError.unableToAddDeletedOrGuest }
        }
    }

    private func checkExist(_ members: [String]) throws(SlackError) {
        for id in members where users[id] == nil { throw SlackError.noSuchGroupMembers }
    }

    private mutating func add(_ members: [String], to group: inout Group) {
        for id in members where group.memberSet.insert(id).inserted {
            group.members.append(id)
            groupsOfUser[id, default: []].insert(group.id)
        }
    }

    private mutating func remove(_ members: Set<String>, from group: inout Group) {
        let present = members.filter { group.memberSet.contains($0) }
        guard !present.isEmpty else { return }
        group.members.removeAll { present.contains($0) }
        group.memberSet.subtract(present)
        for id in present { groupsOfUser[id]?.remove(group.id) }
    }

    private mutating func setMembers(_ members: [String], of group: inout Group) {
        remove(group.memberSet, from: &group)
        add(members, to: &group)
    }

    // MARK: - Reset

    mutating func removeAll() {
        self = SlackDirectory()
    }
}
