import Testing

@testable import SCIM

/// Normalizes a PATCH body with every dialect, decodes it and applies it.
func applyNormalized(_ text: String, to resource: JSONObject, _ schema: ResourceSchema) throws -> JSONObject {
    let raw = try JSONParser.parse(text)
    let request = try PatchRequest(json: PatchDialects.normalize(raw, schema: schema))
    return try PatchEngine.apply(request, to: resource, schema: schema)
}

/// The dialects that rewrote `text`.
func dialectsChanging(_ text: String, _ schema: ResourceSchema) throws -> [String] {
    PatchDialects.normalizeReporting(try JSONParser.parse(text), schema: schema).changedBy
}
