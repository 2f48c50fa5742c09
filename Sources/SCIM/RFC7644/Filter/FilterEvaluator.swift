/// Evaluates a resolved filter against a resource, RFC 7644 §3.4.2.2.
///
/// - A multi-valued attribute matches when any of its values does, for every operator including `ne`.
/// - An unassigned attribute counts as null (RFC 7643 §2.5): `eq null` and `ne "x"` match it.
/// - Strings compare per the attribute's `caseExact`; dateTimes chronologically; numbers numerically.
/// - `pr` needs a non-empty value; `eq null` matches an absent or null attribute.
/// - A complex attribute compared without a sub-attribute is compared through its `value`.
public enum FilterEvaluator {
    /// Whether `resource` satisfies `filter`.
    public static func matches(_ filter: ResolvedFilter, _ resource: JSONObject) -> Bool {
        switch filter {
        case .and(let l, let r): return matches(l, resource) && matches(r, resource)
        case .or(let l, let r): return matches(l, resource) || matches(r, resource)
        case .not(let x): return !matches(x, resource)
        case .present(let a): return values(a, in: resource).contains(where: isPresent)
        case .compare(let a, let op, let v): return compare(values(a, in: resource), op, v, a)
        case .valuePath(let a, let inner):
            return elements(a.topLevelValue(in: resource)).contains { matches(inner, element: $0) }
        }
    }

    /// Whether one element of a complex attribute satisfies a value filter (the inside of `attr[...]`),
    /// as PATCH paths need (RFC 7644 §3.5.2).
    public static func matches(_ filter: ResolvedFilter, element: JSONValue) -> Bool {
        switch filter {
        case .and(let l, let r): return matches(l, element: element) && matches(r, element: element)
        case .or(let l, let r): return matches(l, element: element) || matches(r, element: element)
        case .not(let x): return !matches(x, element: element)
        case .present(let a): return subValues(a, element).contains(where: isPresent)
        case .compare(let a, let op, let v): return compare(subValues(a, element), op, v, a)
        case .valuePath: return false  // cannot occur: the resolver refuses nested value filters
        }
    }

    // MARK: - Reading values

    static func elements(_ v: JSONValue?) -> [JSONValue] {
        switch v {
        case nil, .null?: return []
        case .array(let a)?: return a
        case let x?: return [x]
        }
    }

    static func subValues(_ a: ResolvedAttribute, _ element: JSONValue) -> [JSONValue] {
        guard let sub = a.subAttribute else { return [element] }
        return elements(element[sub.name])
    }

    /// Every value the attribute path denotes in `resource` (flattening multi-valued attributes).
    static func values(_ a: ResolvedAttribute, in resource: JSONObject) -> [JSONValue] {
        let top = elements(a.topLevelValue(in: resource))
        if let sub = a.subAttribute {
            return top.flatMap { elements($0[sub.name]) }
        }
        // A complex attribute without a sub-attribute: `compare` reads each element's `value`,
        // `pr` looks at the whole element.
        return top
    }

    static func isPresent(_ v: JSONValue) -> Bool {
        switch v {
        case .null: return false
        case .string(let s): return !s.isEmpty
        case .array(let a): return a.contains(where: isPresent)
        case .object(let o): return o.members.contains { isPresent($0.value) }
        default: return true
        }
    }

    // MARK: - Comparing

    static func compare(_ values: [JSONValue], _ op: ComparisonOperator, _ operand: JSONValue, _ a: ResolvedAttribute)
        -> Bool
    {
        guard let def = FilterResolver.comparedDefinition(a) else { return false }
        let throughValue = a.subAttribute == nil && a.attribute.type == .complex
        let scalars: [JSONValue] = throughValue ? values.compactMap { $0["value"] } : values
        let present = scalars.filter { !$0.isNull }
        if case .null = operand {
            // `eq null`: unassigned; `ne null`: assigned.
            return op == .eq ? present.isEmpty : !present.isEmpty
        }
        if op == .ne, present.isEmpty {
            // Unassigned is equivalent to null (RFC 7643 §2.5), and null is not identical to any value.
            return true
        }
        // "the filter matches if any of the values of the specified attribute match the specified
        // criterion" (RFC 7644 §3.4.2.2), `ne` included: `emails.type ne "work"` matches a user with a
        // work and a home address. "Has no work address" is `not (emails.type eq "work")`.
        return present.contains { test($0, op, operand, def) }
    }

