/// Checks a resource body against its resource type and returns it cleaned, ready to store:
/// RFC 7643 §2 (attributes, types, null), §3 (`schemas`, extensions), §7 (characteristics);
/// RFC 7644 §3.3 (create) and §3.5.1 (replace).
///
/// Decisions, where the RFCs leave room (status is always 400):
///
/// | input | result |
/// | --- | --- |
/// | `schemas` missing, empty, or without the core URN | `invalidValue` (a required value is missing, RFC 7644 Table 9) |
/// | a URN in `schemas` that is neither the core schema nor an extension of the type | `invalidValue`, detail names the URN |
/// | a member name no schema defines (attribute, sub-attribute, URN container) | `invalidSyntax` ("did not conform to the request schema") |
/// | a value of the wrong JSON type, a bad dateTime or base64, an array for a singular attribute | `invalidValue` |
/// | a required attribute missing, `null` or (strings) empty | `invalidValue` |
/// | more than one `primary: true` in one multi-valued attribute (RFC 7643 §2.4) | `invalidValue` |
/// | a required extension not in use | `invalidValue`, detail names the URN |
/// | replace: an `immutable` attribute with a different value | `mutability` |
///
/// Leniencies, because IdPs get these wrong and the intent is unambiguous:
/// - extension data under a URN key that `schemas` does not list: the URN is added to `schemas`;
/// - duplicate URNs in `schemas` are collapsed, and a lone URN string is read as a one-element array;
/// - a single value for a multi-valued attribute is wrapped in an array;
/// - URN-qualified top-level keys (`"urn:…:enterprise:2.0:User:employeeNumber": "1"`, also
///   `…:manager.value`) are moved under their schema (the core URN means a top-level attribute).
///
/// Silently dropped (RFC 7643 §2.5, §3.1, RFC 7644 §3.3): `readOnly` attributes and
/// sub-attributes (`id`, `meta`, `groups`, `members.display`, `manager.displayName`), `null`
/// values, empty arrays and complex values left empty. `canonicalValues` are not enforced:
/// RFC 7643 §2.3.1 and §7 only say a provider MAY restrict to them.
///
/// The output spells every name canonically (`userName` even if `USERNAME` was sent), lists
/// `schemas` first, converts integers given for `decimal` attributes to decimals, and keeps
/// `writeOnly` values such as `password` (strip them on output with `stripNeverReturned`).
public enum ResourceValidator {
    /// Validates a POST body (RFC 7644 §3.3): `immutable` attributes may be set.
    public static func validateForCreate(_ resource: JSONObject, schema: ResourceSchema) throws(SCIMError)
        -> JSONObject
    {
        var body = try clean(resource, schema: schema)
        try checkRequired(&body, schema: schema)
        return body.assembled(schema: schema)
    }

    /// Validates a PUT body against the stored resource (RFC 7644 §3.5.1).
    ///
    /// - `immutable` attributes that already have a value must keep it (`mutability` otherwise);
    ///   sent as `null` counts as a change; omitted, the stored value is kept. Elements of a
    ///   multi-valued attribute are replaced as a whole, so an immutable *sub*-attribute (such as
    ///   `members.value`) does not stop a new member list.
    /// - `readOnly` attributes come from `existing` (`id`, `meta`, `groups`), whatever was sent.
    /// - `writeOnly` or `returned: never` attributes (`password`) that the body omits are kept:
    ///   a client cannot have read them, so omitting them is not a request to clear them.
    ///   An explicit `null` clears them.
    /// - Other omitted attributes are cleared, as RFC 7644 §3.5.1 allows.
    public static func validateForReplace(_ new: JSONObject, existing: JSONObject, schema: ResourceSchema)
        throws(SCIMError) -> JSONObject
    {
        var body = try clean(new, schema: schema)
        try body.applyReplaceRules(existing: existing, schema: schema)
        try checkRequired(&body, schema: schema)
        return body.assembled(schema: schema)
    }

