import GRDB
package import Membership
package import SCIM

extension SQLiteStore {
    // MARK: - Create

    package func create(_ kind: ResourceKind, in channel: Channel, resource: JSONObject, members: [String]) async throws
        -> StoredResource
    {
        let now = Self.now()
        let id = Self.newID()
        let stored = StoredResource(
            kind: kind,
            id: id,
            attributes: resource,
            version: 1,
            created: now,
            lastModified: now
        )
        return try await write { db in
            try Self.checkUnique(stored, in: channel, db)
            try Self.insertRow(stored, in: channel, db)
            var events: [ChangeEvent] = [kind == .user ? .userUpserted(id: id) : .groupUpserted(id: id)]
            if kind == .group, !members.isEmpty {
                let added = try Self.addEdges(group: id, members: members, in: channel, db)
                events.append(.membersChanged(groupID: id, added: added, removed: []))
            }
            try Self.emit(events, in: channel, db)
            return stored
        }
    }

    // MARK: - Read

    package func get(_ kind: ResourceKind, id: String, in channel: Channel) async throws -> StoredResource? {
        try readNow { db in try Self.fetch(kind, id: id, in: channel, db) }
    }

    package func get(_ kind: ResourceKind, id: String, in channel: Channel, withEdges: Bool) async throws
        -> (resource: StoredResource, edges: [MemberReference]?)?
    {
        switch (kind, withEdges) {
        case (.user, true):
            return try readNow { db in try Self.fetchUserWithGroups(id: id, in: channel, db) }
        case (.group, true):
            // A member list can be long: it is read apart, off the caller's thread.
            guard let group = try readNow({ db in try Self.fetch(.group, id: id, in: channel, db) }) else { return nil }
            return (group, try await members(ofGroup: id, in: channel))
        case (_, false):
            return try readNow { db in try Self.fetch(kind, id: id, in: channel, db) }.map { ($0, nil) }
        }
    }

    static func fetch(_ kind: ResourceKind, id: String, in channel: Channel, _ db: Database) throws -> StoredResource? {
        try Row.fetchOne(
            db.cachedStatement(
                sql: "SELECT \(headColumns(kind)) FROM \(source(kind)) WHERE t.channel_key = ? AND t.id = ?"
            ),
            arguments: [channel.key, id]
        ).map { try resource(kind, from: $0) }
    }

    /// A user and its groups in one statement: one snapshot without a transaction around two reads
    /// (a `BEGIN` and a `COMMIT` fewer on every `GET /Users/{id}`).
    static func fetchUserWithGroups(id: String, in channel: Channel, _ db: Database) throws
        -> (resource: StoredResource, edges: [MemberReference])?
    {
        try fetchUnique(.user, where: "t.id = ?", [id], withGroups: true, in: channel, db)
            .map { ($0.resource, $0.groups ?? []) }
    }

    /// The one resource of `kind` that `condition` (on alias `t`, through a unique index) selects, and,
    /// when `withGroups` (users only), its groups by name, in one statement. Each group's row repeats
    /// the resource's columns; only the first is decoded.
    static func fetchUnique(
        _ kind: ResourceKind,
        where condition: String,
        _ arguments: [any DatabaseValueConvertible & Sendable],
        withGroups: Bool,
        in channel: Channel,
        _ db: Database
    ) throws -> (resource: StoredResource, groups: [MemberReference]?)? {
        let withGroups = withGroups && kind == .user  // only users have groups
        let sql =
            withGroups
            ? """
            SELECT \(headColumns(.user)), g.id AS group_id, g.display AS group_display FROM \(source(.user))
            LEFT JOIN membership m ON m.channel_key = t.channel_key AND m.member_id = t.id
            LEFT JOIN scim_group g ON g.channel_key = m.channel_key AND g.id = m.group_id
            WHERE t.channel_key = ? AND \(condition)
            ORDER BY g.display_name_fold
            """
            : "SELECT \(headColumns(kind)) FROM \(source(kind)) WHERE t.channel_key = ? AND \(condition)"
        let rows = try Row.fetchCursor(
            db.cachedStatement(sql: sql),
            arguments: StatementArguments([channel.key] + arguments)
        )
        var found: StoredResource?
        var groups: [MemberReference] = []
        while let row = try rows.next() {
            if found == nil { found = try resource(kind, from: row) }
            // An edge whose group row is gone (never left behind by a commit) is skipped, as in `groups(ofMember:)`.
            if withGroups, let group: String = row[5] {
                groups.append(MemberReference(id: group, kind: .group, display: row[6]))
            }
        }
        return found.map { ($0, withGroups ? groups : nil) }
    }

