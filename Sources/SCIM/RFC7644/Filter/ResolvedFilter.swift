/// A filter resolved against a resource type, RFC 7644 §3.4.2.2: every attribute is known,
/// with its type and `caseExact`, and every value has been checked against its attribute's type.
///
/// This is the form stores translate to SQL and the evaluator runs; no raw filter text gets past
/// `FilterResolver`.
public indirect enum ResolvedFilter: Sendable, Hashable {
    /// Compare an attribute (or a sub-attribute of each element of a multi-valued one) with a value.
    case compare(ResolvedAttribute, ComparisonOperator, JSONValue)
    /// The attribute has a non-empty value.
    case present(ResolvedAttribute)
    case and(ResolvedFilter, ResolvedFilter)
    case or(ResolvedFilter, ResolvedFilter)
    case not(ResolvedFilter)
    /// Some element of the complex attribute satisfies the inner filter, whose attributes are
    /// sub-attributes of that same attribute.
    case valuePath(ResolvedAttribute, ResolvedFilter)
}
