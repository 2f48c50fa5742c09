import GRDB
import Membership
import SCIM

/// Membership edges are written in batches: a PATCH adding 50 members runs a handful of statements,
/// not three per member. Each statement binds at most `edgeBatch` ids.
extension SQLiteStore {
    static let edgeBatch = 500

    /// Adds edges, checking each new member exists in the channel; costs the number of ids given.
    /// Returns the members actually added (not already present), in the order given; the users among
    /// them get a new version, since their `groups` changed (in their stamp, see `stampUsers`).
    @discardableResult
    static func addEdges(group: String, members: [String], in channel: Channel, _ db: Database) throws -> [String] {
        guard !members.isEmpty else { return [] }
        let now = nanoseconds(now())
        var added: [String] = []
        for batch in batches(members) {
            let users = try existing(.user, batch, in: channel, db)
            let others = batch.filter { !users.contains($0) }
            let groups = try existing(.group, others, in: channel, db)
            // The first unknown member, in the order given, is the one the error names.
            for member in batch where !users.contains(member) {
                guard groups.contains(member) else {
                    throw SCIMError.invalidValue(
                        "Member '\(member)' is not a user or group of this channel; create it before adding it to a group."
                    )
                }
                guard member != group else {
                    throw SCIMError.invalidValue("A group cannot be a member of itself ('\(member)').")
                }
            }
            let rows = batch.map {
                "(?, ?, ?, '\(users.contains($0) ? ResourceKind.user.rawValue : ResourceKind.group.rawValue)')"
            }
            var arguments: [any DatabaseValueConvertible] = []
            arguments.reserveCapacity(batch.count * 3)
            for member in batch { arguments += [channel.key, group, member] }
            let inserted = Set(
                try String.fetchAll(
                    statement(
                        "INSERT OR IGNORE INTO membership (channel_key, group_id, member_id, member_kind) VALUES "
                            + rows.joined(separator: ", ") + " RETURNING member_id",
                        count: batch.count,
                        db
                    ),
                    arguments: StatementArguments(arguments)
                )
            )
            let new = batch.filter { inserted.contains($0) }
            added += new
            try stampUsers(new.lazy.filter { users.contains($0) }, now: now, in: channel, db)
        }
        return added
    }

    /// Removes edges; removing a non-member is a no-op. Costs the number of ids given. Returns the
    /// members actually removed, in the order given.
    @discardableResult
    static func removeEdges(group: String, members: [String], in channel: Channel, _ db: Database) throws -> [String] {
        guard !members.isEmpty else { return [] }
        let now = nanoseconds(now())
        var removed: [String] = []
        for batch in batches(members) {
            var deleted: [String: String] = [:]  // member id: kind
            let rows = try Row.fetchCursor(
                statement(
                    "DELETE FROM membership WHERE channel_key = ? AND group_id = ? AND member_id IN (\(placeholders(batch.count))) RETURNING member_id, member_kind",
                    count: batch.count,
                    db
                ),
                arguments: StatementArguments([channel.key, group] + batch)
            )
            while let row = try rows.next() { deleted[row[0]] = row[1] }
            removed += batch.filter { deleted[$0] != nil }
            try stampUsers(
                batch.lazy.filter { deleted[$0] == ResourceKind.user.rawValue },
                now: now,
                in: channel,
                db
            )
        }
        return removed
    }

    /// Makes the group's members exactly `ids`, given its `current` members (read in this transaction):
    /// only the difference is deleted and inserted. Returns what was removed and what was added.
    static func replaceEdges(
        group: String,
        with ids: [String],
        current: Set<String>,
        in channel: Channel,
        _ db: Database
    ) throws -> (removed: [String], added: [String]) {
        let removed = try removeEdges(group: group, members: current.subtracting(ids).sorted(), in: channel, db)
        let added = try addEdges(group: group, members: ids.filter { !current.contains($0) }, in: channel, db)
        return (removed, added)
    }

    /// The ids among `ids` that are members of the group now.
    static func presentMembers(of group: String, among ids: [String], in channel: Channel, _ db: Database) throws
        -> Set<String>
    {
        var present = Set<String>()
        for batch in batches(ids) {
            present.formUnion(
                try String.fetchAll(
                    statement(
                        "SELECT member_id FROM membership WHERE channel_key = ? AND group_id = ? AND member_id IN (\(placeholders(batch.count)))",
                        count: batch.count,
                        db
                    ),
                    arguments: StatementArguments([channel.key, group] + batch)
                )
            )
        }
        return present
    }

    /// The ids among `ids` that name a resource of `kind` in the channel.
    private static func existing(_ kind: ResourceKind, _ ids: [String], in channel: Channel, _ db: Database) throws
        -> Set<String>
    {
        guard !ids.isEmpty else { return [] }
        return Set(
            try String.fetchAll(
                statement(
                    "SELECT id FROM \(kind.table) WHERE channel_key = ? AND id IN (\(placeholders(ids.count)))",
                    count: ids.count,
                    db
                ),
                arguments: StatementArguments([channel.key] + ids)
            )
        )
    }

    /// `ids` in runs of at most `edgeBatch`, in order.
    static func batches(_ ids: [String]) -> [[String]] {
        stride(from: 0, to: ids.count, by: edgeBatch).map { Array(ids[$0..<min($0 + edgeBatch, ids.count)]) }
    }

    static func placeholders(_ count: Int) -> String {
        Array(repeating: "?", count: count).joined(separator: ", ")
    }

    /// Single-member changes (the common PATCH) keep their statements prepared; batches of other
    /// sizes are prepared once per use rather than filling the cache with one statement per size.
    static func statement(_ sql: String, count: Int, _ db: Database) throws -> Statement {
        count == 1 ? try db.cachedStatement(sql: sql) : try db.makeStatement(sql: sql)
    }
}
