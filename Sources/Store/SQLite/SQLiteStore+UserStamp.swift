import GRDB
import Membership
import SCIM

/// A user's `groups` change whenever a group gains or loses it, and with them its version and
/// `lastModified`. Writing those into the user's row rewrites the whole row, JSON and all, at a random
/// place of the table: in the IdP benchmark's membership phase a PATCH adding 50 members dirtied about
/// 50 pages for it. They go to `scim_user_stamp` instead, a narrow table (about 60 bytes a user) whose
/// few pages stay dirty in the writer's cache from one PATCH to the next.
///
/// A stamp holds the membership changes since the user's row was last written and the time of the
/// latest. Every read of a user adds it (`version` is the row's plus the stamp's changes, `lastModified`
/// the stamp's when there is one); every write of the row stores that sum plus one and drops the stamp.
extension SQLiteStore {
    /// The `FROM` of a read of resources of `kind`: the table as `t`, and for users their stamp as `s`.
    /// (The join is on the stamp's primary key, so SQLite leaves it out of a statement that uses no `s`.)
    static func source(_ kind: ResourceKind) -> String {
        switch kind {
        case .user: "scim_user t LEFT JOIN scim_user_stamp s ON s.channel_key = t.channel_key AND s.id = t.id"
        case .group: "scim_group t"
        }
    }

    /// The columns every read of a resource starts with, in the order `resource(_:from:)` decodes them:
    /// `id, attributes, version, created, last_modified`, a user's stamp included.
    static func headColumns(_ kind: ResourceKind) -> String {
        switch kind {
        case .user: "t.id, t.attributes, t.version + COALESCE(s.changes, 0), t.created, \(userLastModified)"
        case .group: "t.id, t.attributes, t.version, t.created, t.last_modified"
        }
    }

    /// A user's `meta.lastModified`, as SQL over `t` and `s` (filters and sorting use it).
    static let userLastModified = "COALESCE(s.last_modified, t.last_modified)"

    /// One more membership change for each of the users `ids`, at `now`.
    static func stampUsers(_ ids: some Sequence<String>, now: Int64, in channel: Channel, _ db: Database) throws {
        // One row at a time: a statement that writes several rows makes SQLite keep a statement
        // journal (in a temporary file) of every page it changes, in case it fails halfway.
        let stamp = try db.cachedStatement(
            sql: """
                INSERT INTO scim_user_stamp (channel_key, id, changes, last_modified) VALUES (?, ?, 1, ?)
                ON CONFLICT (channel_key, id) DO UPDATE SET changes = changes + 1, last_modified = excluded.last_modified
                """
        )
        for id in ids { try stamp.execute(arguments: [channel.key, id, now]) }
    }

    /// One more membership change for every user member of `group` (which is being deleted).
    static func stampUserMembers(ofGroup group: String, now: Int64, in channel: Channel, _ db: Database) throws {
        try db.executeCached(
            sql: """
                INSERT INTO scim_user_stamp (channel_key, id, changes, last_modified)
                SELECT channel_key, member_id, 1, ? FROM membership
                WHERE channel_key = ? AND group_id = ? AND member_kind = 'User'
                ON CONFLICT (channel_key, id) DO UPDATE SET changes = changes + 1, last_modified = excluded.last_modified
                """,
            arguments: [now, channel.key, group]
        )
    }

    /// Drops a user's stamp: its row was just written with the version and time that include it, or
    /// the user is gone.
    static func dropStamp(user id: String, in channel: Channel, _ db: Database) throws {
        try db.executeCached(
            sql: "DELETE FROM scim_user_stamp WHERE channel_key = ? AND id = ?",
            arguments: [channel.key, id]
        )
    }
}
