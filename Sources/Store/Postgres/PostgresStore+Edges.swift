import Membership
import PostgresNIO
import SCIM

/// Membership edges are written a batch at a time, each batch one `text[]` value: a PATCH adding 50
/// members runs a handful of statements, whatever the group's size (the edge table's primary key,
/// `(channel_key, group_id, member_id)`, finds each edge; the member list is never read to add one).
extension PostgresStore {
    /// Adds edges, checking each new member exists in the channel; costs the number of ids given.
    /// Returns the members actually added (not already present), in the order given; the users among
    /// them get a new version, since their `groups` changed.
    func addEdges(group: String, members: [String], in channel: Membership.Channel, _ c: PostgresConnection)
        async throws
        -> [String]
    {
        guard !members.isEmpty else { return [] }
        let key = PostgresValue.int(channel.key)
        var added: [String] = []
        for batch in SQLiteStore.batches(members) {
            var kinds: [String: ResourceKind] = [:]
            for row in try await rows(
                """
                SELECT id, 'User' FROM scim_user WHERE channel_key = ? AND id = ANY(?)
                UNION ALL SELECT id, 'Group' FROM scim_group WHERE channel_key = ? AND id = ANY(?)
                """,
                [key, .texts(batch), key, .texts(batch)],
                on: c
            ) {
                let (id, kind) = try row.decode((String, String).self)
                if kinds[id] == nil { kinds[id] = ResourceKind(rawValue: kind) }
            }
            // The first unknown member, in the order given, is the one the error names.
            for member in batch where kinds[member] != .user {
                guard kinds[member] == .group else {
                    throw SCIMError.invalidValue(
                        "Member '\(member)' is not a user or group of this channel; create it before adding it to a group."
                    )
                }
                guard member != group else {
                    throw SCIMError.invalidValue("A group cannot be a member of itself ('\(member)').")
                }
            }
            let inserted = Set(
                try await rows(
                    """
                    INSERT INTO membership (channel_key, group_id, member_id, member_kind)
                    SELECT ?, ?, m.id, m.kind FROM unnest(?::text[], ?::text[]) AS m(id, kind)
                    ON CONFLICT DO NOTHING RETURNING member_id
                    """,
                    [key, .text(group), .texts(batch), .texts(batch.map { kinds[$0]?.rawValue ?? "User" })],
                    on: c
                ).map { try $0.decode(String.self) }
            )
            let new = batch.filter { inserted.contains($0) }
            added += new
            try await bumpUsers(new.filter { kinds[$0] == .user }, in: channel, c)
        }
        return added
    }

    /// Removes edges; removing a non-member is a no-op. Costs the number of ids given. Returns the
    /// members actually removed, in the order given.
    func removeEdges(group: String, members: [String], in channel: Membership.Channel, _ c: PostgresConnection)
        async throws
        -> [String]
    {
        guard !members.isEmpty else { return [] }
        var removed: [String] = []
        for batch in SQLiteStore.batches(members) {
            var deleted: [String: String] = [:]  // member id: kind
            for row in try await rows(
                """
                DELETE FROM membership WHERE channel_key = ? AND group_id = ? AND member_id = ANY(?)
                RETURNING member_id, member_kind
                """,
                [.int(channel.key), .text(group), .texts(batch)],
                on: c
            ) {
                let (id, kind) = try row.decode((String, String).self)
                deleted[id] = kind
            }
            removed += batch.filter { deleted[$0] != nil }
            try await bumpUsers(batch.filter { deleted[$0] == ResourceKind.user.rawValue }, in: channel, c)
        }
        return removed
    }

    /// Makes the group's members exactly `ids`, given its `current` members (read in this transaction).
    func replaceEdges(
        group: String,
        with ids: [String],
        current: Set<String>,
        in channel: Membership.Channel,
        _ c: PostgresConnection
    ) async throws -> (removed: [String], added: [String]) {
        let removed = try await removeEdges(
            group: group,
            members: current.subtracting(ids).sorted(),
            in: channel,
            c
        )
        let added = try await addEdges(group: group, members: ids.filter { !current.contains($0) }, in: channel, c)
        return (removed, added)
    }

    /// One more version and a new `lastModified` for each of the users `ids`, whose `groups` changed.
    ///
    /// SQLite keeps these in a narrow side table (`scim_user_stamp`) so as not to rewrite the user's page;
    /// PostgreSQL writes a new row version on any update anyway, so the row itself is updated. The rows
    /// are locked in id order, the order every such update takes, so that two PATCHes of different
    /// groups sharing members wait for each other rather than deadlock.
    func bumpUsers(_ ids: [String], in channel: Membership.Channel, _ c: PostgresConnection) async throws {
        guard !ids.isEmpty else { return }
        try await rows(
            """
            UPDATE scim_user u SET version = u.version + 1, last_modified = ?
            FROM (SELECT id FROM scim_user WHERE channel_key = ? AND id = ANY(?) ORDER BY id FOR UPDATE) AS l
            WHERE u.channel_key = ? AND u.id = l.id
            """,
            [.int(Self.nanoseconds(Self.now())), .int(channel.key), .texts(ids), .int(channel.key)],
            on: c
        )
    }
}