    /// The resource without attributes and sub-attributes whose `returned` is `never`
    /// (RFC 7643 §7), e.g. `password`: apply to every representation sent to a client.
    public static func stripNeverReturned(_ resource: JSONObject, schema: ResourceSchema) -> JSONObject {
        var out = JSONObject()
        for (key, value) in resource {
            if let def = schema.core.attribute(named: key) ?? CommonAttributes.named(key) {
                if let v = strippingNever(value, def) { out[key] = v }
            } else if let ext = schema.extensionSchema(id: key), case .object(let members) = value {
                var kept = JSONObject()
                for (k, v) in members {
                    guard let def = ext.attribute(named: k) else {
                        kept[k] = v
                        continue
                    }
                    if let v = strippingNever(v, def) { kept[k] = v }
                }
                if !kept.isEmpty { out[key] = .object(kept) }
            } else {
                out[key] = value
            }
        }
        return out
    }

    private static func strippingNever(_ value: JSONValue, _ def: AttributeDefinition) -> JSONValue? {
        if def.returned == .never { return nil }
        guard def.type == .complex, def.subAttributes.contains(where: { $0.returned == .never }) else { return value }
        func strip(_ v: JSONValue) -> JSONValue {
            guard case .object(let o) = v else { return v }
            var kept = JSONObject()
            for (k, sv) in o where def.subAttribute(named: k)?.returned != .never { kept[k] = sv }
            return .object(kept)
        }
        if case .array(let a) = value { return .array(a.map(strip)) }
        return strip(value)
    }
}

// MARK: - Cleaning

extension ResourceValidator {
    /// A body split by schema, each value checked and in canonical spelling; not yet assembled.
    struct CleanBody {
        /// Common and core attributes, canonical names.
        var core = JSONObject()
        /// Per extension of the resource schema (same order): its attributes.
        var extensions: [JSONObject]
        /// Per extension: whether `schemas` listed it.
        var listed: [Bool]
        /// Lower-cased canonical names of core attributes present in the body (even as `null`).
        var assertedCore: Set<String> = []
        /// Per extension: lower-cased canonical names present in the body.
        var assertedExtension: [Set<String>]
    }

    /// The raw body sorted by schema before values are checked.
    private struct Sorted {
        var schemasValue: JSONValue?
        var core = JSONObject()
        var extensions: [JSONObject]
    }

    static func clean(_ resource: JSONObject, schema: ResourceSchema) throws(SCIMError) -> CleanBody {
        let sorted = try sort(resource, schema: schema)
        let n = schema.extensions.count
        var body = CleanBody(
            extensions: Array(repeating: JSONObject(), count: n),
            listed: Array(repeating: false, count: n),
            assertedExtension: Array(repeating: [], count: n)
        )
        try readSchemas(sorted.schemasValue, schema: schema, into: &body)

        for (name, value) in sorted.core {
            // `sort` only files names the core schema or the common attributes define.
            guard let def = schema.core.attribute(named: name) ?? CommonAttributes.named(name) else { continue }
            body.assertedCore.insert(def.name.lowercased())
            if def.mutability == .readOnly { continue }
            if let v = try cleanValue(value, def, path: def.name) { body.core[def.name] = v }
        }
        for (i, ext) in schema.extensions.enumerated() {
            for (name, value) in sorted.extensions[i] {
                guard let def = ext.schema.attribute(named: name) else {
                    throw .invalidSyntax("Unknown attribute '\(name)' in extension '\(ext.schema.id)'.")
                }
                body.assertedExtension[i].insert(def.name.lowercased())
                if def.mutability == .readOnly { continue }
                if let v = try cleanValue(value, def, path: ext.schema.id + ":" + def.name) {
                    body.extensions[i][def.name] = v
                }
            }
        }
        return body
    }