    /// The resource in a row whose first columns are `headColumns(kind)` (every read selects them).
    /// Read by position: GRDB finds a column by name case-insensitively, lowercasing the name on every
    /// lookup.
    static func resource(_ kind: ResourceKind, from row: Row) throws -> StoredResource {
        let text: String = row[1]
        guard case .object(let attributes) = try JSONParser.parse(text) else {
            throw SCIMError.internalError
        }
        return StoredResource(
            kind: kind,
            id: row[0],
            attributes: attributes,
            version: row[2],
            created: instant(row[3]),
            lastModified: instant(row[4])
        )
    }

    // MARK: - Modify

    /// A change that changes nothing (an IdP's resync resending what it sent before, an `add` of members
    /// already present) leaves the version and `lastModified` alone (RFC 7644 §3.5.2.1: such an operation
    /// "SHALL NOT change the modify timestamp"), and is answered from a read without waiting for the writer.
    package func modify(
        _ kind: ResourceKind,
        id: String,
        in channel: Channel,
        ifMatch: String?,
        membership: MembershipChange,
        update: @escaping @Sendable (StoredResource) throws -> JSONObject
    ) async throws -> StoredResource {
        if let unchanged = try unchangedByModify(
            kind,
            id: id,
            in: channel,
            ifMatch: ifMatch,
            membership: membership,
            update: update
        ) {
            return unchanged
        }
        let now = Self.now()
        return try await write { db in
            guard let current = try Self.fetch(kind, id: id, in: channel, db) else {
                throw SCIMError.notFound("\(kind.rawValue) '\(id)' not found.")
            }
            if let ifMatch, !ETag.header(ifMatch, matches: current.etag) {
                throw SCIMError.preconditionFailed(
                    "The resource has changed: its version is \(current.etag), the request's If-Match is \(ifMatch)."
                )
            }
            // A computed member list comes first: its request's member operations are checked, and
            // fail, in the request's order, before the other attributes are.
            var computed: (ids: [String], current: Set<String>)?
            if kind == .group, case .computed(let compute) = membership {
                let members = try Self.members(ofGroup: id, in: channel, db)
                computed = (try compute(members), Set(members.lazy.map(\.id)))
            }
            let attributes = try update(current)
            var added: [String] = []
            var removed: [String] = []
            if kind == .group {
                switch membership {
                case .none: break
                case .delta(let add, let remove):
                    removed = try Self.removeEdges(group: id, members: remove, in: channel, db)
                    added = try Self.addEdges(group: id, members: add, in: channel, db)
                case .replaceAll(let ids):
                    let current = Set(
                        try String.fetchAll(
                            db,
                            cached: "SELECT member_id FROM membership WHERE channel_key = ? AND group_id = ?",
                            arguments: [channel.key, id]
                        )
                    )
                    (removed, added) = try Self.replaceEdges(group: id, with: ids, current: current, in: channel, db)
                case .computed:
                    if let computed {
                        (removed, added) = try Self.replaceEdges(
                            group: id,
                            with: computed.ids,
                            current: computed.current,
                            in: channel,
                            db
                        )
                    }
                }
            }
            let attributesChanged = attributes != current.attributes
            guard attributesChanged || !added.isEmpty || !removed.isEmpty else { return current }
            var next = current
            next.attributes = attributes
            next.version = current.version + 1
            next.lastModified = now
            if attributesChanged { try Self.checkUnique(next, in: channel, db) }
            try Self.updateRow(next, in: channel, db)
            var events: [ChangeEvent] = []
            if attributesChanged {
                events.append(kind == .user ? .userUpserted(id: id) : .groupUpserted(id: id))
            }
            if !added.isEmpty || !removed.isEmpty {
                events.append(.membersChanged(groupID: id, added: added, removed: removed))
            }
            try Self.emit(events, in: channel, db)
            return next
        }
    }

    /// Most member ids a PATCH may name for `modify` to look for "no change" before the writer.
    static let unchangedCheckLimit = 100

