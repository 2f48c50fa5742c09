/// A parsed SCIM filter, RFC 7644 §3.4.2.2: the syntax tree, before any schema is consulted.
public indirect enum FilterExpression: Sendable, Hashable {
    /// `attrPath compareOp compValue`
    case compare(FilterAttribute, ComparisonOperator, JSONValue)
    /// `attrPath pr`
    case present(FilterAttribute)
    /// `FILTER and FILTER`
    case and(FilterExpression, FilterExpression)
    /// `FILTER or FILTER`
    case or(FilterExpression, FilterExpression)
    /// `not ( FILTER )`
    case not(FilterExpression)
    /// `attrPath [ valFilter ]`: attribute paths inside are relative to the outer attribute.
    case valuePath(FilterAttribute, FilterExpression)
}

/// An attribute path as it occurs in a filter, with its position for error details.
public struct FilterAttribute: Sendable, Hashable, CustomStringConvertible {
    /// The path as written.
    public var path: AttributePath
    /// 1-based character position of the path in the filter text.
    public var position: Int

    public init(path: AttributePath, position: Int) {
        self.path = path
        self.position = position
    }

    public var description: String { path.description }
}

/// The comparison operators of RFC 7644 §3.4.2.2, Table 3 (written case-insensitively).
public enum ComparisonOperator: String, Sendable, Hashable, CaseIterable {
    case eq, ne, co, sw, ew, gt, lt, ge, le
}
