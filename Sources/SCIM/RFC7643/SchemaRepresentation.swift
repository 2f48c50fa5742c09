/// The `/Schemas` representation of a schema, RFC 7643 §7 (as printed in §8.7.1) and RFC 7644 §4.
///
/// Optional characteristics that are empty (`canonicalValues`, `referenceTypes`, `subAttributes`)
/// are left out, as the RFC's own listing does; every other characteristic is spelled out.
extension Schema {
    /// The schema message URN of RFC 7643 §7.
    public static let schemaURN = "urn:ietf:params:scim:schemas:core:2.0:Schema"

    /// The schema resource; `meta.location` is `baseLocation` + `/Schemas/` + the URN.
    ///
    /// `baseLocation` is the service provider's base URL (`https://example.com/scim/v2`) or path
    /// (`/scim/v2`); this type knows nothing about HTTP.
    public func json(baseLocation: String) -> JSONValue {
        var o = JSONObject()
        o["schemas"] = .array([.string(Self.schemaURN)])
        o["id"] = .string(id)
        if !name.isEmpty { o["name"] = .string(name) }
        if !description.isEmpty { o["description"] = .string(description) }
        o["attributes"] = .array(attributes.map(\.json))
        o["meta"] = [
            "resourceType": "Schema",
            "location": .string(discoveryLocation(baseLocation, "Schemas", id)),
        ]
        return .object(o)
    }
}

extension AttributeDefinition {
    /// The attribute definition with its characteristics, RFC 7643 §7 `attributes`.
    public var json: JSONValue {
        var o = JSONObject()
        o["name"] = .string(name)
        o["type"] = .string(type.rawValue)
        o["multiValued"] = .bool(multiValued)
        if !description.isEmpty { o["description"] = .string(description) }
        o["required"] = .bool(required)
        if !canonicalValues.isEmpty { o["canonicalValues"] = .array(canonicalValues.map { .string($0) }) }
        o["caseExact"] = .bool(caseExact)
        o["mutability"] = .string(mutability.rawValue)
        o["returned"] = .string(returned.rawValue)
        o["uniqueness"] = .string(uniqueness.rawValue)
        if !referenceTypes.isEmpty { o["referenceTypes"] = .array(referenceTypes.map { .string($0) }) }
        if !subAttributes.isEmpty { o["subAttributes"] = .array(subAttributes.map(\.json)) }
        return .object(o)
    }
}

/// `base/collection[/id]` with exactly one `/` between the parts, for discovery `meta.location`.
func discoveryLocation(_ base: String, _ collection: String, _ id: String? = nil) -> String {
    var s = Substring(base)
    while s.hasSuffix("/") { s = s.dropLast() }
    var out = String(s) + "/" + collection
    if let id { out += "/" + id }
    return out
}