    /// Files each top-level member under the core schema or an extension; rejects unknown names.
    private static func sort(_ resource: JSONObject, schema: ResourceSchema) throws(SCIMError) -> Sorted {
        let n = schema.extensions.count
        var s = Sorted(extensions: Array(repeating: JSONObject(), count: n))

        func put(_ value: JSONValue, name: String, sub: String?, into object: inout JSONObject, shownAs key: String)
            throws(SCIMError)
        {
            guard let sub else {
                if let present = object[name] {
                    // Two spellings of one attribute: only harmless when they agree.
                    guard present == value else {
                        throw .invalidSyntax("Attribute '\(name)' is given twice (as '\(key)' and in its container).")
                    }
                    return
                }
                object[name] = value
                return
            }
            var inner: JSONObject
            switch object[name] {
            case nil, .null?: inner = JSONObject()
            case .object(let o)?: inner = o
            default:
                throw .invalidSyntax("'\(key)' names a sub-attribute, but '\(name)' is not given as an object.")
            }
            if inner[sub] != nil { throw .invalidSyntax("Attribute '\(key)' is given twice.") }
            inner[sub] = value
            object[name] = .object(inner)
        }

        for (key, value) in resource {
            if caseInsensitiveEquals(key, CommonAttributes.schemas.name) {
                s.schemasValue = value
            } else if schema.core.attribute(named: key) != nil || CommonAttributes.named(key) != nil {
                try put(value, name: key, sub: nil, into: &s.core, shownAs: key)
            } else if let i = schema.extensions.firstIndex(where: { caseInsensitiveEquals($0.schema.id, key) }) {
                switch value {
                case .null: continue  // the whole extension unassigned
                case .object(let members):
                    for (k, v) in members {
                        try put(v, name: k, sub: nil, into: &s.extensions[i], shownAs: key + ":" + k)
                    }
                default:
                    throw .invalidSyntax(
                        "Extension '\(schema.extensions[i].schema.id)' must be a JSON object, got \(value.typeName)."
                    )
                }
            } else if let path = qualifiedPath(key), let urn = path.schemaURN {
                if caseInsensitiveEquals(urn, schema.core.id) {
                    if path.subAttribute == nil, caseInsensitiveEquals(path.name, CommonAttributes.schemas.name) {
                        s.schemasValue = value
                        continue
                    }
                    guard schema.core.attribute(named: path.name) != nil || CommonAttributes.named(path.name) != nil
                    else {
                        throw .invalidSyntax(
                            "Unknown attribute '\(key)' for resource type \(schema.resourceType.name)."
                        )
                    }
                    try put(value, name: path.name, sub: path.subAttribute, into: &s.core, shownAs: key)
                } else if let i = schema.extensions.firstIndex(where: { caseInsensitiveEquals($0.schema.id, urn) }) {
                    try put(value, name: path.name, sub: path.subAttribute, into: &s.extensions[i], shownAs: key)
                } else {
                    throw .invalidSyntax(
                        "Unknown attribute '\(key)': '\(urn)' is not a schema of resource type \(schema.resourceType.name)."
                    )
                }
            } else {
                var detail = "Unknown attribute '\(key)' for resource type \(schema.resourceType.name)."
                if let ext = schema.extensions.first(where: { $0.schema.attribute(named: key) != nil }) {
                    detail += " It belongs to extension '\(ext.schema.id)'; send it inside that object."
                }
                throw .invalidSyntax(detail)
            }
        }
        return s
    }

    /// `urn:…:attr` or `urn:…:attr.sub`; `nil` for anything else.
    private static func qualifiedPath(_ key: String) -> AttributePath? {
        guard key.utf8.count > 4, caseInsensitiveEquals(String(key.prefix(4)), "urn:") else { return nil }
        return AttributePath.parse(key)
    }

