internal import Foundation
public import SCIM

/// The OData query options of a Graph list (`GET /users`, `/groups`, `/groups/{id}/members`), read
/// and checked as research/targets.md §F "Paging, filters, consistency" says: `$top` 1…999
/// (default 100), no `$skip`, an opaque `$skiptoken`, `$filter` on the listed properties, and the
/// advanced queries (`ne`, `not`, `endsWith`, `$count`, `$search`) only with `ConsistencyLevel:
/// eventual` (and `$count=true` for the filter operators). Pure.
public struct MSGraphListQuery: Sendable {
    public var top: Int
    public var filter: MSGraphFilter?
    public var select: [String]?
    public var count: Bool
    /// `$search="property:term"` clauses, all of which must match (`AND`) or any (`OR`).
    public var search: (clauses: [(property: String, term: String)], all: Bool)?
    public var orderBy: (property: String, descending: Bool)?
    /// Where the page starts, from `$skiptoken`.
    public var offset: Int

    public static let defaultPageSize = 100
    public static let maximumPageSize = 999

    /// The properties a `$filter` may read, by resource name (`User`, `Group`).
    static let filterable: [String: Set<String>] = [
        "User": [
            "id", "userprincipalname", "mail", "displayname", "mailnickname", "givenname", "surname", "employeeid",
            "onpremisesimmutableid", "accountenabled", "othermails", "proxyaddresses", "jobtitle",
        ],
        "Group": [
            "id", "displayname", "mailnickname", "mail", "securityenabled", "mailenabled", "grouptypes",
            "proxyaddresses",
        ],
    ]

