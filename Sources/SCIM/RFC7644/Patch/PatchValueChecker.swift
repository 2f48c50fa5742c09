/// Checks PATCH values against attribute definitions: data types of RFC 7643 §2.3, sub-attributes
/// of complex values (§2.3.8) and the "primary appears at most once" rule of §2.4.
///
/// Values come back in canonical form: sub-attribute names spelled as the schema spells them,
/// integral decimals for integer attributes turned into integers, integers for decimal attributes
/// turned into decimals. ReadOnly sub-attributes inside a value (`members[].display`, `manager.displayName`)
/// are dropped, as RFC 7644 §3.5.1 does for PUT: the RFC's own PATCH examples send `display`.
enum PatchValueChecker {
    /// The elements of a multi-valued attribute: an array, or one element standing alone.
    static func elements(_ value: JSONValue, _ def: AttributeDefinition, at path: String) throws(SCIMError)
        -> [JSONValue]
    {
        let list: [JSONValue]
        if case .array(let a) = value { list = a } else { list = [value] }
        var out: [JSONValue] = []
        out.reserveCapacity(list.count)
        for e in list {
            if e.isNull { continue }
            if case .array = e { throw .invalidValue("'\(path)' takes a list of values, not a list of lists.") }
            var checked = try element(e, def, at: path)
            if case .object(let o) = checked {
                // In a value of a list, a null sub-attribute just means "not given".
                let kept = JSONObject(o.members.filter { !$0.value.isNull }.map { ($0.key, $0.value) })
                if kept.isEmpty { continue }  // only readOnly parts were sent
                checked = .object(kept)
            }
            out.append(checked)
        }
        if def.type == .complex, def.subAttribute(named: "value") != nil {
            for e in out where e["value"] == nil || e["value"]!.isNull {
                throw .invalidValue("Each value of '\(path)' needs a \"value\" sub-attribute; got \(e).")
            }
        }
        let primaries = out.count(where: { $0["primary"] == .bool(true) })
        if primaries > 1 {
            throw .invalidValue(
                "At most one value of '\(path)' may have \"primary\": true (RFC 7643 §2.4); \(primaries) do."
            )
        }
        return out
    }

    /// One value of `def` (not the list of a multi-valued attribute): a scalar, or an object for a complex one.
    static func element(_ value: JSONValue, _ def: AttributeDefinition, at path: String) throws(SCIMError) -> JSONValue
    {
        guard def.type == .complex else { return try scalar(value, def, at: path) }
        return .object(try complexObject(value, def, at: path))
    }

    /// The sub-attributes of a complex value, each checked; `null` members are kept (they mean "unassign").
    static func complexObject(_ value: JSONValue, _ def: AttributeDefinition, at path: String) throws(SCIMError)
        -> JSONObject
    {
        guard case .object(let o) = value else {
            throw .invalidValue("'\(path)' is complex and takes an object of sub-attributes, not \(value.typeName).")
        }
        var out = JSONObject()
        for (key, v) in o {
            guard let sub = def.subAttribute(named: key) else {
                let known = def.subAttributes.map(\.name).joined(separator: ", ")
                throw .invalidValue("'\(path)' has no sub-attribute '\(key)' (it has \(known)).")
            }
            if sub.mutability == .readOnly { continue }
            let subPath = path + "." + sub.name
            if v.isNull {
                out[sub.name] = .null
            } else if sub.multiValued {
                out[sub.name] = .array(try elements(v, sub, at: subPath))
            } else {
                out[sub.name] = try scalar(v, sub, at: subPath)
            }
        }
        return out
    }

    /// A scalar of `def`'s type (RFC 7643 §2.3.1–§2.3.7).
    static func scalar(_ value: JSONValue, _ def: AttributeDefinition, at path: String) throws(SCIMError) -> JSONValue {
        func fail(_ expected: String) -> SCIMError {
            // Never echo a value that is not returned (a password), not even in an error.
            let shown = def.returned == .never ? value.typeName : "\(value.typeName) \(abbreviated(value))"
            return .invalidValue("'\(path)' expects \(expected), got \(shown).")
        }
        switch def.type {
        case .string, .reference:
            guard case .string = value else { throw fail("a string") }
        case .binary:
            guard case .string = value else { throw fail("a base64 string") }
        case .boolean:
            guard case .bool = value else { throw fail("true or false") }
        case .integer:
            switch value {
            case .integer: break
            case .decimal(let d):
                guard let i = Int64(exactly: d) else { throw fail("an integer") }
                return .integer(i)
            default: throw fail("an integer")
            }
        case .decimal:
            switch value {
            case .decimal: break
            case .integer(let i): return .decimal(Double(i))
            default: throw fail("a number")
            }
        case .dateTime:
            guard case .string(let s) = value, SCIMDateTime(s) != nil else {
                throw fail("a dateTime such as \"2011-05-13T04:42:34Z\"")
            }
        case .complex:
            throw .invalidValue("'\(path)' is complex; a complex attribute cannot hold another complex value.")
        }
        return value
    }

    static func abbreviated(_ value: JSONValue) -> String {
        let s = value.serialized()
        return s.count <= 60 ? s : String(s.prefix(57)) + "..."
    }
}