    /// RFC 7643 §3: `schemas` is required, lists the core schema, and only the type's schemas.
    private static func readSchemas(_ value: JSONValue?, schema: ResourceSchema, into body: inout CleanBody)
        throws(SCIMError)
    {
        let required = "'schemas' is required and must list '\(schema.core.id)'."
        var urns: [JSONValue]
        switch value {
        case nil, .null?: throw .invalidValue(required)
        case .array(let a)?: urns = a
        case .string?: urns = [value!]
        case let v?: throw .invalidValue("'schemas' must be an array of URN strings, got \(v.typeName).")
        }
        var sawCore = false
        for v in urns {
            guard case .string(let urn) = v else {
                throw .invalidValue("'schemas' must hold URN strings, got \(v.typeName).")
            }
            if caseInsensitiveEquals(urn, schema.core.id) {
                sawCore = true
            } else if let i = schema.extensions.firstIndex(where: { caseInsensitiveEquals($0.schema.id, urn) }) {
                body.listed[i] = true
            } else {
                throw .invalidValue(
                    "Schema '\(urn)' in 'schemas' is neither the core schema nor an extension of resource type \(schema.resourceType.name)."
                )
            }
        }
        guard sawCore else { throw .invalidValue(required) }
    }

    /// One attribute value checked against its definition; `nil` when it is unassigned.
    static func cleanValue(_ value: JSONValue, _ def: AttributeDefinition, path: String) throws(SCIMError)
        -> JSONValue?
    {
        if case .null = value { return nil }
        guard def.multiValued else {
            if case .array = value {
                throw .invalidValue("Attribute '\(path)' is single-valued; an array is not allowed.")
            }
            return try cleanSingle(value, def, path: path)
        }
        let elements: [JSONValue]
        if case .array(let a) = value { elements = a } else { elements = [value] }
        var out: [JSONValue] = []
        out.reserveCapacity(elements.count)
        var primaries = 0
        for e in elements {
            switch e {
            case .null: continue
            case .array:
                throw .invalidValue(
                    "Attribute '\(path)' holds a nested array; its values must be \(def.type.rawValue)s."
                )
            default:
                guard let v = try cleanSingle(e, def, path: path) else { continue }
                if case .object(let o) = v, o["primary"] == .bool(true) { primaries += 1 }
                out.append(v)
            }
        }
        if primaries > 1 {
            throw .invalidValue(
                "Attribute '\(path)' has \(primaries) values with 'primary' true; at most one is allowed."
            )
        }
        return out.isEmpty ? nil : .array(out)
    }

    private static func cleanSingle(_ value: JSONValue, _ def: AttributeDefinition, path: String) throws(SCIMError)
        -> JSONValue?
    {
        func mismatch(_ expected: String) -> SCIMError {
            .invalidValue("Attribute '\(path)' must be \(expected), got \(value.typeName).")
        }
        switch def.type {
        case .string, .reference:
            guard case .string = value else { throw mismatch("a string") }
            return value
        case .boolean:
            guard case .bool = value else { throw mismatch("a boolean (true or false)") }
            return value
        case .integer:
            guard case .integer = value else { throw mismatch("an integer") }
            return value
        case .decimal:
            switch value {
            case .decimal: return value
            case .integer(let i): return .decimal(Double(i))
            default: throw mismatch("a number")
            }
        case .dateTime:
            guard case .string(let s) = value else { throw mismatch("a dateTime string") }
            guard SCIMDateTime(s) != nil else {
                throw .invalidValue("Attribute '\(path)' must be an xsd:dateTime such as 2008-01-23T04:56:22Z.")
            }
            return value
        case .binary:
            guard case .string(let s) = value else { throw mismatch("a base64 string") }
            guard isBase64(s) else { throw .invalidValue("Attribute '\(path)' must be base64 (RFC 4648 §4 or §5).") }
            return value
        case .complex:
            guard case .object(let members) = value else { throw mismatch("an object") }
            var out = JSONObject()
            for (name, v) in members {
                guard let sub = def.subAttribute(named: name) else {
                    throw .invalidSyntax("Unknown sub-attribute '\(name)' of '\(path)'.")
                }
                if sub.mutability == .readOnly { continue }
                if let c = try cleanValue(v, sub, path: path + "." + sub.name) { out[sub.name] = c }
            }
            if out.isEmpty { return nil }
            for sub in def.subAttributes where sub.required && sub.mutability != .readOnly {
                guard let v = out[sub.name], !isEmptyString(v) else {
                    throw .invalidValue("Attribute '\(path).\(sub.name)' is required.")
                }
            }
            return .object(out)
        }
    }

