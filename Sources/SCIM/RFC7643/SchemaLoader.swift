/// Reads schema definitions from their JSON representation, RFC 7643 §7 (as printed in §8.7.1).
///
/// Used for the standard schemas and for operators' custom extension schemas alike, so both
/// go through the same checks.
public enum SchemaLoader {
    /// Parses one schema document (JSON text).
    public static func load(json text: String) throws(SCIMError) -> Schema {
        let value: JSONValue
        do {
            value = try JSONParser.parse(text)
        } catch {
            throw .invalidSyntax("Schema document is not valid JSON: \(error)")
        }
        return try load(value)
    }

    /// Converts one schema object to a `Schema`.
    public static func load(_ value: JSONValue) throws(SCIMError) -> Schema {
        guard case .object(let o) = value else { throw .invalidSyntax("A schema must be a JSON object.") }
        guard let id = o["id"]?.stringValue, !id.isEmpty else {
            throw .invalidSyntax("A schema needs a string 'id' (its URN).")
        }
        guard id.lowercased().hasPrefix("urn:") else {
            throw .invalidSyntax("Schema id '\(id)' must be a URN (start with 'urn:').")
        }
        guard let attrs = o["attributes"]?.arrayValue else {
            throw .invalidSyntax("Schema '\(id)' needs an 'attributes' array.")
        }
        var list: [AttributeDefinition] = []
        for a in attrs {
            list.append(try attribute(a, context: id, depth: 0))
        }
        try checkDistinct(list, context: id)
        return Schema(
            id: id,
            name: o["name"]?.stringValue ?? "",
            description: o["description"]?.stringValue ?? "",
            attributes: list
        )
    }

    private static func attribute(_ value: JSONValue, context: String, depth: Int) throws(SCIMError)
        -> AttributeDefinition
    {
        guard case .object(let o) = value else {
            throw .invalidSyntax("Each attribute of '\(context)' must be a JSON object.")
        }
        guard let name = o["name"]?.stringValue, isValidAttributeName(name) else {
            throw .invalidSyntax("An attribute of '\(context)' has a missing or invalid 'name'.")
        }
        let where_ = "\(context):\(name)"
        func enumValue<E: RawRepresentable>(_ key: String, _ def: E) throws(SCIMError) -> E where E.RawValue == String {
            guard let v = o[key] else { return def }
            guard let s = v.stringValue, let e = E(rawValue: s) else {
                throw .invalidSyntax("Attribute '\(where_)' has an invalid '\(key)'.")
            }
            return e
        }
        func boolValue(_ key: String, _ def: Bool) throws(SCIMError) -> Bool {
            guard let v = o[key] else { return def }
            guard let b = v.boolValue else {
                throw .invalidSyntax("Attribute '\(where_)': '\(key)' must be a boolean.")
            }
            return b
        }
        func strings(_ key: String) throws(SCIMError) -> [String] {
            guard let v = o[key] else { return [] }
            guard let a = v.arrayValue else {
                throw .invalidSyntax("Attribute '\(where_)': '\(key)' must be an array.")
            }
            var out: [String] = []
            for e in a {
                guard let s = e.stringValue else {
                    throw .invalidSyntax("Attribute '\(where_)': '\(key)' must hold strings.")
                }
                out.append(s)
            }
            return out
        }
        let type: AttributeType = try enumValue("type", AttributeType.string)
        var subs: [AttributeDefinition] = []
        if let sa = o["subAttributes"] {
            guard type == .complex, depth == 0 else {
                throw .invalidSyntax("Attribute '\(where_)': only top-level complex attributes have subAttributes.")
            }
            guard let arr = sa.arrayValue else {
                throw .invalidSyntax("Attribute '\(where_)': 'subAttributes' must be an array.")
            }
            for s in arr { subs.append(try attribute(s, context: where_, depth: depth + 1)) }
            try checkDistinct(subs, context: where_)
        }
        return AttributeDefinition(
            name: name,
            type: type,
            multiValued: try boolValue("multiValued", false),
            description: o["description"]?.stringValue ?? "",
            required: try boolValue("required", false),
            caseExact: try boolValue("caseExact", false),
            mutability: try enumValue("mutability", Mutability.readWrite),
            returned: try enumValue("returned", Returned.default),
            uniqueness: try enumValue("uniqueness", Uniqueness.none),
            canonicalValues: try strings("canonicalValues"),
            referenceTypes: try strings("referenceTypes"),
            subAttributes: subs
        )
    }

    private static func checkDistinct(_ list: [AttributeDefinition], context: String) throws(SCIMError) {
        var seen = Set<String>()
        for a in list where !seen.insert(a.name.lowercased()).inserted {
            throw .invalidSyntax("Attribute '\(a.name)' is defined twice in '\(context)' (names are case-insensitive).")
        }
    }

    /// RFC 7643 §2.1 ATTRNAME = ALPHA *(nameChar), nameChar = "-" / "_" / DIGIT / ALPHA; plus `$ref`.
    static func isValidAttributeName(_ name: String) -> Bool {
        if name == "$ref" { return true }
        let u = Array(name.utf8)
        guard let first = u.first, isAlpha(first) else { return false }
        return u.dropFirst().allSatisfy {
            isAlpha($0) || isDigit($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_")
        }
    }
}

@inline(__always) func isAlpha(_ c: UInt8) -> Bool { (c >= 65 && c <= 90) || (c >= 97 && c <= 122) }
@inline(__always) func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }
