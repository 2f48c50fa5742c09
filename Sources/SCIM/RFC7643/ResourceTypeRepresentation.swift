/// The `/ResourceTypes` representation of a resource type, RFC 7643 §6 (example in §8.6) and RFC 7644 §4.
extension ResourceType {
    /// The resource type message URN of RFC 7643 §6.
    public static let schemaURN = "urn:ietf:params:scim:schemas:core:2.0:ResourceType"

    /// The resource type resource; `meta.location` is `baseLocation` + `/ResourceTypes/` + the id.
    ///
    /// `schemaExtensions` is left out when there are none, as for `Group` in RFC 7643 §8.6.
    public func json(baseLocation: String) -> JSONValue {
        var o = JSONObject()
        o["schemas"] = .array([.string(Self.schemaURN)])
        o["id"] = .string(id)
        o["name"] = .string(name)
        o["endpoint"] = .string(endpoint)
        if !description.isEmpty { o["description"] = .string(description) }
        o["schema"] = .string(schema)
        if !schemaExtensions.isEmpty {
            o["schemaExtensions"] = .array(
                schemaExtensions.map { ["schema": .string($0.schema), "required": .bool($0.required)] }
            )
        }
        o["meta"] = [
            "resourceType": "ResourceType",
            "location": .string(discoveryLocation(baseLocation, "ResourceTypes", id)),
        ]
        return .object(o)
    }
}