    static func test(_ value: JSONValue, _ op: ComparisonOperator, _ operand: JSONValue, _ def: AttributeDefinition)
        -> Bool
    {
        switch def.type {
        case .boolean:
            guard case .bool(let x) = value, case .bool(let y) = operand else { return false }
            switch op {
            case .eq: return x == y
            case .ne: return x != y
            default: return false  // the resolver refuses ordering and substring operators on booleans
            }
        case .integer, .decimal:
            guard let x = value.numberValue, let y = operand.numberValue else { return false }
            if case .integer(let xi) = value, case .integer(let yi) = operand { return order(xi, yi, op) }
            return order(x, y, op)
        case .dateTime:
            guard case .string(let xs) = value, case .string(let ys) = operand else { return false }
            switch op {
            case .co, .sw, .ew: return stringTest(xs, ys, op, caseExact: def.caseExact)
            default:
                guard let x = SCIMDateTime(xs), let y = SCIMDateTime(ys) else { return false }
                return order(x, y, op)
            }
        case .string, .reference, .binary, .complex:
            guard case .string(let xs) = value, case .string(let ys) = operand else { return false }
            return stringTest(xs, ys, op, caseExact: def.caseExact || def.type == .binary)
        }
    }

    static func order<T: Comparable>(_ x: T, _ y: T, _ op: ComparisonOperator) -> Bool {
        switch op {
        case .eq: return x == y
        case .ne: return x != y
        case .gt: return x > y
        case .ge: return x >= y
        case .lt: return x < y
        case .le: return x <= y
        case .co, .sw, .ew: return false
        }
    }

    static func stringTest(_ x: String, _ y: String, _ op: ComparisonOperator, caseExact: Bool) -> Bool {
        let a = caseExact ? x : foldCase(x)
        let b = caseExact ? y : foldCase(y)
        switch op {
        case .eq: return a == b
        case .ne: return a != b
        case .co: return a.contains(b)
        case .sw: return a.hasPrefix(b)
        case .ew: return a.hasSuffix(b)
        // Lexicographic order for strings (RFC 7644 §3.4.2.2), by Unicode scalar values.
        case .gt: return a.unicodeScalars.lexicographicallyPrecedes(b.unicodeScalars) == false && a != b
        case .ge: return !a.unicodeScalars.lexicographicallyPrecedes(b.unicodeScalars)
        case .lt: return a.unicodeScalars.lexicographicallyPrecedes(b.unicodeScalars)
        case .le: return a == b || a.unicodeScalars.lexicographicallyPrecedes(b.unicodeScalars)
        }
    }

    /// Case folding for `caseExact: false` comparisons (Unicode-aware, for non-ASCII names).
    ///
    /// Outside ASCII, lower-casing alone is not enough: final sigma `ς` and `σ` both upper-case to
    /// `Σ`, `ß` to `SS`, `ſ` to `S`. Upper-casing first and then lower-casing maps every such pair to
    /// one form (the standard library has no Unicode case-folding API). Stores that compare folded
    /// values must fold with this same function.
    @inline(__always) public static func foldCase(_ s: String) -> String {
        s.utf8.allSatisfy { $0 < 0x80 } ? asciiLowercased(s) : s.uppercased().lowercased()
    }

    static func asciiLowercased(_ s: String) -> String {
        guard s.utf8.contains(where: { $0 >= 65 && $0 <= 90 }) else { return s }
        return String(decoding: s.utf8.map { $0 >= 65 && $0 <= 90 ? $0 | 0x20 : $0 }, as: UTF8.self)
    }
}