    /// The current resource when `modify` would change nothing, read on one snapshot; nil when it
    /// would (or when it fails: absent, stale `ifMatch`), which the writer then decides and reports.
    /// An `update` that throws throws here: on this snapshot the writer would refuse it the same way.
    private func unchangedByModify(
        _ kind: ResourceKind,
        id: String,
        in channel: Channel,
        ifMatch: String?,
        membership: MembershipChange,
        update: (StoredResource) throws -> JSONObject
    ) throws -> StoredResource? {
        let read = try readNowConsistently { db -> StoredResource? in
            guard let current = try Self.fetch(kind, id: id, in: channel, db) else { return nil }
            if let ifMatch, !ETag.header(ifMatch, matches: current.etag) { return nil }
            guard kind == .group else { return current }
            switch membership {
            case .none:
                return current
            case .delta(let add, let remove):
                // A large delta is most likely a real change: reading its members twice (here and in
                // the writer) would cost more than the writer's own "nothing inserted" answer.
                guard add.count + remove.count <= Self.unchangedCheckLimit else { return nil }
                let present = try Self.presentMembers(of: id, among: add + remove, in: channel, db)
                return add.allSatisfy(present.contains) && !remove.contains(where: present.contains) ? current : nil
            case .replaceAll(let ids):
                let wanted = Set(ids)
                let count =
                    try Int.fetchOne(
                        db.cachedStatement(
                            sql: "SELECT COUNT(*) FROM membership WHERE channel_key = ? AND group_id = ?"
                        ),
                        arguments: [channel.key, id]
                    ) ?? 0
                guard count == wanted.count else { return nil }
                return try Self.presentMembers(of: id, among: Array(wanted), in: channel, db).count == wanted.count
                    ? current : nil
            case .computed:
                // Evaluating it needs the whole member list, which the writer reads anyway.
                return nil
            }
        }
        guard let current = read else { return nil }
        return try update(current) == current.attributes ? current : nil
    }

    // MARK: - Delete

    package func delete(_ kind: ResourceKind, id: String, in channel: Channel, ifMatch: String?) async throws {
        let now = Self.nanoseconds(Self.now())
        try await write { db in
            guard let current = try Self.fetch(kind, id: id, in: channel, db) else {
                throw SCIMError.notFound("\(kind.rawValue) '\(id)' not found.")
            }
            if let ifMatch, !ETag.header(ifMatch, matches: current.etag) {
                throw SCIMError.preconditionFailed(
                    "The resource has changed: its version is \(current.etag), the request's If-Match is \(ifMatch)."
                )
            }
            // Groups that lose this member change too, on every target.
            let formerGroups = try String.fetchAll(
                db,
                cached: "SELECT group_id FROM membership WHERE channel_key = ? AND member_id = ?",
                arguments: [channel.key, id]
            )
            var events: [ChangeEvent] = formerGroups.map { .membersChanged(groupID: $0, added: [], removed: [id]) }
            events.append(kind == .user ? .userDeleted(id: id) : .groupDeleted(id: id))
            try Self.emit(events, in: channel, db)
            try db.executeCached(
                sql: """
                    UPDATE scim_group SET version = version + 1, last_modified = ?
                    WHERE channel_key = ? AND id IN (SELECT group_id FROM membership WHERE channel_key = ? AND member_id = ?)
                    """,
                arguments: [now, channel.key, channel.key, id]
            )
            try db.executeCached(
                sql: "DELETE FROM membership WHERE channel_key = ? AND member_id = ?",
                arguments: [channel.key, id]
            )
            if kind == .group {
                try Self.stampUserMembers(ofGroup: id, now: now, in: channel, db)
                try db.executeCached(
                    sql: "DELETE FROM membership WHERE channel_key = ? AND group_id = ?",
                    arguments: [channel.key, id]
                )
            } else {
                try db.executeCached(
                    sql: "DELETE FROM scim_user_email WHERE channel_key = ? AND user_id = ?",
                    arguments: [channel.key, id]
                )
                try Self.dropStamp(user: id, in: channel, db)
            }
            try db.executeCached(
                sql: "DELETE FROM \(kind.table) WHERE channel_key = ? AND id = ?",
                arguments: [channel.key, id]
            )
        }
    }

    // MARK: - Membership edges

    package func members(ofGroup id: String, in channel: Channel) async throws -> [MemberReference] {
        try await read { db in try Self.members(ofGroup: id, in: channel, db) }
    }

    /// The members of a group with their displays, by id (also read inside writes, for `.computed`).
    static func members(ofGroup id: String, in channel: Channel, _ db: Database) throws -> [MemberReference] {
        try Row.fetchAll(
            db,
            cached: """
                SELECT m.member_id, m.member_kind, COALESCE(u.display, g.display) AS display
                FROM membership m
                LEFT JOIN scim_user u ON m.member_kind = 'User' AND u.channel_key = m.channel_key AND u.id = m.member_id
                LEFT JOIN scim_group g ON m.member_kind = 'Group' AND g.channel_key = m.channel_key AND g.id = m.member_id
                WHERE m.channel_key = ? AND m.group_id = ?
                ORDER BY m.member_id
                """,
            arguments: [channel.key, id]
        ).map { row in
            MemberReference(
                id: row["member_id"],
                kind: ResourceKind(rawValue: row["member_kind"]) ?? .user,
                display: row["display"]
            )
        }
    }

