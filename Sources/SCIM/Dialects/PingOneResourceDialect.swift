/// PingOne's habit, in POST and PUT bodies, of marking two values of one multi-valued attribute
/// `primary` (research pingone.md §2.4: with two email attributes and one empty, "both are set as
/// primary"). RFC 7643 §2.4 allows one; this keeps the first primary value and clears the others,
/// before `ResourceValidator` applies the strict rule.
public enum PingOneResourceDialect {
    /// The resource with at most one `primary: true` per multi-valued complex attribute.
    public static func normalize(_ resource: JSONObject, schema: ResourceSchema) -> JSONObject {
        var out = resource
        for attribute in schema.core.attributes where attribute.multiValued && attribute.type == .complex {
            guard case .array(let values)? = out[attribute.name] else { continue }
            var seenPrimary = false
            var changed = false
            let fixed: [JSONValue] = values.map { value in
                guard case .object(var o) = value, o["primary"] == .bool(true) else { return value }
                if seenPrimary {
                    o["primary"] = .bool(false)
                    changed = true
                    return .object(o)
                }
                seenPrimary = true
                return value
            }
            if changed { out[attribute.name] = .array(fixed) }
        }
        return out
    }
}
