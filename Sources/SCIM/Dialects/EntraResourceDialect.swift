/// Microsoft Entra ID's habit, in Group POST and PUT bodies, of listing an attribute-less marker URN
/// in `schemas` next to the core one: `http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group`
/// (Microsoft's "Develop a SCIM endpoint" tutorial, "Create Group"; its example answer lists only the
/// core URN). RFC 7643 §3 would refuse an unknown URN; this drops that one marker, before
/// `ResourceValidator` applies the strict rule to everything else.
public enum EntraResourceDialect {
    /// The marker URN, compared without regard to case.
    public static let groupMarker = "http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group"

    /// The resource without the marker in `schemas` (Groups only; other resources are returned as given).
    public static func normalize(_ resource: JSONObject, schema: ResourceSchema) -> JSONObject {
        guard caseInsensitiveEquals(schema.resourceType.name, "Group"), case .array(let urns)? = resource["schemas"]
        else {
            return resource
        }
        let kept = urns.filter { !($0.stringValue.map { caseInsensitiveEquals($0, groupMarker) } ?? false) }
        guard kept.count != urns.count else { return resource }
        var out = resource
        out["schemas"] = .array(kept)
        return out
    }
}

/// The IdP habits every inbound POST and PUT body is normalised for, before strict validation.
public enum ResourceDialects {
    public static func normalize(_ resource: JSONObject, schema: ResourceSchema) -> JSONObject {
        PingOneResourceDialect.normalize(EntraResourceDialect.normalize(resource, schema: schema), schema: schema)
    }
}
