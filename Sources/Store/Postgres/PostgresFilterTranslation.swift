import Membership
import SCIM

/// `FilterTranslation` in PostgreSQL's dialect: a resolved filter as a condition on alias `t` with
/// every operand a bound value (`?`, numbered by `PostgresValue.query`), RFC 7644 §3.4.2.2 semantics.
///
/// It translates what SQLite's translation does, the same way, so that both backends select the same
/// rows: folded columns hold `FilterEvaluator.foldCase` values, text columns compare in byte order
/// (`COLLATE "C"`), and `exact` says whether SQL alone decides (else the evaluator decides each row).
struct PostgresFilterTranslation {
    var sql: String
    var arguments: [PostgresValue]
    var exact: Bool

    static func translate(_ filter: ResolvedFilter, kind: ResourceKind) -> PostgresFilterTranslation? {
        switch filter {
        case .and(let l, let r):
            switch (translate(l, kind: kind), translate(r, kind: kind)) {
            case (let a?, let b?):
                return .init(
                    sql: "(\(a.sql) AND \(b.sql))",
                    arguments: a.arguments + b.arguments,
                    exact: a.exact && b.exact
                )
            case (let a?, nil): return .init(sql: a.sql, arguments: a.arguments, exact: false)
            case (nil, let b?): return .init(sql: b.sql, arguments: b.arguments, exact: false)
            case (nil, nil): return nil
            }
        case .or(let l, let r):
            guard let a = translate(l, kind: kind), let b = translate(r, kind: kind) else { return nil }
            return .init(sql: "(\(a.sql) OR \(b.sql))", arguments: a.arguments + b.arguments, exact: a.exact && b.exact)
        case .not(let x):
            // Only an exact inner condition can be negated; NULL (unknown) must count as "not matched".
            guard let a = translate(x, kind: kind), a.exact else { return nil }
            return .init(sql: "NOT COALESCE(\(a.sql), FALSE)", arguments: a.arguments, exact: true)
        case .present(let attr):
            guard let storage = IndexedAttribute.of(attr, kind: kind) else { return nil }
            switch storage {
            case .column(let c, .exactText), .column(let c, .foldedText):
                return .init(sql: "(t.\(c) IS NOT NULL AND t.\(c) <> '')", arguments: [], exact: true)
            case .column(let c, _):
                return .init(sql: "t.\(c) IS NOT NULL", arguments: [], exact: true)
            case .userEmail:
                // `emails pr` (no sub-attribute) also counts elements without a value: left to the evaluator.
                guard attr.subAttribute != nil else { return nil }
                return .init(
                    sql:
                        "EXISTS (SELECT 1 FROM scim_user_email e WHERE e.channel_key = t.channel_key AND e.user_id = t.id)",
                    arguments: [],
                    exact: true
                )
            case .groupMember:
                return .init(
                    sql:
                        "EXISTS (SELECT 1 FROM membership m WHERE m.channel_key = t.channel_key AND m.group_id = t.id)",
                    arguments: [],
                    exact: true
                )
            case .userGroup:
                return .init(
                    sql:
                        "EXISTS (SELECT 1 FROM membership m WHERE m.channel_key = t.channel_key AND m.member_id = t.id)",
                    arguments: [],
                    exact: true
                )
            }
        case .compare(let attr, let op, let value):
            guard let storage = IndexedAttribute.of(attr, kind: kind) else { return nil }
            return compare(storage, op, value)
        case .valuePath:
            return nil
        }
    }

