import Testing

@testable import SCIM

/// Decodes a PATCH body given as JSON text.
func patchRequest(_ text: String) throws -> PatchRequest {
    try PatchRequest(json: JSONParser.parse(text))
}

/// Decodes and applies a PATCH body.
func applyPatch(_ text: String, to resource: JSONObject, _ schema: ResourceSchema) throws -> JSONObject {
    try PatchEngine.apply(patchRequest(text), to: resource, schema: schema)
}

/// A PATCH body with the given operations, each a JSON object text.
func patchBody(_ ops: String...) -> String {
    #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":["# + ops.joined(separator: ",") + "]}"
}

/// The `SCIMError` `body` throws, recorded as a test issue when it throws nothing or something else.
func expectSCIMError(sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void) -> SCIMError? {
    #expect(throws: SCIMError.self, sourceLocation: sourceLocation) { try body() }
}

/// The `value`s of a multi-valued attribute, in order.
func valueList(_ resource: JSONObject, _ attribute: String) -> [String] {
    (resource[attribute]?.arrayValue ?? []).compactMap { $0["value"]?.stringValue }
}

/// The element of a multi-valued attribute whose `type` is `type`.
func elementOfType(_ resource: JSONObject, _ attribute: String, type: String) -> JSONValue? {
    resource[attribute]?.arrayValue?.first { $0["type"]?.stringValue == type }
}

extension JSONObject {
    /// A copy with `key` set (or removed with `nil`).
    func withMember(_ key: String, _ value: JSONValue?) -> JSONObject {
        var o = self
        o[key] = value
        return o
    }
}

enum PatchIDs {
    static let babs = "2819c223-7f76-453a-919d-413861904646"
    static let mandy = "902c246b-6245-4190-8e05-00816be7344a"
    static let james = "08e1d05d-121c-4561-8b96-473d93df9210"
}
