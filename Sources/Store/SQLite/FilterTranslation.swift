import GRDB
import Membership
import SCIM

/// Translates a resolved filter to a SQL condition with bound parameters, RFC 7644 §3.4.2.2 semantics.
///
/// Only what an index or column serves is translated. `exact` says whether the SQL alone decides the
/// filter; when it is false the rows it selects are candidates, and the evaluator decides each one.
/// The SQL never contains a value: every operand is a bound argument.
struct FilterTranslation {
    var sql: String
    var arguments: [any DatabaseValueConvertible & Sendable]
    var exact: Bool

    /// Translates `filter` for resources of `kind` in table alias `t`; nil when nothing of it is indexable.
    static func translate(_ filter: ResolvedFilter, kind: ResourceKind) -> FilterTranslation? {
        switch filter {
        case .and(let l, let r):
            let a = translate(l, kind: kind)
            let b = translate(r, kind: kind)
            switch (a, b) {
            case (let a?, let b?):
                return FilterTranslation(
                    sql: "(\(a.sql) AND \(b.sql))",
                    arguments: a.arguments + b.arguments,
                    exact: a.exact && b.exact
                )
            case (let a?, nil): return FilterTranslation(sql: a.sql, arguments: a.arguments, exact: false)
            case (nil, let b?): return FilterTranslation(sql: b.sql, arguments: b.arguments, exact: false)
            case (nil, nil): return nil
            }
        case .or(let l, let r):
            guard let a = translate(l, kind: kind), let b = translate(r, kind: kind) else { return nil }
            return FilterTranslation(
                sql: "(\(a.sql) OR \(b.sql))",
                arguments: a.arguments + b.arguments,
                exact: a.exact && b.exact
            )
        case .not(let x):
            // Only an exact inner condition can be negated; NULL (unknown) must count as "not matched".
            guard let a = translate(x, kind: kind), a.exact else { return nil }
            return FilterTranslation(sql: "NOT COALESCE(\(a.sql), 0)", arguments: a.arguments, exact: true)
        case .present(let attr):
            guard let storage = IndexedAttribute.of(attr, kind: kind) else { return nil }
            switch storage {
            case .column(let c, .exactText), .column(let c, .foldedText):
                let col = IndexedAttribute.sql(column: c, kind: kind)
                return FilterTranslation(sql: "(\(col) IS NOT NULL AND \(col) <> '')", arguments: [], exact: true)
            case .column(let c, _):
                return FilterTranslation(
                    sql: "\(IndexedAttribute.sql(column: c, kind: kind)) IS NOT NULL",
                    arguments: [],
                    exact: true
                )
            case .userEmail:
                // `emails pr` (no sub-attribute) also counts elements without a value: leave it to the evaluator.
                guard attr.subAttribute != nil else { return nil }
                return FilterTranslation(
                    sql:
                        "EXISTS (SELECT 1 FROM scim_user_email e WHERE e.channel_key = t.channel_key AND e.user_id = t.id)",
                    arguments: [],
                    exact: true
                )
            case .groupMember:
                return FilterTranslation(
                    sql:
                        "EXISTS (SELECT 1 FROM membership m WHERE m.channel_key = t.channel_key AND m.group_id = t.id)",
                    arguments: [],
                    exact: true
                )
            case .userGroup:
                return FilterTranslation(
                    sql:
                        "EXISTS (SELECT 1 FROM membership m WHERE m.channel_key = t.channel_key AND m.member_id = t.id)",
                    arguments: [],
                    exact: true
                )
            }
        case .compare(let attr, let op, let value):
            guard let storage = IndexedAttribute.of(attr, kind: kind) else { return nil }
            return compare(storage, op, value, kind: kind)
        case .valuePath:
            return nil
        }
    }

