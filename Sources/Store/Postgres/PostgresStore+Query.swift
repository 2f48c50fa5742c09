package import Membership
import PostgresNIO
package import SCIM

extension PostgresStore {
    /// Lists resources as `SQLiteStore.query` does: the filter runs in SQL on indexes where it can, the
    /// evaluator decides whatever SQL cannot, and sorting and paging happen in SQL whenever SQL decided
    /// alone. The count, the page and its edges are read on one snapshot.
    package func query(_ kind: ResourceKind, in channel: Membership.Channel, _ q: ResourceQuery) async throws
        -> QueryResult
    {
        try await read { c in
            var result = try await select(q, kind, in: channel, c)
            if q.withEdges {
                let ids = result.resources.map(\.id)
                switch kind {
                case .user: result.edges = try await groups(ofMembers: ids, in: channel, c)
                case .group: result.edges = try await members(ofGroups: ids, in: channel, c)
                }
            }
            return result
        }
    }

    private func select(
        _ q: ResourceQuery,
        _ kind: ResourceKind,
        in channel: Membership.Channel,
        _ c: PostgresConnection
    )
        async throws -> QueryResult
    {
        let translation = q.filter.flatMap { PostgresFilterTranslation.translate($0, kind: kind) }
        var whereSQL = "t.channel_key = ?"
        var args: [PostgresValue] = [.int(channel.key)]
        if let translation {
            whereSQL += " AND " + translation.sql
            args += translation.arguments
        }
        let decidedBySQL = q.filter == nil || translation?.exact == true
        let sortColumn: String?
        if let sort = q.sort {
            if case .column(let column, _)? = IndexedAttribute.of(sort.sortBy, kind: kind) {
                sortColumn = "t.\(column)"
            } else {
                sortColumn = nil
            }
        } else {
            sortColumn = "t.id"
        }
        let select = "SELECT \(Self.headColumns) FROM \(kind.table) t WHERE \(whereSQL)"

        if decidedBySQL, let sortColumn {
            let total =
                try await rows("SELECT COUNT(*) FROM \(kind.table) t WHERE \(whereSQL)", args, on: c)
                .first?.decode(Int.self) ?? 0
            guard q.count > 0 else { return QueryResult(totalResults: total, resources: []) }
            // Missing values sort last when ascending (and so first when descending), as in SQLite.
            let order =
                q.sort?.order != .descending
                ? "(\(sortColumn) IS NULL), \(sortColumn) ASC, t.id ASC"
                : "(\(sortColumn) IS NULL) DESC, \(sortColumn) DESC, t.id DESC"
            let page = try await rows(
                "\(select) ORDER BY \(order) LIMIT ? OFFSET ?",
                args + [.int(Int64(q.count)), .int(Int64(max(q.startIndex, 1) - 1))],
                on: c
            )
            return QueryResult(totalResults: total, resources: try page.map { try Self.resource(kind, from: $0) })
        }

        // The evaluator decides (or sorts): read the candidates SQL selected and finish in memory.
        let candidates = try await rows("\(select) ORDER BY t.id", args, on: c).map {
            try Self.resource(kind, from: $0)
        }
        let ids = candidates.map(\.id)
        let edges =
            kind == .group
            ? try await members(ofGroups: ids, in: channel, c) : try await groups(ofMembers: ids, in: channel, c)
        var matches: [(resource: StoredResource, full: JSONObject)] = []
        for r in candidates {
            let full = Self.withIndexedAttributes(r, edges: edges[r.id] ?? [])
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
    static func withIndexedAttributes(_ r: StoredResource, edges: [MemberReference]) -> JSONObject {
        var o = r.attributes
        o["id"] = .string(r.id)
        o["meta"] = [
            "resourceType": .string(r.kind.rawValue),
            "created": .string(r.created.iso8601),
            "lastModified": .string(r.lastModified.iso8601),
            "version": .string(r.etag),
        ]
        o[r.kind == .group ? "members" : "groups"] = .array(edges.map { ["value": .string($0.id)] })
        return o
    }
}
