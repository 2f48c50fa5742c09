/// The `sortOrder` of RFC 7644 §3.4.2.3.
public enum SortOrder: String, Sendable, Hashable {
    case ascending, descending

    /// Parses `ascending` / `descending`, ASCII case-insensitively; anything else is 400 `invalidValue`.
    public init(parsing text: String) throws(SCIMError) {
        if caseInsensitiveEquals(text, "ascending") {
            self = .ascending
        } else if caseInsensitiveEquals(text, "descending") {
            self = .descending
        } else {
            throw .invalidValue("'sortOrder' must be \"ascending\" or \"descending\", not \"\(text)\".")
        }
    }
}

/// A resolved `sortBy` / `sortOrder` pair and the ordering it defines, RFC 7644 §3.4.2.3.
///
/// - Strings compare by Unicode scalar values, case-folded unless the attribute is `caseExact`;
///   dateTimes chronologically; numbers numerically; booleans `false` before `true`.
/// - A multi-valued attribute sorts by its `primary` value, if any, else by its first value.
/// - Resources without a value sort last when ascending and first when descending.
/// - Ties keep their input order, so paging over a sorted result is deterministic.
public struct SortSpecification: Sendable, Hashable {
    /// The attribute sorted by.
    public let sortBy: ResolvedAttribute
    /// The direction.
    public let order: SortOrder

    /// A specification for an already resolved attribute.
    public init(sortBy: ResolvedAttribute, order: SortOrder = .ascending) {
        self.sortBy = sortBy
        self.order = order
    }

    /// From the `sortBy` and `sortOrder` parameters; `nil` when `sortBy` is absent or empty
    /// (a lone `sortOrder` then has nothing to order and is ignored).
    ///
    /// An unknown `sortBy`, or a singular complex attribute without a sub-attribute, is 400 `invalidValue`.
    public static func parse(sortBy: String?, sortOrder: String?, schema: ResourceSchema) throws(SCIMError)
        -> SortSpecification?
    {
        guard let sortBy, !sortBy.isEmpty else { return nil }
        var order = SortOrder.ascending
        if let sortOrder, !sortOrder.isEmpty { order = try SortOrder(parsing: sortOrder) }
        guard let path = AttributePath.parse(sortBy) else {
            throw .invalidValue("'sortBy' value \"\(sortBy)\" is not an attribute name in standard attribute notation.")
        }
        let resolved: ResolvedAttribute
        do {
            resolved = try schema.resolve(path)
        } catch {
            throw .invalidValue("'sortBy' names no attribute: \(error.message)")
        }
        if resolved.subAttribute == nil, resolved.attribute.type == .complex {
            // §3.4.2.3: a complex attribute needs a sub-attribute path. A multi-valued one with a
            // `value` sub-attribute (emails, members) sorts by the value, via its primary element.
            guard resolved.attribute.multiValued, resolved.attribute.subAttribute(named: "value") != nil else {
                throw .invalidValue(
                    "'sortBy' names the complex attribute '\(resolved.canonicalPath)'; name one of its sub-attributes, e.g. '\(resolved.canonicalPath).\(resolved.attribute.subAttributes.first?.name ?? "value")'."
                )
            }
        }
        return SortSpecification(sortBy: resolved, order: order)
    }

    // MARK: - Keys

    /// The comparable value one resource sorts by.
    public enum SortKey: Sendable, Hashable, Comparable {
        case boolean(Bool)
        case number(Double)
        case dateTime(SCIMDateTime)
        case string(String)

        public static func < (a: SortKey, b: SortKey) -> Bool {
            switch (a, b) {
            case (.boolean(let x), .boolean(let y)): return !x && y
            case (.number(let x), .number(let y)): return x < y
            case (.dateTime(let x), .dateTime(let y)): return x < y
            case (.string(let x), .string(let y)): return x.unicodeScalars.lexicographicallyPrecedes(y.unicodeScalars)
            default: return a.rank < b.rank  // mixed kinds (malformed data): a fixed, arbitrary order
            }
        }

        private var rank: Int {
            switch self {
            case .boolean: return 0
            case .number: return 1
            case .dateTime: return 2
            case .string: return 3
            }
        }
    }

    /// The key `resource` sorts by; `nil` when it has no value for the attribute.
    public func sortKey(for resource: JSONObject) -> SortKey? {
        guard let top = sortBy.topLevelValue(in: resource) else { return nil }
        let chosen: JSONValue?
        if case .array(let elements) = top {
            // Prefer the primary element (RFC 7643 §2.4), else the first one that has a value.
            let primary = elements.first { $0["primary"]?.boolValue == true }
            chosen = primary.flatMap(scalar) ?? elements.lazy.compactMap(scalar).first
        } else {
            chosen = scalar(top)
        }
        guard let chosen else { return nil }
        return key(chosen)
    }

    /// The scalar a value (or one element of a multi-valued attribute) contributes.
    private func scalar(_ v: JSONValue) -> JSONValue? {
        let x: JSONValue?
        if let sub = sortBy.subAttribute {
            x = v[sub.name]
        } else if sortBy.attribute.type == .complex {
            x = v["value"]
        } else {
            x = v
        }
        if let x, !x.isNull { return x }
        return nil
    }

    private var comparedDefinition: AttributeDefinition {
        if let sub = sortBy.subAttribute { return sub }
        if sortBy.attribute.type == .complex {
            return sortBy.attribute.subAttribute(named: "value") ?? sortBy.attribute
        }
        return sortBy.attribute
    }

    private func key(_ v: JSONValue) -> SortKey? {
        let def = comparedDefinition
        switch v {
        case .bool(let b): return .boolean(b)
        case .integer(let i): return .number(Double(i))
        case .decimal(let d): return .number(d)
        case .string(let s):
            if def.type == .dateTime, let t = SCIMDateTime(s) { return .dateTime(t) }
            return .string(def.caseExact ? s : FilterEvaluator.foldCase(s))
        default: return nil
        }
    }

    // MARK: - Ordering

    /// Whether `a` comes before `b` (missing values last when ascending, first when descending).
    public func areInIncreasingOrder(_ a: JSONObject, _ b: JSONObject) -> Bool {
        Self.precedes(sortKey(for: a), sortKey(for: b), order)
    }

    static func precedes(_ a: SortKey?, _ b: SortKey?, _ order: SortOrder) -> Bool {
        // Ascending order with "no value" as the greatest key; descending is its exact reverse.
        func ascending(_ x: SortKey?, _ y: SortKey?) -> Bool {
            switch (x, y) {
            case (let x?, let y?): return x < y
            case (.some, nil): return true
            default: return false
            }
        }
        return order == .ascending ? ascending(a, b) : ascending(b, a)
    }

    /// `resources` in this order; equal keys keep their input order.
    public func sorted(_ resources: [JSONObject]) -> [JSONObject] {
        let keyed = resources.enumerated().map { (index: $0.offset, key: sortKey(for: $0.element)) }
        let order = self.order
        let sortedIndices = keyed.sorted { a, b in
            if Self.precedes(a.key, b.key, order) { return true }
            if Self.precedes(b.key, a.key, order) { return false }
            return a.index < b.index
        }
        return sortedIndices.map { resources[$0.index] }
    }
}