    /// Reads `query` for a list of `resource` (`User`, `Group`, or `DirectoryObject` for members).
    public static func parse(_ query: [(String, String)], consistencyLevel: String?, resource: String)
        throws(MSGraphError) -> MSGraphListQuery
    {
        let eventual = consistencyLevel?.lowercased() == "eventual"
        var options: [String: String] = [:]
        for (name, value) in query {
            let key = name.lowercased()
            guard key.hasPrefix("$") else { continue }  // non-OData parameters are the caller's business
            options[key] = value
        }
        for key in options.keys
        where !["$top", "$filter", "$select", "$count", "$search", "$orderby", "$skiptoken", "$skip", "$expand"]
            .contains(key)
        {
            throw MSGraphError(400, "BadRequest", "The query parameter '\(key)' is not supported.")
        }
        if options["$skip"] != nil {
            throw .badRequest("'$skip' is not supported by the service.")
        }
        if options["$expand"] != nil {
            throw MSGraphError(400, "BadRequest", "The emulator does not serve $expand.")
        }
        var top = defaultPageSize
        if let raw = options["$top"] {
            guard let n = Int(raw), (1...maximumPageSize).contains(n) else {
                throw .unsupportedQuery("Invalid page size specified: '\(raw)'. Must be between 1 and 999 inclusive.")
            }
            top = n
        }
        var count = false
        if let raw = options["$count"] {
            guard raw == "true" || raw == "false" else { throw .badRequest("Invalid value '\(raw)' for $count.") }
            count = raw == "true"
            if count && !eventual { throw .badRequest("$count is not currently supported.") }
        }
        var filter: MSGraphFilter?
        if let raw = options["$filter"] {
            do {
                filter = try MSGraphFilter.parse(raw)
            } catch {
                throw MSGraphError(400, "BadRequest", error.message)
            }
            if let allowed = filterable[resource] {
                for property in filter!.properties where !allowed.contains(property.lowercased()) {
                    throw .unsupportedQuery(
                        "Unsupported or invalid query filter clause specified for property '\(property)' of resource '\(resource)'."
                    )
                }
            }
            if let op = filter!.advancedOperator, !(eventual && count) {
                throw .unsupportedQuery(
                    "Operator '\(op)' is not supported because the required parameters might be missing. Try adding $count=true query parameter and ConsistencyLevel:eventual header. Refer to https://aka.ms/graph-docs/advanced-queries for more information"
                )
            }
        }
        var search: (clauses: [(property: String, term: String)], all: Bool)?
        if let raw = options["$search"] {
            guard eventual else {
                throw .unsupportedQuery(
                    "Request with $search query parameter only works through MSGraph with a special request header: 'ConsistencyLevel: eventual'"
                )
            }
            search = try parseSearch(raw)
        }
        var orderBy: (property: String, descending: Bool)?
        if let raw = options["$orderby"] {
            let parts = raw.split(separator: " ").map(String.init)
            guard let property = parts.first, parts.count <= 2,
                parts.count == 1 || ["asc", "desc"].contains(parts[1].lowercased())
            else { throw MSGraphError(400, "BadRequest", "Invalid $orderby clause '\(raw)'.") }
            orderBy = (property, parts.count == 2 && parts[1].lowercased() == "desc")
        }
        var offset = 0
        if let token = options["$skiptoken"] {
            guard let n = decodeSkipToken(token) else {
                throw MSGraphError(
                    400,
                    "Directory_ExpiredPageToken",
                    "The specified page token value has expired and can no longer be included in your request."
                )
            }
            offset = n
        }
        let select = options["$select"].map {
            $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        return MSGraphListQuery(
            top: top,
            filter: filter,
            select: select,
            count: count,
            search: search,
            orderBy: orderBy,
            offset: offset
        )
    }

    /// `"displayName:ali" AND "mail:ali"` → the clauses; each must be quoted `property:term`.
    static func parseSearch(_ raw: String) throws(MSGraphError) -> (
        clauses: [(property: String, term: String)], all: Bool
    ) {
        var clauses: [(property: String, term: String)] = []
        var all = true
        for piece in raw.components(separatedBy: "\"") {
            let trimmed = piece.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { continue }
            if trimmed.uppercased() == "AND" { continue }
            if trimmed.uppercased() == "OR" {
                all = false
                continue
            }
            let parts = trimmed.split(separator: ":", maxSplits: 1).map(String.init)
            guard parts.count == 2 else {
                throw .badRequest(
                    "Syntax error: character '\(trimmed)' is not valid in $search: use \"property:term\"."
                )
            }
            clauses.append((parts[0], parts[1]))
        }
        guard !clauses.isEmpty else { throw .badRequest("$search needs \"property:term\".") }
        return (clauses, all)
    }

    /// Whether an object satisfies `$filter` and `$search`.
    public func matches(_ object: JSONObject) -> Bool {
        if let filter, !filter.matches(object) { return false }
        if let search {
            let hits = search.clauses.map { clause in
                let value = object[clause.property]?.stringValue?.lowercased() ?? ""
                let term = clause.term.lowercased()
                // $search matches words by prefix (tokenized on anything but letters and digits).
                return value.hasPrefix(term)
                    || value.split(whereSeparator: { !$0.isLetter && !$0.isNumber }).contains { $0.hasPrefix(term) }
            }
            return search.all ? !hits.contains(false) : hits.contains(true)
        }
        return true
    }

    /// Filters, orders and cuts one page; `next` is the offset of the following page, if any.
    public func page(_ objects: [JSONObject]) -> (items: [JSONObject], next: Int?, total: Int) {
        var selected = objects.filter(matches)
        if let orderBy {
            selected.sort { a, b in
                let x = a[orderBy.property]?.stringValue?.lowercased() ?? ""
                let y = b[orderBy.property]?.stringValue?.lowercased() ?? ""
                return orderBy.descending ? x > y : x < y
            }
        }
        let start = min(offset, selected.count)
        let end = min(start + top, selected.count)
        return (Array(selected[start..<end]), end < selected.count ? end : nil, selected.count)
    }

    /// An opaque `$skiptoken` for a page offset.
    public static func skipToken(offset: Int) -> String {
        Data("emulator-page:\(offset)".utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func decodeSkipToken(_ token: String) -> Int? {
        var base64 = token.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        guard let data = Data(base64Encoded: base64), let text = String(data: data, encoding: .utf8),
            text.hasPrefix("emulator-page:"), let n = Int(text.dropFirst("emulator-page:".count)), n >= 0
        else { return nil }
        return n
    }
}