    private static func isEmptyString(_ v: JSONValue) -> Bool {
        if case .string(let s) = v { return s.isEmpty }
        return false
    }

    /// RFC 4648 §4 (`+/`) or §5 (`-_`) alphabet, not mixed; padding optional but, if present, complete.
    static func isBase64(_ s: String) -> Bool {
        var length = 0
        var padding = 0
        var standard = false
        var urlSafe = false
        for c in s.utf8 {
            if padding > 0 {
                guard c == UInt8(ascii: "=") else { return false }
                padding += 1
                continue
            }
            switch c {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"):
                break
            case UInt8(ascii: "+"), UInt8(ascii: "/"): standard = true
            case UInt8(ascii: "-"), UInt8(ascii: "_"): urlSafe = true
            case UInt8(ascii: "="): padding = 1
            default: return false
            }
            if padding == 0 { length += 1 }
        }
        if standard && urlSafe { return false }
        if length % 4 == 1 || padding > 2 { return false }
        if padding > 0 && (length + padding) % 4 != 0 { return false }
        return true
    }
}

// MARK: - Required attributes and assembly

extension ResourceValidator {
    private static func checkRequired(_ body: inout CleanBody, schema: ResourceSchema) throws(SCIMError) {
        for def in schema.core.attributes where def.required && def.mutability != .readOnly {
            guard let v = body.core[def.name], !isEmptyString(v) else {
                throw .invalidValue(
                    "Attribute '\(def.name)' is required for resource type \(schema.resourceType.name)."
                )
            }
        }
        for (i, ext) in schema.extensions.enumerated() {
            let inUse = !body.extensions[i].isEmpty
            if inUse { body.listed[i] = true }  // lenient: data under a URN the client forgot to list
            if ext.required && !body.listed[i] {
                throw .invalidValue(
                    "Resource type \(schema.resourceType.name) requires extension '\(ext.schema.id)' in 'schemas'."
                )
            }
            guard inUse || ext.required else { continue }
            for def in ext.schema.attributes where def.required && def.mutability != .readOnly {
                guard let v = body.extensions[i][def.name], !isEmptyString(v) else {
                    throw .invalidValue("Attribute '\(ext.schema.id):\(def.name)' is required.")
                }
            }
        }
    }
}

extension ResourceValidator.CleanBody {
    /// The stored form: `schemas` (canonical URNs, core first), common attributes, core
    /// attributes in the order sent, extension objects in the resource type's order, `meta`.
    func assembled(schema: ResourceSchema) -> JSONObject {
        var members: [(key: String, value: JSONValue)] = []
        members.reserveCapacity(core.count + extensions.count + 1)
        var urns: [JSONValue] = [.string(schema.core.id)]
        for (i, ext) in schema.extensions.enumerated() where listed[i] || !extensions[i].isEmpty {
            urns.append(.string(ext.schema.id))
        }
        members.append((CommonAttributes.schemas.name, .array(urns)))
        for name in [CommonAttributes.id.name, CommonAttributes.externalId.name] {
            if let v = core[name] { members.append((name, v)) }
        }
        for m in core where !CommonAttributes.all.contains(where: { $0.name == m.key }) {
            members.append(m)
        }
        for (i, ext) in schema.extensions.enumerated() where !extensions[i].isEmpty {
            members.append((ext.schema.id, .object(extensions[i])))
        }
        if let meta = core[CommonAttributes.meta.name] { members.append((CommonAttributes.meta.name, meta)) }
        return JSONObject(uniqueMembers: members)
    }
}

// MARK: - Replace

