import GRDB
package import Membership
package import SCIM

extension SQLiteStore {
    /// Lists resources: the filter runs in SQL on indexes where it can (RFC 7644 §3.4.2.2), the evaluator
    /// decides whatever SQL cannot, and sorting and paging happen in SQL whenever the SQL decided alone.
    package func query(_ kind: ResourceKind, in channel: Channel, _ q: ResourceQuery) async throws -> QueryResult {
        // An IdP's lookup before a create (`userName eq "…"`) reads a row or two through a unique
        // index: it runs on the caller's thread like a GET by id. Anything else may scan, and waits
        // for a reader queue instead.
        if q.sort == nil, let translation = Self.uniqueLookup(q.filter, kind: kind) {
            return try readNow { db in try Self.runUniqueLookup(q, translation, kind, in: channel, db) }
        }
        if Self.isPointLookup(q.filter, kind: kind) {
            return try readNowConsistently { db in try Self.run(q, kind, in: channel, db, cached: true) }
        }
        return try await read { db in try Self.run(q, kind, in: channel, db, cached: false) }
    }

    /// The column of a filter that is `eq` on an indexed column with a string, or nil.
    static func eqColumn(_ filter: ResolvedFilter?, kind: ResourceKind) -> String? {
        guard case .compare(let attribute, .eq, .string)? = filter,
            case .column(let column, _)? = IndexedAttribute.of(attribute, kind: kind)
        else { return nil }
        return column
    }

    /// Whether `column` has a unique index among resources of `kind` in a channel.
    static func isUnique(_ column: String, kind: ResourceKind) -> Bool {
        switch (kind, column) {
        case (_, "id"), (.user, "user_name_fold"), (.group, "display_name_fold"): return true
        default: return false
        }
    }

    /// `eq` on an attribute a unique index (or a near-unique one, `externalId`) serves.
    static func isPointLookup(_ filter: ResolvedFilter?, kind: ResourceKind) -> Bool {
        guard let column = eqColumn(filter, kind: kind) else { return false }
        return column == "external_id" || isUnique(column, kind: kind)
    }

    /// The SQL of a filter that matches at most one resource through a unique index (`eq` on `id`, a
    /// user's `userName`, a group's `displayName`), or nil.
    static func uniqueLookup(_ filter: ResolvedFilter?, kind: ResourceKind) -> FilterTranslation? {
        guard let column = eqColumn(filter, kind: kind), isUnique(column, kind: kind), let filter,
            let translation = FilterTranslation.translate(filter, kind: kind), translation.exact
        else { return nil }
        return translation
    }

    /// An IdP's lookup before a create or a resync (`userName eq "…"`): at most one row, read with its
    /// groups in one statement, so on one snapshot without a transaction (as `GET /Users/{id}`).
    static func runUniqueLookup(
        _ q: ResourceQuery,
        _ translation: FilterTranslation,
        _ kind: ResourceKind,
        in channel: Channel,
        _ db: Database
    ) throws -> QueryResult {
        let withGroups = q.withEdges && kind == .user
        let found = try fetchUnique(
            kind,
            where: translation.sql,
            translation.arguments,
            withGroups: withGroups,
            in: channel,
            db
        )
        // One match at most: it is the page when the page starts at 1 and holds anything.
        let page = found.map { q.count > 0 && q.startIndex <= 1 ? [$0.resource] : [] } ?? []
        return QueryResult(
            totalResults: found == nil ? 0 : 1,
            resources: page,
            edges: withGroups ? Dictionary(uniqueKeysWithValues: page.map { ($0.id, found?.groups ?? []) }) : nil
        )
    }

    /// The query on one snapshot; `cached` keeps the statements prepared on the connection (for the
    /// few shapes point lookups take).
    static func run(_ q: ResourceQuery, _ kind: ResourceKind, in channel: Channel, _ db: Database, cached: Bool) throws
        -> QueryResult
    {
        var result = try select(q, kind, in: channel, db, cached: cached)
        if q.withEdges {
            let ids = result.resources.map(\.id)
            switch kind {
            case .user: result.edges = try Self.groups(ofMembers: ids, in: channel, db)
            case .group: result.edges = try Self.members(ofGroups: ids, in: channel, db)
            }
        }
        return result
    }