    /// The members of each of `ids` (every id a key), as `members(ofGroup:)` orders them: a statement
    /// per `edgeBatch` groups, not one per group, for a page of a group list.
    static func members(ofGroups ids: [String], in channel: Channel, _ db: Database) throws -> [String:
        [MemberReference]]
    {
        var members = Dictionary(ids.map { ($0, [MemberReference]()) }, uniquingKeysWith: { first, _ in first })
        for batch in batches(ids) {
            let rows = try Row.fetchCursor(
                statement(
                    """
                    SELECT m.group_id, m.member_id, m.member_kind, COALESCE(u.display, g.display) AS display
                    FROM membership m
                    LEFT JOIN scim_user u ON m.member_kind = 'User' AND u.channel_key = m.channel_key AND u.id = m.member_id
                    LEFT JOIN scim_group g ON m.member_kind = 'Group' AND g.channel_key = m.channel_key AND g.id = m.member_id
                    WHERE m.channel_key = ? AND m.group_id IN (\(placeholders(batch.count)))
                    ORDER BY m.group_id, m.member_id
                    """,
                    count: batch.count,
                    db
                ),
                arguments: StatementArguments([channel.key] + batch)
            )
            while let row = try rows.next() {
                members[row[0], default: []].append(
                    MemberReference(id: row[1], kind: ResourceKind(rawValue: row[2]) ?? .user, display: row[3])
                )
            }
        }
        return members
    }

    /// The groups `id` belongs to. `CROSS JOIN` keeps SQLite from walking every group in name
    /// order (to skip the sort) and probing each for the member: the member's edges come first.
    package func groups(ofMember id: String, in channel: Channel) async throws -> [MemberReference] {
        try readNow { db in try Self.groups(ofMember: id, in: channel, db) }
    }

    static func groups(ofMember id: String, in channel: Channel, _ db: Database) throws -> [MemberReference] {
        try groups(ofMembers: [id], in: channel, db)[id] ?? []
    }

    /// The groups of each of `ids` (every id a key, its groups by name): a statement per `edgeBatch`
    /// ids, not one per user, for a page of a user list.
    static func groups(ofMembers ids: [String], in channel: Channel, _ db: Database) throws -> [String:
        [MemberReference]]
    {
        var groups = Dictionary(ids.map { ($0, [MemberReference]()) }, uniquingKeysWith: { first, _ in first })
        for batch in batches(ids) {
            let rows = try Row.fetchCursor(
                statement(
                    """
                    SELECT m.member_id, g.id, g.display FROM membership m
                    CROSS JOIN scim_group g ON g.channel_key = m.channel_key AND g.id = m.group_id
                    WHERE m.channel_key = ? AND m.member_id IN (\(placeholders(batch.count)))
                    ORDER BY m.member_id, g.display_name_fold
                    """,
                    count: batch.count,
                    db
                ),
                arguments: StatementArguments([channel.key] + batch)
            )
            while let row = try rows.next() {
                groups[row[0], default: []].append(MemberReference(id: row[1], kind: .group, display: row[2]))
            }
        }
        return groups
    }

    // MARK: - Rows

    /// The indexed columns of a resource, derived from its attributes.
    struct Columns {
        var foldedName: String
        var display: String
        var externalID: String?
        var displayNameFold: String?
        var active: Bool?
        var emails: Set<String>
    }

    static func columns(_ r: StoredResource) throws -> Columns {
        let a = r.attributes
        let externalID = a["externalId"]?.stringValue
        switch r.kind {
        case .user:
            guard let userName = a["userName"]?.stringValue, !userName.isEmpty else {
                throw SCIMError.invalidValue("A User needs a non-empty 'userName'.")
            }
            let displayName = a["displayName"]?.stringValue
            var emails = Set<String>()
            for e in a["emails"]?.arrayValue ?? [] {
                if let v = e["value"]?.stringValue, !v.isEmpty { emails.insert(FilterEvaluator.foldCase(v)) }
            }
            return Columns(
                foldedName: FilterEvaluator.foldCase(userName),
                display: displayName ?? userName,
                externalID: externalID,
                displayNameFold: displayName.map(FilterEvaluator.foldCase),
                active: a["active"]?.boolValue,
                emails: emails
            )
        case .group:
            guard let displayName = a["displayName"]?.stringValue, !displayName.isEmpty else {
                throw SCIMError.invalidValue("A Group needs a non-empty 'displayName'.")
            }
            let fold = FilterEvaluator.foldCase(displayName)
            return Columns(
                foldedName: fold,
                display: displayName,
                externalID: externalID,
                displayNameFold: fold,
                active: nil,
                emails: []
            )
        }
    }