    private static func compare(_ storage: IndexedAttribute, _ op: ComparisonOperator, _ value: JSONValue)
        -> PostgresFilterTranslation?
    {
        switch storage {
        case .column(let c, let columnKind):
            let col = "t.\(c)"
            if case .null = value {
                // eq null: unassigned; ne null: assigned. Empty text counts as unassigned (RFC 7643 §2.5).
                let unassigned =
                    columnKind == .exactText || columnKind == .foldedText
                    ? "(\(col) IS NULL OR \(col) = '')" : "\(col) IS NULL"
                return .init(sql: op == .eq ? unassigned : "NOT \(unassigned)", arguments: [], exact: true)
            }
            switch columnKind {
            case .exactText, .foldedText:
                guard case .string(let raw) = value else { return nil }
                return textCondition(col, op, columnKind == .foldedText ? FilterEvaluator.foldCase(raw) : raw)
            case .boolean:
                guard case .bool(let b) = value else { return nil }
                switch op {
                case .eq: return .init(sql: "\(col) = ?", arguments: [.bool(b)], exact: true)
                case .ne: return .init(sql: "(\(col) IS NULL OR \(col) <> ?)", arguments: [.bool(b)], exact: true)
                default: return nil
                }
            case .instant:
                guard case .string(let raw) = value, let t = SCIMDateTime(raw) else { return nil }
                let ns = PostgresValue.int(PostgresStore.nanoseconds(t))
                switch op {
                case .eq: return .init(sql: "\(col) = ?", arguments: [ns], exact: true)
                case .ne: return .init(sql: "\(col) <> ?", arguments: [ns], exact: true)
                case .gt: return .init(sql: "\(col) > ?", arguments: [ns], exact: true)
                case .ge: return .init(sql: "\(col) >= ?", arguments: [ns], exact: true)
                case .lt: return .init(sql: "\(col) < ?", arguments: [ns], exact: true)
                case .le: return .init(sql: "\(col) <= ?", arguments: [ns], exact: true)
                case .co, .sw, .ew: return nil
                }
            }
        case .userEmail:
            guard case .string(let raw) = value, op == .eq || op == .sw else { return nil }
            let s = FilterEvaluator.foldCase(raw)
            let cond = op == .eq ? "e.value_fold = ?" : "e.value_fold LIKE ?"
            return .init(
                sql:
                    "EXISTS (SELECT 1 FROM scim_user_email e WHERE e.channel_key = t.channel_key AND \(cond) AND e.user_id = t.id)",
                arguments: [.text(op == .eq ? s : likeEscaped(s) + "%")],
                exact: true
            )
        case .groupMember:
            guard case .string(let id) = value, op == .eq else { return nil }
            return .init(
                sql:
                    "EXISTS (SELECT 1 FROM membership m WHERE m.channel_key = t.channel_key AND m.group_id = t.id AND m.member_id = ?)",
                arguments: [.text(id)],
                exact: true
            )
        case .userGroup:
            guard case .string(let id) = value, op == .eq else { return nil }
            return .init(
                sql:
                    "EXISTS (SELECT 1 FROM membership m WHERE m.channel_key = t.channel_key AND m.group_id = ? AND m.member_id = t.id)",
                arguments: [.text(id)],
                exact: true
            )
        }
    }

    private static func textCondition(_ col: String, _ op: ComparisonOperator, _ s: String)
        -> PostgresFilterTranslation
    {
        switch op {
        case .eq: return .init(sql: "\(col) = ?", arguments: [.text(s)], exact: true)
        // Not identical: an absent value is not identical either.
        case .ne: return .init(sql: "(\(col) IS NULL OR \(col) <> ?)", arguments: [.text(s)], exact: true)
        // LIKE is case-sensitive; on a `COLLATE "C"` column a prefix LIKE uses the btree index.
        case .sw: return .init(sql: "\(col) LIKE ?", arguments: [.text(likeEscaped(s) + "%")], exact: true)
        case .ew: return .init(sql: "\(col) LIKE ?", arguments: [.text("%" + likeEscaped(s))], exact: true)
        case .co: return .init(sql: "strpos(\(col), ?) > 0", arguments: [.text(s)], exact: true)
        // Byte order (`COLLATE "C"`) is code point order for UTF-8, as the evaluator orders strings.
        case .gt: return .init(sql: "\(col) > ?", arguments: [.text(s)], exact: true)
        case .ge: return .init(sql: "\(col) >= ?", arguments: [.text(s)], exact: true)
        case .lt: return .init(sql: "\(col) < ?", arguments: [.text(s)], exact: true)
        case .le: return .init(sql: "\(col) <= ?", arguments: [.text(s)], exact: true)
        }
    }

    /// Escapes LIKE's special characters (and its default escape, the backslash) to match literally.
    static func likeEscaped(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for c in s {
            if c == "%" || c == "_" || c == "\\" { out.append("\\") }
            out.append(c)
        }
        return out
    }
}