    private static func compare(
        _ storage: IndexedAttribute,
        _ op: ComparisonOperator,
        _ value: JSONValue,
        kind: ResourceKind
    )
        -> FilterTranslation?
    {
        switch storage {
        case .column(let c, let columnKind):
            let col = IndexedAttribute.sql(column: c, kind: kind)
            if case .null = value {
                // eq null: unassigned; ne null: assigned (as the evaluator decides).
                // Empty text counts as unassigned too (RFC 7643 §2.5).
                let unassigned =
                    columnKind == .exactText || columnKind == .foldedText
                    ? "(\(col) IS NULL OR \(col) = '')" : "\(col) IS NULL"
                return FilterTranslation(sql: op == .eq ? unassigned : "NOT \(unassigned)", arguments: [], exact: true)
            }
            switch columnKind {
            case .exactText, .foldedText:
                guard case .string(let raw) = value else { return nil }
                let s = columnKind == .foldedText ? FilterEvaluator.foldCase(raw) : raw
                return textCondition(col, op, s)
            case .boolean:
                guard case .bool(let b) = value else { return nil }
                switch op {
                case .eq: return FilterTranslation(sql: "\(col) = ?", arguments: [b], exact: true)
                case .ne: return FilterTranslation(sql: "(\(col) IS NULL OR \(col) <> ?)", arguments: [b], exact: true)
                default: return nil
                }
            case .instant:
                guard case .string(let raw) = value, let t = SCIMDateTime(raw) else { return nil }
                let ns = SQLiteStore.nanoseconds(t)
                switch op {
                case .eq: return FilterTranslation(sql: "\(col) = ?", arguments: [ns], exact: true)
                case .ne: return FilterTranslation(sql: "\(col) <> ?", arguments: [ns], exact: true)
                case .gt: return FilterTranslation(sql: "\(col) > ?", arguments: [ns], exact: true)
                case .ge: return FilterTranslation(sql: "\(col) >= ?", arguments: [ns], exact: true)
                case .lt: return FilterTranslation(sql: "\(col) < ?", arguments: [ns], exact: true)
                case .le: return FilterTranslation(sql: "\(col) <= ?", arguments: [ns], exact: true)
                case .co, .sw, .ew: return nil
                }
            }
        case .userEmail:
            guard case .string(let raw) = value, op == .eq || op == .sw else { return nil }
            let s = FilterEvaluator.foldCase(raw)
            let cond = op == .eq ? "e.value_fold = ?" : "e.value_fold GLOB ?"
            let arg = op == .eq ? s : globEscaped(s) + "*"
            return FilterTranslation(
                sql:
                    "EXISTS (SELECT 1 FROM scim_user_email e WHERE e.channel_key = t.channel_key AND \(cond) AND e.user_id = t.id)",
                arguments: [arg],
                exact: true
            )
        case .groupMember:
            guard case .string(let id) = value, op == .eq else { return nil }
            return FilterTranslation(
                sql:
                    "EXISTS (SELECT 1 FROM membership m WHERE m.channel_key = t.channel_key AND m.group_id = t.id AND m.member_id = ?)",
                arguments: [id],
                exact: true
            )
        case .userGroup:
            guard case .string(let id) = value, op == .eq else { return nil }
            return FilterTranslation(
                sql:
                    "EXISTS (SELECT 1 FROM membership m WHERE m.channel_key = t.channel_key AND m.group_id = ? AND m.member_id = t.id)",
                arguments: [id],
                exact: true
            )
        }
    }

    private static func textCondition(_ col: String, _ op: ComparisonOperator, _ s: String) -> FilterTranslation {
        switch op {
        case .eq: return FilterTranslation(sql: "\(col) = ?", arguments: [s], exact: true)
        // Not identical: an absent value is not identical either.
        case .ne: return FilterTranslation(sql: "(\(col) IS NULL OR \(col) <> ?)", arguments: [s], exact: true)
        // GLOB is case-sensitive and, on a BINARY column, a prefix GLOB uses the index.
        case .sw: return FilterTranslation(sql: "\(col) GLOB ?", arguments: [globEscaped(s) + "*"], exact: true)
        case .ew: return FilterTranslation(sql: "\(col) GLOB ?", arguments: ["*" + globEscaped(s)], exact: true)
        case .co: return FilterTranslation(sql: "instr(\(col), ?) > 0", arguments: [s], exact: true)
        // UTF-8 byte order is code point order, which is how the evaluator orders strings.
        case .gt: return FilterTranslation(sql: "\(col) > ?", arguments: [s], exact: true)
        case .ge: return FilterTranslation(sql: "\(col) >= ?", arguments: [s], exact: true)
        case .lt: return FilterTranslation(sql: "\(col) < ?", arguments: [s], exact: true)
        case .le: return FilterTranslation(sql: "\(col) <= ?", arguments: [s], exact: true)
        }
    }

    /// Escapes GLOB's special characters so the operand matches literally.
    static func globEscaped(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for c in s {
            switch c {
            case "*": out += "[*]"
            case "?": out += "[?]"
            case "[": out += "[[]"
            default: out.append(c)
            }
        }
        return out
    }
}
