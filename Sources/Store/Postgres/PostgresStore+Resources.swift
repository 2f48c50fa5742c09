package import Membership
import PostgresNIO
package import SCIM

extension PostgresStore: Store {
    // MARK: - Create

    package func create(_ kind: ResourceKind, in channel: Membership.Channel, resource: JSONObject, members: [String])
        async throws
        -> StoredResource
    {
        let now = Self.now()
        let stored = StoredResource(
            kind: kind,
            id: Self.newID(),
            attributes: resource,
            version: 1,
            created: now,
            lastModified: now
        )
        return try await write { c in
            try await checkUnique(stored, in: channel, c)
            try await insertRow(stored, in: channel, c)
            var events: [ChangeEvent] = [kind == .user ? .userUpserted(id: stored.id) : .groupUpserted(id: stored.id)]
            if kind == .group, !members.isEmpty {
                let added = try await addEdges(group: stored.id, members: members, in: channel, c)
                events.append(.membersChanged(groupID: stored.id, added: added, removed: []))
            }
            try await emit(events, in: channel, c)
            return stored
        }
    }

    // MARK: - Read

    /// The columns every read of a resource starts with, in the order `resource(_:from:)` decodes them.
    static let headColumns = "t.id, t.attributes, t.version, t.created, t.last_modified"

    package func get(_ kind: ResourceKind, id: String, in channel: Membership.Channel) async throws -> StoredResource? {
        try await readOne { c in try await fetch(kind, id: id, in: channel, c) }
    }

    package func get(_ kind: ResourceKind, id: String, in channel: Membership.Channel, withEdges: Bool) async throws
        -> (resource: StoredResource, edges: [MemberReference]?)?
    {
        guard withEdges else {
            return try await get(kind, id: id, in: channel).map { (resource: $0, edges: nil as [MemberReference]?) }
        }
        // One statement, which sees one snapshot by itself: a transaction around two would cost four
        // round trips, and the edges come back aggregated on the resource's one row.
        return try await readOne { c in
            guard
                let row = try await rows(
                    "SELECT \(Self.headColumns), (\(Self.edgesAggregate(kind))) FROM \(kind.table) t"
                        + " WHERE t.channel_key = ? AND t.id = ?",
                    [.int(channel.key), .text(id)],
                    on: c
                ).first
            else { return nil }
            let aggregated = try Array(row)[5].decode(String?.self)
            return (try Self.resource(kind, from: row), try Self.edges(kind, aggregated: aggregated))
        }
    }

    /// A scalar subquery of resource `t`'s edges as one JSON array text, in the order and with the
    /// displays `groups(ofMembers:)` and `members(ofGroups:)` give: a user's groups `[id, display]` by
    /// group name, a group's members `[id, kind, display]` by member id.
    static func edgesAggregate(_ kind: ResourceKind) -> String {
        switch kind {
        case .user:
            """
            SELECT json_agg(json_build_array(g.id, g.display) ORDER BY g.display_name_fold)::text
            FROM membership m JOIN scim_group g ON g.channel_key = m.channel_key AND g.id = m.group_id
            WHERE m.channel_key = t.channel_key AND m.member_id = t.id
            """
        case .group:
            """
            SELECT json_agg(json_build_array(m.member_id, m.member_kind, COALESCE(u.display, g.display))
                ORDER BY m.member_id)::text
            FROM membership m
            LEFT JOIN scim_user u ON m.member_kind = 'User' AND u.channel_key = m.channel_key AND u.id = m.member_id
            LEFT JOIN scim_group g ON m.member_kind = 'Group' AND g.channel_key = m.channel_key AND g.id = m.member_id
            WHERE m.channel_key = t.channel_key AND m.group_id = t.id
            """
        }
    }

    /// The edges `edgesAggregate(kind)` aggregated (nil when there are none).
    static func edges(_ kind: ResourceKind, aggregated: String?) throws -> [MemberReference] {
        guard let aggregated else { return [] }
        guard case .array(let items) = try JSONParser.parse(aggregated) else { throw SCIMError.internalError }
        return try items.map { item in
            guard case .array(let fields) = item, let id = fields.first?.stringValue else {
                throw SCIMError.internalError
            }
            let field = { (i: Int) in i < fields.count ? fields[i].stringValue : nil }
            switch kind {
            case .user:
                return MemberReference(id: id, kind: .group, display: field(1))
            case .group:
                return MemberReference(
                    id: id,
                    kind: field(1).flatMap(ResourceKind.init(rawValue:)) ?? .user,
                    display: field(2)
                )
            }
        }
    }

