// libFuzzer entry point for the SCIM filter pipeline (RFC 7644 §3.4.2.2): arbitrary bytes are
// parsed, resolved against the User schema and evaluated. Any crash, trap or sanitizer report is a bug;
// a thrown SCIMError is the expected outcome for garbage.
let fuzzUserSchema = SchemaRegistry.standard.resourceSchema(for: "User")!
let fuzzUser: JSONObject = {
    let text = #"""
        {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"id":"2819c223","userName":"bjensen@example.com",
         "name":{"givenName":"Barbara","familyName":"Jensen"},"active":true,
         "emails":[{"value":"bjensen@example.com","type":"work","primary":true},{"value":"babs@jensen.org","type":"home"}],
         "meta":{"resourceType":"User","lastModified":"2011-05-13T04:42:34Z","version":"W/\"a330bc54f0671c9\""},
         "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"employeeNumber":"701984","manager":{"value":"26118915"}}}
        """#
    return try! JSONParser.parse(text).objectValue!
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFilter(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    guard let parsed = try? FilterParser.parse(text) else { return 0 }
    // The canonical text form must parse back to the same tree.
    guard let reparsed = try? FilterParser.parse(parsed.description) else {
        fatalError("canonical form does not parse: \(parsed.description)")
    }
    precondition(reparsed.description == parsed.description, "canonical form is not stable")
    if let resolved = try? FilterResolver.resolve(parsed, against: fuzzUserSchema) {
        _ = FilterEvaluator.matches(resolved, fuzzUser)
    }
    return 0
}
