internal import Foundation
public import SCIM

/// Checks a JSON value against an OpenAPI 3.0 schema object: `$ref`, `allOf`, `type`, `nullable`,
/// `required`, `enum`, array `items`, `pattern`, `minimum`/`maximum`, `maxLength`, and no property
/// the schema does not declare. Two kinds of OData instance annotation pass without being declared:
/// `@odata.type` anywhere, and `{navigation}@odata.bind` when the schema lists the navigation
/// property among its `x-extract-omitted-properties` (how Graph binds `members` and `owners` on a
/// group; Learn documents it, the schema leaves navigation properties out).
///
/// The PowerShell generator puts `additionalProperties: {type: object}` on every object schema of the
/// Graph extract (`shared/specs/README.md`); it is ignored, or every unknown property would pass.
public struct OpenAPISchemaValidator: Sendable {
    public let document: OpenAPIDocument

    public init(document: OpenAPIDocument) {
        self.document = document
    }

    /// A schema with its `$ref`s followed and its `allOf` members merged.
    struct Flattened {
        var name: String?
        var types: [String] = []
        var nullable = false
        var properties: [(name: String, schema: JSONValue)] = []
        var required: [String] = []
        var enumValues: [JSONValue]?
        var items: JSONValue?
        var navigation: Set<String> = []
        var pattern: String?
        var minimum: Double?
        var maximum: Double?
        var maxLength: Int?

        func property(_ key: String) -> JSONValue? {
            properties.first { caseInsensitiveEquals($0.name, key) }?.schema
        }
    }

    /// What is wrong with `value`, one sentence each, naming the member by its path from the body
    /// (`passwordProfile.password`, `groupTypes[0]`).
    public func violations(_ value: JSONValue, against schema: JSONValue) -> [String] {
        var out: [String] = []
        check(value, flatten(schema), at: "", into: &out)
        return out
    }

    func flatten(_ schema: JSONValue, depth: Int = 0) -> Flattened {
        let (resolved, name) = document.dereferenced(schema)
        var flat = Flattened()
        flat.name = name ?? resolved["title"]?.stringValue
        guard depth < 16 else { return flat }
        for member in resolved["allOf"]?.arrayValue ?? [] {
            let part = flatten(member, depth: depth + 1)
            if flat.name == nil { flat.name = part.name }
            flat.types += part.types
            flat.nullable = flat.nullable || part.nullable
            flat.properties += part.properties
            flat.required += part.required
            flat.navigation.formUnion(part.navigation)
            flat.enumValues = flat.enumValues ?? part.enumValues
            flat.items = flat.items ?? part.items
        }
        if let type = resolved["type"]?.stringValue { flat.types.append(type) }
        if resolved["nullable"]?.boolValue == true { flat.nullable = true }
        for (key, value) in resolved["properties"]?.objectValue ?? JSONObject() {
            flat.properties.append((key, value))
        }
        flat.required += (resolved["required"]?.arrayValue ?? []).compactMap(\.stringValue)
        for navigation in resolved["x-extract-omitted-properties"]?.arrayValue ?? [] {
            if let n = navigation.stringValue { flat.navigation.insert(n.lowercased()) }
        }
        if let values = resolved["enum"]?.arrayValue { flat.enumValues = values }
        if let items = resolved["items"] { flat.items = items }
        flat.pattern = resolved["pattern"]?.stringValue
        flat.minimum = resolved["minimum"]?.numberValue
        flat.maximum = resolved["maximum"]?.numberValue
        flat.maxLength = resolved["maxLength"]?.integerValue.map { Int($0) }
        return flat
    }

    private func check(_ value: JSONValue, _ schema: Flattened, at path: String, into out: inout [String]) {
        let what = path.isEmpty ? "the body" : "body property '\(path)'"
        if value.isNull {
            if !schema.nullable && !schema.types.isEmpty { out.append("\(what) must not be null") }
            return
        }
        // All merged `type`s must agree (allOf); a schema without one accepts any JSON type.
        if let type = schema.types.first(where: { !Self.has(value, type: $0) }) {
            out.append(
                "\(what) must be \(Self.article(type)) \(type), not \(Self.article(value.typeName)) \(value.typeName)"
            )
            return
        }
        if let values = schema.enumValues, !values.contains(value) {
            out.append("\(what) must be one of \(values.map { $0.serialized() }.joined(separator: ", "))")
        }
        switch value {
        case .string(let s):
            if let maxLength = schema.maxLength, s.count > maxLength {
                out.append("\(what) is longer than \(maxLength) characters")
            }
            if let pattern = schema.pattern, let regex = try? Regex(pattern), (try? regex.firstMatch(in: s)) == nil {
                out.append("\(what) does not match the pattern \(pattern)")
            }
        case .integer, .decimal:
            let n = value.numberValue ?? 0
            if let minimum = schema.minimum, n < minimum { out.append("\(what) is below the minimum \(minimum)") }
            if let maximum = schema.maximum, n > maximum { out.append("\(what) is above the maximum \(maximum)") }
        case .array(let elements):
            if let items = schema.items {
                let itemSchema = flatten(items)
                for (i, element) in elements.enumerated() {
                    check(element, itemSchema, at: "\(path)[\(i)]", into: &out)
                }
            }
        case .object(let object):
            checkObject(object, schema, at: path, into: &out)
        default:
            break
        }
    }

    private func checkObject(_ object: JSONObject, _ schema: Flattened, at path: String, into out: inout [String]) {
        let owner = schema.name ?? "the schema"
        // An object schema with no declared properties (a free-form object) takes any member.
        let closed = !schema.properties.isEmpty || !schema.navigation.isEmpty
        for (key, value) in object {
            let memberPath = path.isEmpty ? key : "\(path).\(key)"
            if let propertySchema = schema.property(key) {
                check(value, flatten(propertySchema), at: memberPath, into: &out)
            } else if key == "@odata.type" {
                continue
            } else if key.lowercased().hasSuffix("@odata.bind"),
                schema.navigation.contains(String(key.lowercased().dropLast("@odata.bind".count)))
            {
                let isReference =
                    value.stringValue != nil || (value.arrayValue?.allSatisfy { $0.stringValue != nil } ?? false)
                if !isReference {
                    out.append("body property '\(memberPath)' must be a URL or an array of URLs, not \(value.typeName)")
                }
            } else if closed {
                out.append("body property '\(memberPath)' is not in \(owner)")
            }
        }
        for name in schema.required where object[name] == nil {
            out.append("body property '\(path.isEmpty ? name : "\(path).\(name)")' is required by \(owner)")
        }
    }

    static func has(_ value: JSONValue, type: String) -> Bool {
        switch (type, value) {
        case ("string", .string), ("boolean", .bool), ("integer", .integer), ("number", .integer),
            ("number", .decimal), ("array", .array), ("object", .object):
            true
        case ("integer", .decimal(let d)):
            d == d.rounded()
        default:
            false
        }
    }

    static func article(_ word: String) -> String {
        ["a", "e", "i", "o", "u"].contains(word.prefix(1)) ? "an" : "a"
    }
}
