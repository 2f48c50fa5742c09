/// Microsoft Entra ID's PATCH habits rewritten into RFC 7644 §3.5.2
/// (learn.microsoft.com, "Develop a SCIM endpoint … known issues"; SCIM-SDK's msazure workarounds).
///
/// - `"op": "Add" | "Replace" | "Remove"` (any case) → `add` / `replace` / `remove`.
/// - `"True"` / `"False"` strings for a boolean attribute (`active`, `emails[…].primary`) → booleans.
/// - `remove` of a multi-valued complex attribute with a `value` list (`{"op":"Remove","path":"members",
///   "value":[{"value":"id"}]}`) → one `remove` per listed value, `members[value eq "id"]`: exactly
///   those values go, never the whole attribute.
/// - a pathless value with dotted keys (`"name.givenName"`) or URN-qualified keys
///   (`"urn:…:enterprise:2.0:User:employeeNumber"`) → the nested form
///   (`{"name":{"givenName":…}}`, `{"urn:…:enterprise:2.0:User":{"employeeNumber":…}}`).
/// - a bare string for a single-valued complex attribute with a `value` sub-attribute
///   (`"path":"urn:…:User:manager","value":"id"`) → `{"value":"id"}`, and a one-element list for
///   such an attribute (`[{"value":"id"}]`) → its element.
/// Paths such as `emails[type eq "work"].value` are strict already.
public enum EntraPatchDialect: PatchDialect {
    public static let name = "entra"

    public static func normalize(_ request: JSONValue, schema: ResourceSchema) -> JSONValue {
        guard case .object(var body) = request, case .array(let ops)? = body["Operations"] else { return request }
        var out: [JSONValue] = []
        out.reserveCapacity(ops.count)
        for op in ops { out.append(contentsOf: normalize(operation: op, schema)) }
        body["Operations"] = .array(out)
        return .object(body)
    }

    static func normalize(operation: JSONValue, _ schema: ResourceSchema) -> [JSONValue] {
        guard case .object(var o) = operation else { return [operation] }
        if case .string(let op)? = o["op"],
            let strict = PatchOperation.Op.allCases.first(where: { caseInsensitiveEquals($0.rawValue, op) })
        {
            o["op"] = .string(strict.rawValue)
        }
        let op = o["op"]?.stringValue
        guard case .string(let pathText)? = o["path"] else {
            if op != "remove", case .object(let attributes)? = o["value"] {
                o["value"] = .object(coerce(attributes: nested(attributes, schema), scope: nil, schema))
            }
            return [.object(o)]
        }
        guard let path = try? PatchPath.parse(pathText).resolve(against: schema) else { return [.object(o)] }

        if op == "remove", let value = o["value"], !value.isNull {
            guard case .attribute(let a) = path, a.subAttribute == nil, a.attribute.multiValued,
                a.attribute.type == .complex
            else { return [.object(o)] }
            let listed: [JSONValue]
            if case .array(let list) = value { listed = list } else { listed = [value] }
            var removes: [JSONValue] = []
            for element in listed {
                guard let filter = selector(coerce(element, a.attribute, asElement: true), a.attribute) else {
                    return [.object(o)]  // cannot tell what to remove: let the strict decoder refuse it
                }
                removes.append(["op": "remove", "path": .string("\(pathText)[\(filter)]")])
            }
            return removes
        }
        guard let value = o["value"] else { return [.object(o)] }
        switch path {
        case .attribute(let a):
            o["value"] = coerce(value, a.definition, asElement: false)
        case .filtered(let a, _, let sub):
            o["value"] = coerce(value, sub ?? a.attribute, asElement: sub == nil)
        case .extensionSchema(let ext):
            if case .object(let attributes) = value {
                o["value"] = .object(coerce(attributes: attributes, scope: ext, schema))
            }
        }
        return [.object(o)]
    }

    /// `attr[sub eq v and …]` text that selects `element`: by `value` when it has one, else by
    /// every simple, writable sub-attribute given (readOnly ones such as `display` are not stored
    /// as sent, so they cannot select).
    static func selector(_ element: JSONValue, _ def: AttributeDefinition) -> String? {
        guard case .object(let o) = element else { return nil }
        var tests: [String] = []
        if let v = o["value"], isScalar(v) {
            tests.append("value eq \(v.serialized())")
        } else {
            for (k, v) in o {
                guard let sub = def.subAttribute(named: k), sub.mutability != .readOnly, isScalar(v) else { continue }
                tests.append("\(sub.name) eq \(v.serialized())")
            }
        }
        return tests.isEmpty ? nil : tests.joined(separator: " and ")
    }

    static func isScalar(_ v: JSONValue) -> Bool {
        switch v {
        case .string, .bool, .integer, .decimal: return true
        default: return false
        }
    }

    // MARK: - Dotted and URN-qualified keys

    /// Turns `"name.givenName"` and `"urn:…:User:employeeNumber"` keys into nested objects.
    static func nested(_ attributes: JSONObject, _ schema: ResourceSchema) -> JSONObject {
        var out = JSONObject()
        for (key, v) in attributes {
            guard let p = AttributePath.parse(key), p.schemaURN != nil || p.subAttribute != nil else {
                out[key] = merged(out[key], v)
                continue
            }
            var leaf: JSONValue = v
            if let sub = p.subAttribute { leaf = [sub: v] }
            if let urn = p.schemaURN, let ext = schema.extensionSchema(id: urn) {
                out[ext.id] = merged(out[ext.id], [p.name: leaf])
            } else if p.schemaURN == nil || caseInsensitiveEquals(p.schemaURN!, schema.core.id) {
                out[p.name] = merged(out[p.name], leaf)
            } else {
                out[key] = v  // an unknown schema: the strict engine names it
            }
        }
        return out
    }

    /// Objects merge member by member; anything else: the later value wins.
    static func merged(_ existing: JSONValue?, _ new: JSONValue) -> JSONValue {
        guard case .object(var a)? = existing, case .object(let b) = new else { return new }
        for (k, v) in b { a[k] = merged(a[k], v) }
        return .object(a)
    }

    // MARK: - Booleans as strings, strings for complex values

    static func coerce(attributes: JSONObject, scope: Schema?, _ schema: ResourceSchema) -> JSONObject {
        var out = JSONObject()
        for (key, v) in attributes {
            if scope == nil, let ext = schema.extensionSchema(id: key), case .object(let inner) = v {
                out[key] = .object(coerce(attributes: inner, scope: ext, schema))
                continue
            }
            var path = AttributePath.parse(key)
            if let scope, path?.schemaURN == nil { path?.schemaURN = scope.id }
            if let path, let a = try? schema.resolve(path) {
                out[key] = coerce(v, a.definition, asElement: false)
            } else {
                out[key] = v
            }
        }
        return out
    }

    /// `value` with `"True"`/`"False"` turned into booleans where `def` (or a sub-attribute) is boolean.
    /// `asElement`: `value` is one element of a multi-valued attribute, not the list.
    static func coerce(_ value: JSONValue, _ def: AttributeDefinition, asElement: Bool) -> JSONValue {
        if def.multiValued, !asElement {
            if case .array(let list) = value { return .array(list.map { coerce($0, def, asElement: true) }) }
            return coerce(value, def, asElement: true)
        }
        if !def.multiValued, def.type == .complex, case .array(let list) = value, list.count == 1 {
            // `[{"value": id}]` for a single-valued complex attribute (manager): the one element is meant.
            return coerce(list[0], def, asElement: true)
        }
        switch (def.type, value) {
        case (.boolean, .string(let s)):
            if caseInsensitiveEquals(s, "true") { return .bool(true) }
            if caseInsensitiveEquals(s, "false") { return .bool(false) }
            return value
        case (.complex, .object(let o)):
            var out = JSONObject()
            for (k, v) in o {
                out[k] = def.subAttribute(named: k).map { coerce(v, $0, asElement: false) } ?? v
            }
            return .object(out)
        case (.complex, .string):
            // Entra's manager: a bare id where the schema has {"value": id}.
            guard !def.multiValued, def.subAttribute(named: "value") != nil else { return value }
            return ["value": value]
        default:
            return value
        }
    }
}