extension ResourceValidator.CleanBody {
    /// RFC 7644 §3.5.1 mutability rules against the stored resource (see `validateForReplace`).
    mutating func applyReplaceRules(existing: JSONObject, schema: ResourceSchema) throws(SCIMError) {
        for def in schema.core.attributes + CommonAttributes.all where def.name != CommonAttributes.schemas.name {
            try Self.apply(def, path: def.name, stored: existing[def.name], into: &core, asserted: assertedCore)
        }
        for (i, ext) in schema.extensions.enumerated() {
            let stored = existing[ext.schema.id]?.objectValue
            for def in ext.schema.attributes {
                try Self.apply(
                    def,
                    path: ext.schema.id + ":" + def.name,
                    stored: stored?[def.name],
                    into: &extensions[i],
                    asserted: assertedExtension[i]
                )
            }
        }
    }

    private static func apply(
        _ def: AttributeDefinition,
        path: String,
        stored: JSONValue?,
        into object: inout JSONObject,
        asserted: Set<String>
    ) throws(SCIMError) {
        let stored = stored.flatMap { isUnassigned($0) ? nil : $0 }
        let wasSent = asserted.contains(def.name.lowercased())
        switch def.mutability {
        case .readOnly:
            object[def.name] = stored
        case .immutable:
            guard let stored else { return }
            guard wasSent else {
                object[def.name] = stored
                return
            }
            guard let new = object[def.name], ResourceValidator.equivalent(new, stored, def) else {
                throw .mutability("Attribute '\(path)' is immutable and already has a value; it cannot be changed.")
            }
        case .writeOnly, .readWrite:
            if !wasSent, def.mutability == .writeOnly || def.returned == .never, let stored {
                object[def.name] = stored
                return
            }
            // An immutable sub-attribute of a singular complex attribute may not change once set.
            guard !def.multiValued, def.type == .complex, case .object(let old)? = stored,
                case .object(let new)? = object[def.name]
            else { return }
            for sub in def.subAttributes where sub.mutability == .immutable {
                guard let oldSub = old[sub.name], !isUnassigned(oldSub), let newSub = new[sub.name] else { continue }
                guard ResourceValidator.equivalent(newSub, oldSub, sub) else {
                    throw .mutability(
                        "Attribute '\(path).\(sub.name)' is immutable and already has a value; it cannot be changed."
                    )
                }
            }
        }
    }

    private static func isUnassigned(_ v: JSONValue) -> Bool {
        switch v {
        case .null: return true
        case .array(let a): return a.isEmpty
        default: return false
        }
    }
}

extension ResourceValidator {
    /// Whether two values of `def` are the same value: strings per `caseExact`, numbers and
    /// dateTimes by value, multi-valued attributes in any order, complex ones per sub-attribute.
    static func equivalent(_ a: JSONValue, _ b: JSONValue, _ def: AttributeDefinition) -> Bool {
        guard def.multiValued else { return equivalentSingle(a, b, def) }
        let xs = a.arrayValue ?? [a]
        var ys = b.arrayValue ?? [b]
        guard xs.count == ys.count else { return false }
        for x in xs {
            guard let j = ys.firstIndex(where: { equivalentSingle(x, $0, def) }) else { return false }
            ys.remove(at: j)
        }
        return true
    }

    private static func equivalentSingle(_ a: JSONValue, _ b: JSONValue, _ def: AttributeDefinition) -> Bool {
        switch (def.type, a, b) {
        case (.string, .string(let x), .string(let y)), (.reference, .string(let x), .string(let y)):
            return def.caseExact ? x == y : caseInsensitiveEquals(x, y)
        case (.decimal, _, _), (.integer, _, _):
            return a.numberValue != nil && a.numberValue == b.numberValue
        case (.dateTime, .string(let x), .string(let y)):
            guard let dx = SCIMDateTime(x), let dy = SCIMDateTime(y) else { return x == y }
            return dx == dy
        case (.complex, .object(let x), .object(let y)):
            for sub in def.subAttributes where sub.mutability != .readOnly {
                switch (x[sub.name], y[sub.name]) {
                case (nil, nil): continue
                case (let p?, let q?): if !equivalent(p, q, sub) { return false }
                default: return false
                }
            }
            return true
        default:
            return a == b
        }
    }
}
