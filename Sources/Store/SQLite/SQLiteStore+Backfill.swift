import GRDB
package import Membership

extension SQLiteStore {
    /// Enqueues, for one target, an upsert of every user and then of every group of the channel, in one
    /// transaction: a target that joins a channel (or is new) starts from everything the channel holds,
    /// delivered by its worker in order, under its rate limit, with retries. With `groupsOnly`, only
    /// the groups (a changed `scope` links and unlinks groups). Returns the entries added.
    package func backfill(target: String, channel: Channel, groupsOnly: Bool = false) async throws -> Int {
        let now = Self.nanoseconds(Self.now())
        return try await write { db in
            try Self.insertBackfill(db, target: target, channel: channel, groupsOnly: groupsOnly, now: now)
        }
    }

    package func initialBackfill(target: String, channel: Channel) async throws -> Int? {
        let now = Self.nanoseconds(Self.now())
        // One writer: the check and the inserts are one transaction no other write interleaves with.
        return try await write { db in
            let held =
                try Bool.fetchOne(
                    db,
                    sql: """
                        SELECT EXISTS (SELECT 1 FROM target_mapping WHERE target = ? AND channel_key = ?)
                            OR EXISTS (SELECT 1 FROM outbox WHERE target = ? AND state = 'pending' AND channel_key = ?)
                        """,
                    arguments: [target, channel.key, target, channel.key]
                ) ?? false
            if held { return nil }
            return try Self.insertBackfill(db, target: target, channel: channel, groupsOnly: false, now: now)
        }
    }

    /// One pending `upserted` entry per resource of the channel (groups only when `groupsOnly`).
    static func insertBackfill(_ db: Database, target: String, channel: Channel, groupsOnly: Bool, now: Int64) throws
        -> Int
    {
        let kinds = [("scim_user", "user.upserted", "user:"), ("scim_group", "group.upserted", "group:")]
        let before = db.totalChangesCount
        // Users first: a group's link then finds its members provisioned.
        for (table, type, prefix) in groupsOnly ? Array(kinds.dropFirst()) : kinds {
            try db.execute(
                sql: """
                    INSERT INTO outbox (channel_key, target, resource_key, event, state, attempts, next_attempt, created, updated)
                    SELECT channel_key, ?, ? || id, json_object('type', ?, 'id', id), 'pending', 0, 0, ?, ?
                    FROM \(table) WHERE channel_key = ? ORDER BY id
                    """,
                arguments: [target, prefix, type, now, now, channel.key]
            )
        }
        return db.totalChangesCount - before
    }
}