    /// The resource, read with a row lock when `forUpdate` (a write's read, which then decides on it).
    func fetch(
        _ kind: ResourceKind,
        id: String,
        in channel: Membership.Channel,
        forUpdate: Bool = false,
        _ c: PostgresConnection
    )
        async throws -> StoredResource?
    {
        try await rows(
            "SELECT \(Self.headColumns) FROM \(kind.table) t WHERE t.channel_key = ? AND t.id = ?"
                + (forUpdate ? " FOR UPDATE" : ""),
            [.int(channel.key), .text(id)],
            on: c
        ).first.map { try Self.resource(kind, from: $0) }
    }

    /// The resource in a row whose first columns are `headColumns`.
    static func resource(_ kind: ResourceKind, from row: PostgresRow) throws -> StoredResource {
        var columns = row.makeIterator()
        func next<T: PostgresDecodable>(_: T.Type) throws -> T {
            guard let cell = columns.next() else { throw SCIMError.internalError }
            return try cell.decode(T.self)
        }
        let id = try next(String.self)
        guard case .object(let attributes) = try JSONParser.parse(try next(String.self)) else {
            throw SCIMError.internalError
        }
        return StoredResource(
            kind: kind,
            id: id,
            attributes: attributes,
            version: try next(Int64.self),
            created: instant(try next(Int64.self)),
            lastModified: instant(try next(Int64.self))
        )
    }

    // MARK: - Modify

