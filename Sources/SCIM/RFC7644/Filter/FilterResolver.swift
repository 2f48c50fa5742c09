/// Resolves a parsed filter against a resource type's schemas, RFC 7644 §3.4.2.2.
///
/// Unknown attributes, operators that do not apply to an attribute's type (`gt` on a boolean,
/// `co` on an integer) and values of the wrong type are `invalidFilter`, with the position.
public enum FilterResolver {
    /// Resolves `expression` for `schema`.
    public static func resolve(_ expression: FilterExpression, against schema: ResourceSchema) throws(SCIMError)
        -> ResolvedFilter
    {
        try resolve(expression, schema, parent: nil)
    }

    /// Parses and resolves `text` in one step.
    public static func resolve(_ text: String, against schema: ResourceSchema) throws(SCIMError) -> ResolvedFilter {
        try resolve(try FilterParser.parse(text), schema, parent: nil)
    }

    /// Resolves a value filter whose attributes are sub-attributes of `parent` (PATCH `attr[...]` paths).
    public static func resolve(
        valueFilter expression: FilterExpression,
        of parent: ResolvedAttribute,
        against schema: ResourceSchema
    )
        throws(SCIMError) -> ResolvedFilter
    {
        guard parent.subAttribute == nil, parent.attribute.type == .complex else {
            throw .invalidFilter(
                "'\(parent.canonicalPath)' is not a complex attribute, so it cannot take a value filter."
            )
        }
        return try resolve(expression, schema, parent: parent)
    }

    private static func resolve(_ e: FilterExpression, _ schema: ResourceSchema, parent: ResolvedAttribute?)
        throws(SCIMError) -> ResolvedFilter
    {
        switch e {
        case .and(let l, let r):
            return .and(try resolve(l, schema, parent: parent), try resolve(r, schema, parent: parent))
        case .or(let l, let r):
            return .or(try resolve(l, schema, parent: parent), try resolve(r, schema, parent: parent))
        case .not(let x): return .not(try resolve(x, schema, parent: parent))
        case .present(let a): return .present(try attribute(a, schema, parent: parent))
        case .compare(let a, let op, let v):
            let r = try attribute(a, schema, parent: parent)
            return .compare(r, op, try checkedValue(v, op, r, position: a.position))
        case .valuePath(let a, let inner):
            let r = try attribute(a, schema, parent: nil)
            guard r.subAttribute == nil, r.attribute.type == .complex else {
                throw .invalidFilter(
                    "'\(a.path)' at position \(a.position) is not a complex attribute, so it cannot take a value filter."
                )
            }
            return .valuePath(r, try resolve(inner, schema, parent: r))
        }
    }

    private static func attribute(_ a: FilterAttribute, _ schema: ResourceSchema, parent: ResolvedAttribute?)
        throws(SCIMError) -> ResolvedAttribute
    {
        do throws(ResourceSchema.ResolutionError) {
            if let parent {
                guard a.path.schemaURN == nil, a.path.subAttribute == nil else {
                    throw ResourceSchema.ResolutionError(
                        message: "Inside '\(parent.attribute.name)[...]' name a sub-attribute of it, not '\(a.path)'."
                    )
                }
                return try schema.resolve(subAttribute: a.path.name, of: parent)
            }
            return try schema.resolve(a.path)
        } catch {
            throw .invalidFilter("\(error.message) (at position \(a.position))")
        }
    }

    /// The attribute a comparison really reads: a complex attribute without a sub-attribute
    /// is compared through its `value` sub-attribute, when it has one.
    static func comparedDefinition(_ r: ResolvedAttribute) -> AttributeDefinition? {
        if r.subAttribute == nil, r.attribute.type == .complex {
            return r.attribute.subAttribute(named: "value")
        }
        return r.definition
    }

    private static func checkedValue(_ v: JSONValue, _ op: ComparisonOperator, _ r: ResolvedAttribute, position: Int)
        throws(SCIMError) -> JSONValue
    {
        func fail(_ why: String) -> SCIMError {
            .invalidFilter("\(why) (attribute '\(r.canonicalPath)' at position \(position))")
        }
        guard let def = comparedDefinition(r) else {
            throw fail("A complex attribute without a 'value' sub-attribute cannot be compared; name a sub-attribute")
        }
        let substring: Set<ComparisonOperator> = [.co, .sw, .ew]
        if case .null = v {
            guard op == .eq || op == .ne else {
                throw fail("'\(op.rawValue) null' is not meaningful; use 'pr' or 'eq null'")
            }
            return v
        }
        switch def.type {
        case .boolean:
            guard op == .eq || op == .ne else { throw fail("Operator '\(op.rawValue)' cannot be applied to a boolean") }
            guard case .bool = v else { throw fail("Expected true or false, got \(v.typeName) \(v)") }
        case .binary:
            guard op == .eq || op == .ne else {
                throw fail("Operator '\(op.rawValue)' cannot be applied to a binary attribute")
            }
            guard case .string = v else { throw fail("Expected a string, got \(v.typeName) \(v)") }
        case .integer, .decimal:
            guard !substring.contains(op) else { throw fail("Operator '\(op.rawValue)' cannot be applied to a number") }
            guard v.numberValue != nil else { throw fail("Expected a number, got \(v.typeName) \(v)") }
            if def.type == .integer, case .decimal(let d) = v, d.rounded() == d, let i = Int64(exactly: d) {
                return .integer(i)
            }
        case .dateTime:
            guard case .string(let s) = v else { throw fail("Expected a dateTime string, got \(v.typeName) \(v)") }
            if !substring.contains(op), SCIMDateTime(s) == nil {
                throw fail("'\(s)' is not a valid dateTime (expected e.g. 2011-05-13T04:42:34Z)")
            }
        case .string, .reference:
            guard case .string = v else { throw fail("Expected a string in double quotes, got \(v.typeName) \(v)") }
        case .complex:
            throw fail("A complex attribute cannot be compared; name a sub-attribute")
        }
        return v
    }
}