    /// 409 `uniqueness` when another resource of the channel has the same `userName` (users) or
    /// `displayName` (groups, because targets map groups by name), compared case-insensitively.
    static func checkUnique(_ r: StoredResource, in channel: Channel, _ db: Database) throws {
        let c = try columns(r)
        let (column, attribute) =
            r.kind == .user ? ("user_name_fold", "userName") : ("display_name_fold", "displayName")
        if let other = try String.fetchOne(
            db,
            cached: "SELECT id FROM \(r.kind.table) WHERE channel_key = ? AND \(column) = ? AND id <> ?",
            arguments: [channel.key, c.foldedName, r.id]
        ) {
            let value = r.attributes[attribute]?.stringValue ?? ""
            throw SCIMError.uniqueness(
                "\(r.kind.rawValue) \(attribute) '\(value)' is already taken in this channel (by id \(other)); \(attribute) is unique, compared case-insensitively."
            )
        }
    }

    static func insertRow(_ r: StoredResource, in channel: Channel, _ db: Database) throws {
        let c = try columns(r)
        let json = r.attributes.json
        switch r.kind {
        case .user:
            try db.executeCached(
                sql: """
                    INSERT INTO scim_user (channel_key, id, user_name_fold, external_id, display_name_fold, display, active,
                                           attributes, version, created, last_modified)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    channel.key, r.id, c.foldedName, c.externalID, c.displayNameFold, c.display, c.active, json,
                    r.version, nanoseconds(r.created), nanoseconds(r.lastModified),
                ]
            )
            try insertEmails(c.emails, user: r.id, in: channel, db)
        case .group:
            try db.executeCached(
                sql: """
                    INSERT INTO scim_group (channel_key, id, display_name_fold, display, external_id, attributes, version,
                                            created, last_modified)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    channel.key, r.id, c.foldedName, c.display, c.externalID, json, r.version, nanoseconds(r.created),
                    nanoseconds(r.lastModified),
                ]
            )
        }
    }

    static func updateRow(_ r: StoredResource, in channel: Channel, _ db: Database) throws {
        let c = try columns(r)
        let json = r.attributes.json
        switch r.kind {
        case .user:
            try db.executeCached(
                sql: """
                    UPDATE scim_user SET user_name_fold = ?, external_id = ?, display_name_fold = ?, display = ?, active = ?,
                        attributes = ?, version = ?, last_modified = ?
                    WHERE channel_key = ? AND id = ?
                    """,
                arguments: [
                    c.foldedName, c.externalID, c.displayNameFold, c.display, c.active, json, r.version,
                    nanoseconds(r.lastModified), channel.key, r.id,
                ]
            )
            // `r.version` counts the stamp's changes (it was read with them): the row holds them now.
            try dropStamp(user: r.id, in: channel, db)
            let old = Set(
                try String.fetchAll(
                    db,
                    cached: "SELECT value_fold FROM scim_user_email WHERE channel_key = ? AND user_id = ?",
                    arguments: [channel.key, r.id]
                )
            )
            if old != c.emails {
                try db.executeCached(
                    sql: "DELETE FROM scim_user_email WHERE channel_key = ? AND user_id = ?",
                    arguments: [channel.key, r.id]
                )
                try insertEmails(c.emails, user: r.id, in: channel, db)
            }
        case .group:
            try db.executeCached(
                sql: """
                    UPDATE scim_group SET display_name_fold = ?, display = ?, external_id = ?, attributes = ?, version = ?,
                        last_modified = ?
                    WHERE channel_key = ? AND id = ?
                    """,
                arguments: [
                    c.foldedName, c.display, c.externalID, json, r.version, nanoseconds(r.lastModified), channel.key,
                    r.id,
                ]
            )
        }
    }

    static func insertEmails(_ emails: Set<String>, user: String, in channel: Channel, _ db: Database) throws {
        for e in emails {
            try db.executeCached(
                sql: "INSERT OR IGNORE INTO scim_user_email (channel_key, value_fold, user_id) VALUES (?, ?, ?)",
                arguments: [channel.key, e, user]
            )
        }
    }
}

extension JSONObject {
    /// Compact JSON text, as stored.
    var json: String { JSONValue.object(self).serialized() }
}