    /// As `SQLiteStore.modify`: a change that changes nothing leaves the version and `lastModified` alone.
    /// The resource's row is locked first (`SELECT … FOR UPDATE`): concurrent writes of one resource (two
    /// PATCHes of a group, on any replica) run one after the other, each on the other's result, and an
    /// `If-Match` is compared with the version the write then replaces (`UPDATE … WHERE version = ?`).
    package func modify(
        _ kind: ResourceKind,
        id: String,
        in channel: Membership.Channel,
        ifMatch: String?,
        membership: MembershipChange,
        update: @escaping @Sendable (StoredResource) throws -> JSONObject
    ) async throws -> StoredResource {
        let now = Self.now()
        return try await write { c in
            guard let current = try await fetch(kind, id: id, in: channel, forUpdate: true, c) else {
                throw SCIMError.notFound("\(kind.rawValue) '\(id)' not found.")
            }
            if let ifMatch, !ETag.header(ifMatch, matches: current.etag) {
                throw SCIMError.preconditionFailed(
                    "The resource has changed: its version is \(current.etag), the request's If-Match is \(ifMatch)."
                )
            }
            var computed: (ids: [String], current: Set<String>)?
            if kind == .group, case .computed(let compute) = membership {
                let members = try await members(ofGroups: [id], in: channel, c)[id] ?? []
                computed = (try compute(members), Set(members.lazy.map(\.id)))
            }
            let attributes = try update(current)
            var added: [String] = []
            var removed: [String] = []
            if kind == .group {
                switch membership {
                case .none: break
                case .delta(let add, let remove):
                    removed = try await removeEdges(group: id, members: remove, in: channel, c)
                    added = try await addEdges(group: id, members: add, in: channel, c)
                case .replaceAll(let ids):
                    let present = Set(
                        try await rows(
                            "SELECT member_id FROM membership WHERE channel_key = ? AND group_id = ?",
                            [.int(channel.key), .text(id)],
                            on: c
                        ).map { try $0.decode(String.self) }
                    )
                    (removed, added) = try await replaceEdges(group: id, with: ids, current: present, in: channel, c)
                case .computed:
                    if let computed {
                        (removed, added) = try await replaceEdges(
                            group: id,
                            with: computed.ids,
                            current: computed.current,
                            in: channel,
                            c
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
            if attributesChanged { try await checkUnique(next, in: channel, c) }
            try await updateRow(next, previousVersion: current.version, in: channel, c)
            var events: [ChangeEvent] = []
            if attributesChanged {
                events.append(kind == .user ? .userUpserted(id: id) : .groupUpserted(id: id))
            }
            if !added.isEmpty || !removed.isEmpty {
                events.append(.membersChanged(groupID: id, added: added, removed: removed))
            }
            try await emit(events, in: channel, c)
            return next
        }
    }

    // MARK: - Delete

    package func delete(_ kind: ResourceKind, id: String, in channel: Membership.Channel, ifMatch: String?) async throws
    {
        let now = Self.nanoseconds(Self.now())
        try await write { c in
            guard let current = try await fetch(kind, id: id, in: channel, forUpdate: true, c) else {
                throw SCIMError.notFound("\(kind.rawValue) '\(id)' not found.")
            }
            if let ifMatch, !ETag.header(ifMatch, matches: current.etag) {
                throw SCIMError.preconditionFailed(
                    "The resource has changed: its version is \(current.etag), the request's If-Match is \(ifMatch)."
                )
            }
            let key = PostgresValue.int(channel.key)
            // Groups that lose this member change too, on every target.
            let formerGroups = try await rows(
                "SELECT group_id FROM membership WHERE channel_key = ? AND member_id = ? ORDER BY group_id",
                [key, .text(id)],
                on: c
            ).map { try $0.decode(String.self) }
            var events: [ChangeEvent] = formerGroups.map { .membersChanged(groupID: $0, added: [], removed: [id]) }
            events.append(kind == .user ? .userDeleted(id: id) : .groupDeleted(id: id))
            try await emit(events, in: channel, c)
            try await rows(
                """
                UPDATE scim_group SET version = version + 1, last_modified = ?
                WHERE channel_key = ? AND id = ANY(?)
                """,
                [.int(now), key, .texts(formerGroups)],
                on: c
            )
            try await rows("DELETE FROM membership WHERE channel_key = ? AND member_id = ?", [key, .text(id)], on: c)
            if kind == .group {
                // Its user members' `groups` change.
                try await rows(
                    """
                    UPDATE scim_user SET version = version + 1, last_modified = ?
                    WHERE channel_key = ? AND id IN (SELECT member_id FROM membership
                                                      WHERE channel_key = ? AND group_id = ? AND member_kind = 'User')
                    """,
                    [.int(now), key, key, .text(id)],
                    on: c
                )
                try await rows(
                    "DELETE FROM membership WHERE channel_key = ? AND group_id = ?",
                    [key, .text(id)],
                    on: c
                )
            } else {
                try await rows(
                    "DELETE FROM scim_user_email WHERE channel_key = ? AND user_id = ?",
                    [key, .text(id)],
                    on: c
                )
            }
            try await rows("DELETE FROM \(kind.table) WHERE channel_key = ? AND id = ?", [key, .text(id)], on: c)
        }
    }

    // MARK: - Membership edges

    package func members(ofGroup id: String, in channel: Membership.Channel) async throws -> [MemberReference] {
        try await readOne { c in try await members(ofGroups: [id], in: channel, c)[id] ?? [] }
    }

    package func groups(ofMember id: String, in channel: Membership.Channel) async throws -> [MemberReference] {
        try await readOne { c in try await groups(ofMembers: [id], in: channel, c)[id] ?? [] }
    }

    /// The members of each of `ids` (every id a key) with their displays, by member id: one statement.
    func members(ofGroups ids: [String], in channel: Membership.Channel, _ c: PostgresConnection) async throws
        -> [String: [MemberReference]]
    {
        var members = Dictionary(ids.map { ($0, [MemberReference]()) }, uniquingKeysWith: { first, _ in first })
        guard !ids.isEmpty else { return members }
        for row in try await rows(
            """
            SELECT m.group_id, m.member_id, m.member_kind, COALESCE(u.display, g.display)
            FROM membership m
            LEFT JOIN scim_user u ON m.member_kind = 'User' AND u.channel_key = m.channel_key AND u.id = m.member_id
            LEFT JOIN scim_group g ON m.member_kind = 'Group' AND g.channel_key = m.channel_key AND g.id = m.member_id
            WHERE m.channel_key = ? AND m.group_id = ANY(?)
            ORDER BY m.group_id, m.member_id
            """,
            [.int(channel.key), .texts(ids)],
            on: c
        ) {
            let (group, member, kind, display) = try row.decode((String, String, String, String?).self)
            members[group, default: []].append(
                MemberReference(id: member, kind: ResourceKind(rawValue: kind) ?? .user, display: display)
            )
        }
        return members
    }

    /// The groups of each of `ids` (every id a key), each list by group name: one statement.
    func groups(ofMembers ids: [String], in channel: Membership.Channel, _ c: PostgresConnection) async throws
        -> [String: [MemberReference]]
    {
        var groups = Dictionary(ids.map { ($0, [MemberReference]()) }, uniquingKeysWith: { first, _ in first })
        guard !ids.isEmpty else { return groups }
        for row in try await rows(
            """
            SELECT m.member_id, g.id, g.display FROM membership m
            JOIN scim_group g ON g.channel_key = m.channel_key AND g.id = m.group_id
            WHERE m.channel_key = ? AND m.member_id = ANY(?)
            ORDER BY m.member_id, g.display_name_fold
            """,
            [.int(channel.key), .texts(ids)],
            on: c
        ) {
            let (member, group, display) = try row.decode((String, String, String).self)
            groups[member, default: []].append(MemberReference(id: group, kind: .group, display: display))
        }
        return groups
    }

    // MARK: - Rows

    /// 409 `uniqueness` when another resource of the channel has the same folded `userName` (users) or
    /// `displayName` (groups), with SQLite's message. Two writes that race past this check meet the
    /// unique index, which `mapped` turns into the same 409.
    func checkUnique(_ r: StoredResource, in channel: Membership.Channel, _ c: PostgresConnection) async throws {
        let columns = try SQLiteStore.columns(r)
        let (column, attribute) =
            r.kind == .user ? ("user_name_fold", "userName") : ("display_name_fold", "displayName")
        if let other = try await rows(
            "SELECT id FROM \(r.kind.table) WHERE channel_key = ? AND \(column) = ? AND id <> ?",
            [.int(channel.key), .text(columns.foldedName), .text(r.id)],
            on: c
        ).first?.decode(String.self) {
            let value = r.attributes[attribute]?.stringValue ?? ""
            throw SCIMError.uniqueness(
                "\(r.kind.rawValue) \(attribute) '\(value)' is already taken in this channel (by id \(other)); \(attribute) is unique, compared case-insensitively."
            )
        }
    }

    func insertRow(_ r: StoredResource, in channel: Membership.Channel, _ c: PostgresConnection) async throws {
        let k = try SQLiteStore.columns(r)
        switch r.kind {
        case .user:
            try await rows(
                """
                INSERT INTO scim_user (channel_key, id, user_name_fold, external_id, display_name_fold, display, active,
                                       attributes, version, created, last_modified)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                [
                    .int(channel.key), .text(r.id), .text(k.foldedName), .text(k.externalID), .text(k.displayNameFold),
                    .text(k.display), .bool(k.active), .text(r.attributes.json), .int(r.version),
                    .int(Self.nanoseconds(r.created)), .int(Self.nanoseconds(r.lastModified)),
                ],
                on: c
            )
            try await insertEmails(k.emails, user: r.id, in: channel, c)
        case .group:
            try await rows(
                """
                INSERT INTO scim_group (channel_key, id, display_name_fold, display, external_id, attributes, version,
                                        created, last_modified)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                [
                    .int(channel.key), .text(r.id), .text(k.foldedName), .text(k.display), .text(k.externalID),
                    .text(r.attributes.json), .int(r.version), .int(Self.nanoseconds(r.created)),
                    .int(Self.nanoseconds(r.lastModified)),
                ],
                on: c
            )
        }
    }

    /// Writes the resource's new row, if its version is still `previousVersion` (the row is locked by
    /// the write's read, so it is: the condition states the invariant in the statement itself).
    func updateRow(_ r: StoredResource, previousVersion: Int64, in channel: Membership.Channel, _ c: PostgresConnection)
        async throws
    {
        let k = try SQLiteStore.columns(r)
        let updated: [PostgresRow]
        switch r.kind {
        case .user:
            updated = try await rows(
                """
                UPDATE scim_user SET user_name_fold = ?, external_id = ?, display_name_fold = ?, display = ?, active = ?,
                    attributes = ?, version = ?, last_modified = ?
                WHERE channel_key = ? AND id = ? AND version = ? RETURNING id
                """,
                [
                    .text(k.foldedName), .text(k.externalID), .text(k.displayNameFold), .text(k.display),
                    .bool(k.active), .text(r.attributes.json), .int(r.version), .int(Self.nanoseconds(r.lastModified)),
                    .int(channel.key), .text(r.id), .int(previousVersion),
                ],
                on: c
            )
            let old = Set(
                try await rows(
                    "SELECT value_fold FROM scim_user_email WHERE channel_key = ? AND user_id = ?",
                    [.int(channel.key), .text(r.id)],
                    on: c
                ).map { try $0.decode(String.self) }
            )
            if old != k.emails {
                try await rows(
                    "DELETE FROM scim_user_email WHERE channel_key = ? AND user_id = ?",
                    [.int(channel.key), .text(r.id)],
                    on: c
                )
                try await insertEmails(k.emails, user: r.id, in: channel, c)
            }
        case .group:
            updated = try await rows(
                """
                UPDATE scim_group SET display_name_fold = ?, display = ?, external_id = ?, attributes = ?, version = ?,
                    last_modified = ?
                WHERE channel_key = ? AND id = ? AND version = ? RETURNING id
                """,
                [
                    .text(k.foldedName), .text(k.display), .text(k.externalID), .text(r.attributes.json),
                    .int(r.version), .int(Self.nanoseconds(r.lastModified)), .int(channel.key), .text(r.id),
                    .int(previousVersion),
                ],
                on: c
            )
        }
        guard !updated.isEmpty else {
            throw SCIMError.preconditionFailed("The resource has changed while it was being written; read it again.")
        }
    }

    func insertEmails(_ emails: Set<String>, user: String, in channel: Membership.Channel, _ c: PostgresConnection)
        async throws
    {
        guard !emails.isEmpty else { return }
        try await rows(
            """
            INSERT INTO scim_user_email (channel_key, value_fold, user_id)
            SELECT ?, e, ? FROM unnest(?::text[]) AS e ON CONFLICT DO NOTHING
            """,
            [.int(channel.key), .text(user), .texts(emails.sorted())],
            on: c
        )
    }
}
