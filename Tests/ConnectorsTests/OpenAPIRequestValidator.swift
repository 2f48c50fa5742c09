import Foundation
import SCIM

/// Checks recorded requests against an OpenAPI 3.0 document: the operation exists for the method
/// and path template, every query parameter is declared, and the JSON body satisfies the
/// `requestBody` schema (`$ref`, `type`, `required`, `properties`, `items`, `enum`, `nullable`:
/// what GitHub's SCIM description uses).
struct OpenAPIRequestValidator {
    let document: JSONValue
    /// Schema locations taken as "any JSON value": places where the document is known to be wrong,
    /// each with the reason.
    let anyValueAt: [String: String]

    init(contentsOf url: URL, anyValueAt: [String: String] = [:]) throws {
        document = try JSONParser.parse(Array(try Data(contentsOf: url)))
        self.anyValueAt = anyValueAt
    }

    /// The problems with one request; empty when it conforms.
    func problems(method: String, path: String, query: String?, body: JSONValue?) -> [String] {
        let name = "\(method) \(path)"
        guard let (template, item) = pathItem(for: path) else { return ["\(name): no path template matches"] }
        guard let operation = item[method.lowercased()] else {
            return ["\(name): \(template) has no \(method) operation"]
        }
        var problems: [String] = []
        let declared = Set(
            ((operation["parameters"]?.arrayValue ?? []) + (item["parameters"]?.arrayValue ?? [])).compactMap {
                p -> String? in
                let parameter = resolve(p).value
                return parameter["in"] == "query" ? parameter["name"]?.stringValue : nil
            }
        )
        for pair in (query ?? "").split(separator: "&") {
            let key = String(pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)[0])
            let decoded = key.removingPercentEncoding ?? key
            if !declared.contains(decoded) {
                problems.append("\(name): query parameter '\(decoded)' is not declared for \(method) \(template)")
            }
        }
        let schema = operation["requestBody"]?["content"]?["application/json"]?["schema"]
        switch (schema, body) {
        case (nil, nil): break
        case (nil, .some): problems.append("\(name): \(method) \(template) takes no body")
        case (.some, nil):
            if operation["requestBody"]?["required"] == true { problems.append("\(name): a body is required") }
        case (.some(let schema), .some(let body)):
            problems += validate(
                body,
                against: schema,
                location: "#/paths\(template)/\(method.lowercased())/requestBody",
                at: "body"
            )
            .map { "\(name): \($0)" }
        }
        return problems
    }

    /// The path template matching `path` (`{param}` matches one non-empty segment).
    func pathItem(for path: String) -> (String, JSONValue)? {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false)
        for (template, item) in document["paths"]?.objectValue ?? JSONObject() {
            let parts = template.split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count == segments.count else { continue }
            let matches = zip(parts, segments).allSatisfy { part, segment in
                part.hasPrefix("{") && part.hasSuffix("}") ? !segment.isEmpty : part == segment
            }
            if matches { return (template, item) }
        }
        return nil
    }

    /// Follows a local `$ref` (`#/components/...`), returning the target and its location.
    func resolve(_ value: JSONValue, location: String = "") -> (value: JSONValue, location: String) {
        guard let ref = value["$ref"]?.stringValue, ref.hasPrefix("#/") else { return (value, location) }
        var node = document
        for part in ref.dropFirst(2).split(separator: "/") { node = node[String(part)] ?? .null }
        return resolve(node, location: ref)
    }

    func validate(_ value: JSONValue, against raw: JSONValue, location: String, at pointer: String) -> [String] {
        let (schema, location) = resolve(raw, location: location)
        if anyValueAt[location] != nil { return [] }
        if value.isNull {
            return schema["nullable"] == true ? [] : ["\(pointer) is null, which the schema does not allow"]
        }
        if let allowed = schema["enum"]?.arrayValue, !allowed.contains(value) {
            return ["\(pointer) = \(value.serialized()) is not one of \(JSONValue.array(allowed).serialized())"]
        }
        switch schema["type"]?.stringValue {
        case "object":
            guard let object = value.objectValue else { return ["\(pointer) must be an object, not \(value.typeName)"] }
            var problems: [String] = []
            for required in schema["required"]?.arrayValue?.compactMap(\.stringValue) ?? []
            where !object.keys.contains(required) {
                problems.append("\(pointer).\(required) is required")
            }
            for (key, member) in object {
                guard let property = schema["properties"]?[key] else { continue }
                problems += validate(
                    member,
                    against: property,
                    location: "\(location)/properties/\(key)",
                    at: "\(pointer).\(key)"
                )
            }
            return problems
        case "array":
            guard let array = value.arrayValue else { return ["\(pointer) must be an array, not \(value.typeName)"] }
            guard let items = schema["items"] else { return [] }
            return array.enumerated().flatMap { i, element in
                validate(element, against: items, location: "\(location)/items", at: "\(pointer)[\(i)]")
            }
        case "string": return value.stringValue != nil ? [] : ["\(pointer) must be a string, not \(value.serialized())"]
        case "boolean": return value.boolValue != nil ? [] : ["\(pointer) must be a boolean, not \(value.serialized())"]
        case "integer":
            return value.integerValue != nil ? [] : ["\(pointer) must be an integer, not \(value.serialized())"]
        case "number": return value.numberValue != nil ? [] : ["\(pointer) must be a number, not \(value.serialized())"]
        default: return []
        }
    }
}