    static func select(_ q: ResourceQuery, _ kind: ResourceKind, in channel: Channel, _ db: Database, cached: Bool)
        throws
        -> QueryResult
    {
        func statement(_ sql: String) throws -> Statement {
            cached ? try db.cachedStatement(sql: sql) : try db.makeStatement(sql: sql)
        }
        let translation = q.filter.flatMap { FilterTranslation.translate($0, kind: kind) }
        var whereSQL = "t.channel_key = ?"
        var args: [any DatabaseValueConvertible & Sendable] = [channel.key]
        if let translation {
            whereSQL += " AND " + translation.sql
            args += translation.arguments
        }
        let decidedBySQL = q.filter == nil || translation?.exact == true
        let sortColumn: String?
        let ascending = q.sort?.order != .descending
        if let sort = q.sort {
            if case .column(let c, _)? = IndexedAttribute.of(sort.sortBy, kind: kind) {
                sortColumn = IndexedAttribute.sql(column: c, kind: kind)
            } else {
                sortColumn = nil
            }
        } else {
            sortColumn = "t.id"
        }
        let select = "SELECT \(headColumns(kind)) FROM \(source(kind)) WHERE \(whereSQL)"

        if decidedBySQL, let sortColumn {
            let total =
                try Int.fetchOne(
                    statement("SELECT COUNT(*) FROM \(source(kind)) WHERE \(whereSQL)"),
                    arguments: StatementArguments(args)
                ) ?? 0
            guard q.count > 0 else { return QueryResult(totalResults: total, resources: []) }
            // Missing values sort last when ascending (and so first when descending).
            let order =
                ascending
                ? "(\(sortColumn) IS NULL), \(sortColumn) ASC, t.id ASC"
                : "(\(sortColumn) IS NULL) DESC, \(sortColumn) DESC, t.id DESC"
            let rows = try Row.fetchAll(
                statement("\(select) ORDER BY \(order) LIMIT ? OFFSET ?"),
                arguments: StatementArguments(args + [q.count, max(q.startIndex, 1) - 1])
            )
            return QueryResult(totalResults: total, resources: try rows.map { try Self.resource(kind, from: $0) })
        }

        // The evaluator decides (or sorts): read the candidates SQL selected and finish in memory.
        var matches: [(resource: StoredResource, full: JSONObject)] = []
        let cursor = try Row.fetchCursor(db, sql: "\(select) ORDER BY t.id", arguments: StatementArguments(args))
        while let row = try cursor.next() {
            let r = try Self.resource(kind, from: row)
            let full = try Self.withIndexedAttributes(r, in: channel, db)
            if let filter = q.filter, !decidedBySQL, !FilterEvaluator.matches(filter, full) { continue }
            matches.append((r, full))
        }
        if let sort = q.sort {
            matches.sort { sort.areInIncreasingOrder($0.full, $1.full) }
        }
        let start = min(max(q.startIndex, 1) - 1, matches.count)
        let page = matches[start..<min(start + max(q.count, 0), matches.count)].map(\.resource)
        return QueryResult(totalResults: matches.count, resources: page)
    }

    /// The attributes the evaluator may need that are not in the JSON: `id`, `meta` and the edges.
    static func withIndexedAttributes(_ r: StoredResource, in channel: Channel, _ db: Database) throws -> JSONObject {
        var o = r.attributes
        o["id"] = .string(r.id)
        o["meta"] = [
            "resourceType": .string(r.kind.rawValue),
            "created": .string(r.created.iso8601),
            "lastModified": .string(r.lastModified.iso8601),
            "version": .string(r.etag),
        ]
        switch r.kind {
        case .group:
            let ids = try String.fetchAll(
                db,
                sql: "SELECT member_id FROM membership WHERE channel_key = ? AND group_id = ?",
                arguments: [channel.key, r.id]
            )
            o["members"] = .array(ids.map { ["value": .string($0)] })
        case .user:
            let ids = try String.fetchAll(
                db,
                sql: "SELECT group_id FROM membership WHERE channel_key = ? AND member_id = ?",
                arguments: [channel.key, r.id]
            )
            o["groups"] = .array(ids.map { ["value": .string($0)] })
        }
        return o
    }
}
