import GRDB
package import Membership
package import SCIM

extension SQLiteStore {
    /// Creates many resources (already validated) in one transaction: an initial load or a benchmark
    /// seed, where one transaction per resource would dominate. Same checks and outbox entries as
    /// `create`; all or nothing. `members[i]` are the member ids of group `resources[i]`.
    package func createMany(
        _ kind: ResourceKind,
        in channel: Channel,
        resources: [JSONObject],
        members: [[String]] = []
    ) async throws -> [StoredResource] {
        let now = Self.now()
        let stored = resources.map {
            StoredResource(kind: kind, id: Self.newID(), attributes: $0, version: 1, created: now, lastModified: now)
        }
        return try await write { db in
            var events: [ChangeEvent] = []
            events.reserveCapacity(stored.count)
            for (i, r) in stored.enumerated() {
                try Self.checkUnique(r, in: channel, db)
                try Self.insertRow(r, in: channel, db)
                events.append(kind == .user ? .userUpserted(id: r.id) : .groupUpserted(id: r.id))
                if kind == .group, i < members.count, !members[i].isEmpty {
                    let added = try Self.addEdges(group: r.id, members: members[i], in: channel, db)
                    events.append(.membersChanged(groupID: r.id, added: added, removed: []))
                }
            }
            try Self.emit(events, in: channel, db)
            return stored
        }
    }

    /// Adds users to a group, for an initial load whose users were created just before (by
    /// `createMany`): one statement per edge, which skips ids that are not users of the channel, and
    /// no version bump of the users (new ones need none). Returns how many edges were added. Emits one
    /// membership event for the group, as `create` would.
    package func importMembers(group: String, users: [String], in channel: Channel) async throws -> Int {
        try await write { db in
            let insert = try db.makeStatement(
                sql: """
                    INSERT OR IGNORE INTO membership (channel_key, group_id, member_id, member_kind)
                    SELECT channel_key, ?, id, 'User' FROM scim_user WHERE channel_key = ? AND id = ?
                    """
            )
            var added: [String] = []
            for user in users {
                try insert.execute(arguments: [group, channel.key, user])
                if db.changesCount > 0 { added.append(user) }
            }
            try Self.emit([.membersChanged(groupID: group, added: added, removed: [])], in: channel, db)
            return added.count
        }
    }
}
