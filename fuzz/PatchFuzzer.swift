// libFuzzer entry point for the PATCH pipeline (RFC 7644 §3.5.2): arbitrary bytes are parsed as JSON,
// normalised by the IdP dialects, decoded as a PatchOp and applied to a User and to a Group, and split
// into a membership delta. Any crash, trap or sanitizer report is a bug; a SCIMError is the expected
// outcome for garbage.
let fuzzUserSchema = SchemaRegistry.standard.resourceSchema(for: "User")!
let fuzzGroupSchema = SchemaRegistry.standard.resourceSchema(for: "Group")!
let fuzzUser: JSONObject = try! JSONParser.parse(
    #"""
    {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
     "id":"2819c223","userName":"bjensen@example.com","name":{"givenName":"Barbara","familyName":"Jensen"},"active":true,
     "emails":[{"value":"bjensen@example.com","type":"work","primary":true},{"value":"babs@jensen.org","type":"home"}],
     "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"employeeNumber":"701984","manager":{"value":"26118915"}}}
    """#
).objectValue!
let fuzzGroup: JSONObject = try! JSONParser.parse(
    #"""
    {"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"id":"e9e30dba","displayName":"Tour Guides",
     "members":[{"value":"2819c223","type":"User"},{"value":"902c246b","type":"User"}]}
    """#
).objectValue!

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPatch(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard let json = try? JSONParser.parse(UnsafeBufferPointer(start: data, count: size)) else { return 0 }
    for (schema, resource) in [(fuzzUserSchema, fuzzUser), (fuzzGroupSchema, fuzzGroup)] {
        let normalized = PatchDialects.normalize(json, schema: schema)
        guard let request = try? PatchRequest(json: normalized) else { continue }
        if let patched = try? PatchEngine.apply(request, to: resource, schema: schema) {
            // A successful PATCH leaves a resource whose JSON text reads back to the same value.
            precondition((try? JSONParser.parse(JSONValue.object(patched).serialized())) == .object(patched))
        }
        _ = try? PatchEngine.membershipDelta(request, schema: schema)
    }
    return 0
}
