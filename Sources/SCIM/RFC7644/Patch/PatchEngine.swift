/// Applies a PATCH request to a resource, RFC 7644 §3.5.2 (add §3.5.2.1, remove §3.5.2.2,
/// replace §3.5.2.3). Pure: the input is never changed, and a failing operation fails the whole
/// request (atomicity is free with value types: the new resource is returned only at the end).
///
/// Decisions where the RFC leaves room:
/// - `add`/`replace` of a single-valued complex attribute, or of values selected by a filter, merges
///   the given sub-attributes and leaves the others unchanged (§3.5.2.3, "Sub-attributes that are
///   not specified in the value parameter are left unchanged").
/// - A `null` value or empty array means "unassigned" (RFC 7643 §2.5): `replace` with it removes,
///   `add` with it changes nothing.
/// - In a pathless value, `meta` is ignored (server-managed, RFC 7643 §3.1) and a readOnly attribute
///   echoed with its current value (`id`, as Okta sends) is ignored; any other change to a readOnly
///   attribute, and every explicit path to one, is `mutability`.
/// - Removing a required or readOnly attribute is `mutability` (§3.5.2.2); a remove whose filter
///   matches nothing succeeds (the RFC's "not a member" case), a replace whose filter matches
///   nothing is `noTarget` (§3.5.2.3).
/// - `add` with a filter that matches nothing creates the value when the filter is a conjunction of
///   `eq` tests (Entra's `emails[type eq "work"].value` on a user without a work email), else `noTarget`.
/// - ReadOnly sub-attributes inside a value (`members[].display`, which the RFC's own examples
///   send) are dropped, as PUT ignores readOnly values (RFC 7644 §3.5.1); the store fills them.
/// - Adding a value that is already there (same `value` and `type`) changes nothing but its mutable
///   sub-attributes; its immutable ones (`members[].$ref`) stay (§3.5.2.1, "already a member").
/// - Unknown attributes inside a value are `invalidValue` ("not compatible with the resource
///   schema", RFC 7644 Table 9); an unknown attribute in `path` is `invalidPath`.
/// - Adding an extension attribute adds the extension URN to `schemas`; removing its last attribute
///   removes it (RFC 7644 §3.5.2).
public enum PatchEngine {
    /// The resource after every operation of `request`, or the first operation's error (with its number).
    public static func apply(_ request: PatchRequest, to resource: JSONObject, schema: ResourceSchema)
        throws(SCIMError) -> JSONObject
    {
        var state = PatchState(resource: resource, schema: schema)
        let operations = request.operations
        var i = 0
        while i < operations.count {
            // A run of adds to, or removes by id from, one multi-valued attribute (k members, each
            // in its own operation) is applied in one pass over the values: O(n + k), not O(n·k).
            let batch = PatchBatch.starting(at: i, in: operations, schema: schema)
            let count = batch?.count ?? 1
            do throws(SCIMError) {
                if let batch {
                    try state.apply(batch)
                } else {
                    try state.apply(operations[i])
                }
            } catch {
                let operation = operations[i]
                var where_ = count > 1 ? "Operations \(i + 1)–\(i + count)" : "Operation \(i + 1)"
                where_ += " (\(operation.op.rawValue)"
                if let path = operation.path { where_ += " \(path)" }
                throw SCIMError(status: error.status, scimType: error.scimType, detail: "\(where_)): \(error.detail)")
            }
            i += count
        }
        try state.finish()
        return state.resource
    }
}

/// The resource being patched and the bookkeeping the end-of-request checks need.
struct PatchState {
    var resource: JSONObject
    let schema: ResourceSchema
    /// Lowercased URNs of extensions an operation wrote to.
    var touchedExtensions: Set<String> = []
    var touchedSchemas = false

    init(resource: JSONObject, schema: ResourceSchema) {
        self.resource = resource
        self.schema = schema
    }

    mutating func apply(_ operation: PatchOperation) throws(SCIMError) {
        let value = operation.value ?? .null
        guard let pathText = operation.path else {
            switch operation.op {
            case .remove:
                throw .noTarget("A remove operation needs a \"path\" naming what to remove.")
            case .add, .replace:
                guard case .object(let o) = value else {
                    throw .invalidValue(
                        "Without a path the value must be an object of attributes, not \(value.typeName)."
                    )
                }
                try setAttributes(operation.op, o, scope: nil)
            }
            return
        }
        switch try PatchPath.parse(pathText).resolve(against: schema) {
        case .extensionSchema(let ext):
            switch operation.op {
            case .remove:
                try removeExtension(ext)
            case .add, .replace:
                if value.isNull {
                    if operation.op == .replace { try removeExtension(ext) }
                    return
                }
                guard case .object(let o) = value else {
                    throw .invalidValue("'\(ext.id)' takes an object of its attributes, not \(value.typeName).")
                }
                try setAttributes(operation.op, o, scope: ext)
            }
        case .attribute(let a):
            if a.subAttribute != nil {
                try applySubAttribute(operation.op, a, value)
            } else if operation.op == .remove {
                try unassign(a)
            } else {
                try setAttribute(operation.op, a, value, echoAllowed: false)
            }
        case .filtered(let a, let filter, let sub):
            if operation.op == .remove, sub == nil, let ids = PatchEngine.valueIDs(selectedBy: filter) {
                try removeValues(of: a, ids: ids)  // one hash-set pass, whatever the number of ids
            } else {
                try applyFiltered(operation.op, a, filter, sub, value)
            }
        }
    }

    // MARK: - Whole attributes

    /// Add/replace of a set of attributes: a pathless value (`scope == nil`) or an extension object.
    mutating func setAttributes(_ op: PatchOperation.Op, _ attributes: JSONObject, scope: Schema?) throws(SCIMError) {
        for (key, v) in attributes {
            if scope == nil {
                if let ext = schema.extensionSchema(id: key) {
                    if v.isNull {
                        if op == .replace { try removeExtension(ext) }
                        continue
                    }
                    guard case .object(let o) = v else {
                        throw .invalidValue("'\(ext.id)' takes an object of its attributes, not \(v.typeName).")
                    }
                    try setAttributes(op, o, scope: ext)
                    continue
                }
                if caseInsensitiveEquals(key, schema.core.id), case .object(let o) = v {
                    try setAttributes(op, o, scope: schema.core)
                    continue
                }
            }
            // An extension object may carry its own `schemas` list (scim2-tester, some SDKs send the
            // extension as a whole resource); the resource's `schemas` is kept in step separately.
            if scope != nil, caseInsensitiveEquals(key, "schemas") { continue }
            guard var path = AttributePath.parse(key) else {
                throw .invalidValue("'\(key)' is not an attribute name.")
            }
            guard path.subAttribute == nil else {
                throw .invalidValue(
                    "'\(key)' is a path, not an attribute name; send it as \"path\" or nest the value, e.g. {\"name\": {\"givenName\": …}}."
                )
            }
            if let scope {
                guard path.schemaURN == nil else {
                    throw .invalidValue("'\(key)' inside '\(scope.id)' must be a plain attribute name.")
                }
                path.schemaURN = scope.id
            }
            let resolved: ResolvedAttribute
            do throws(ResourceSchema.ResolutionError) {
                resolved = try schema.resolve(path)
            } catch {
                if let urn = path.schemaURN, !caseInsensitiveEquals(urn, schema.core.id),
                    schema.extensionSchema(id: urn) == nil
                {
                    throw .invalidValue(
                        "'\(key)' is neither an attribute nor an extension schema of resource type \(schema.resourceType.name)."
                    )
                }
                throw .invalidValue("'\(key)': \(error.message)")
            }
            try setAttribute(op, resolved, v, echoAllowed: true)
        }
    }

    /// Add/replace of one top-level attribute. `echoAllowed`: the attribute came inside a value,
    /// where clients echo server-managed attributes back.
    mutating func setAttribute(_ op: PatchOperation.Op, _ a: ResolvedAttribute, _ value: JSONValue, echoAllowed: Bool)
        throws(SCIMError)
    {
        let def = a.attribute
        let path = a.canonicalPath
        let current = present(a.topLevelValue(in: resource))
        if !a.isExtension, caseInsensitiveEquals(def.name, CommonAttributes.meta.name) {
            if echoAllowed { return }
            throw .mutability("'meta' is readOnly; the service provider maintains it.")
        }
        if def.mutability == .readOnly {
            if echoAllowed, current == present(value) { return }
            throw .mutability("'\(path)' is readOnly and cannot be modified.")
        }
        let isSchemas = !a.isExtension && caseInsensitiveEquals(def.name, CommonAttributes.schemas.name)
        if isSchemas {
            if echoAllowed, sameURNs(current, value) { return }
            touchedSchemas = true
        }
        guard present(value) != nil else {
            if op == .replace { try unassign(a) }
            return
        }
        if def.multiValued {
            let new = try PatchValueChecker.elements(value, def, at: path)
            var values: [JSONValue]
            var touched: [Int]
            switch op {
            case .add:
                (values, touched) = try MultiValuedMerge.add(new, to: current?.arrayValue ?? [], def, at: path)
            default:
                (values, touched) = try MultiValuedMerge.add(new, to: [], def, at: path)
            }
            if def.mutability == .immutable, let current, current != .array(values) {
                throw .mutability("'\(path)' is immutable and already has a value.")
            }
            if def.type == .complex { try MultiValuedMerge.enforceSinglePrimary(&values, setBy: touched, at: path) }
            if values.isEmpty {
                if op == .replace { try unassign(a) }
                return
            }
            setTop(a, .array(values))
        } else if def.type == .complex {
            let subs = try PatchValueChecker.complexObject(value, def, at: path)
            let merged = try MultiValuedMerge.merge(subs, into: current ?? .object(JSONObject()), def, at: path)
            if def.mutability == .immutable, let current, current != merged {
                throw .mutability("'\(path)' is immutable and already has a value.")
            }
            if merged.objectValue?.isEmpty ?? true {
                try unassign(a)
            } else {
                setTop(a, merged)
            }
        } else {
            let v = try PatchValueChecker.scalar(value, def, at: path)
            if def.mutability == .immutable, let current, current != v {
                throw .mutability("'\(path)' is immutable and already has a value.")
            }
            setTop(a, v)
        }
    }

    /// Removes a top-level attribute (RFC 7644 §3.5.2.2).
    mutating func unassign(_ a: ResolvedAttribute) throws(SCIMError) {
        let def = a.attribute
        if def.required { throw .mutability("'\(a.canonicalPath)' is required and cannot be removed.") }
        if def.mutability == .readOnly { throw .mutability("'\(a.canonicalPath)' is readOnly and cannot be removed.") }
        guard present(a.topLevelValue(in: resource)) != nil else { return }
        if def.mutability == .immutable {
            throw .mutability("'\(a.canonicalPath)' is immutable and already has a value, so it cannot be removed.")
        }
        setTop(a, nil)
    }

    mutating func removeExtension(_ ext: Schema) throws(SCIMError) {
        if schema.extensions.contains(where: { $0.required && caseInsensitiveEquals($0.schema.id, ext.id) }) {
            throw .mutability(
                "The extension '\(ext.id)' is required for \(schema.resourceType.name) and cannot be removed."
            )
        }
        for attr in ext.attributes where attr.required {
            if resource[ext.id]?[attr.name] != nil {
                throw .mutability("'\(ext.id):\(attr.name)' is required and cannot be removed.")
            }
        }
        resource[ext.id] = nil
        touchedExtensions.insert(FilterEvaluator.foldCase(ext.id))
    }

    // MARK: - Sub-attributes (`name.familyName`, `emails.display`)

    mutating func applySubAttribute(_ op: PatchOperation.Op, _ a: ResolvedAttribute, _ value: JSONValue)
        throws(SCIMError)
    {
        let parent = a.attribute
        let sub = a.definition
        let path = a.canonicalPath
        if parent.mutability == .readOnly || sub.mutability == .readOnly {
            throw .mutability("'\(path)' is readOnly and cannot be modified.")
        }
        if parent.multiValued {
            guard op == .remove else {
                throw .invalidPath(
                    "'\(parent.name)' is multi-valued; select the values to change with a filter, e.g. \(parent.name)[type eq \"work\"].\(sub.name)."
                )
            }
            // Remove the sub-attribute from every value.
            guard var values = present(a.topLevelValue(in: resource))?.arrayValue else { return }
            for i in values.indices {
                values[i] = try MultiValuedMerge.merge([sub.name: .null], into: values[i], parent, at: a.withoutSub)
            }
            values.removeAll { $0.objectValue?.isEmpty ?? false }
            if values.isEmpty { try unassign(a.parentOnly) } else { setTop(a, .array(values)) }
            return
        }
        let current = present(a.topLevelValue(in: resource)) ?? .object(JSONObject())
        let newSub: JSONValue
        if op == .remove || present(value) == nil {
            if op == .add { return }
            newSub = .null
        } else if sub.multiValued {
            let elements = try PatchValueChecker.elements(value, sub, at: path)
            if op == .add {
                newSub = .array(
                    try MultiValuedMerge.add(elements, to: current[sub.name]?.arrayValue ?? [], sub, at: path).values
                )
            } else {
                newSub = .array(elements)
            }
        } else {
            newSub = try PatchValueChecker.scalar(value, sub, at: path)
        }
        let merged = try MultiValuedMerge.merge([sub.name: newSub], into: current, parent, at: a.withoutSub)
        if merged.objectValue?.isEmpty ?? true { try unassign(a.parentOnly) } else { setTop(a, merged) }
    }

    // MARK: - Values selected by a filter (`emails[type eq "work"]`, `…].value`)

    mutating func applyFiltered(
        _ op: PatchOperation.Op,
        _ a: ResolvedAttribute,
        _ filter: ResolvedFilter,
        _ sub: AttributeDefinition?,
        _ value: JSONValue
    ) throws(SCIMError) {
        let def = a.attribute
        let path = a.canonicalPath
        if def.mutability == .readOnly || sub?.mutability == .readOnly {
            throw .mutability("'\(path)\(sub.map { "." + $0.name } ?? "")' is readOnly and cannot be modified.")
        }
        var values = present(a.topLevelValue(in: resource))?.arrayValue ?? []
        let matched = values.indices.filter { FilterEvaluator.matches(filter, element: values[$0]) }

        if op == .remove {
            guard !matched.isEmpty else { return }  // "not a member": nothing to do (§3.5.2.2)
            if let sub {
                if sub.required { throw .mutability("'\(path).\(sub.name)' is required and cannot be removed.") }
                for i in matched {
                    values[i] = try MultiValuedMerge.merge([sub.name: .null], into: values[i], def, at: path)
                }
                values.removeAll { $0.objectValue?.isEmpty ?? false }
            } else {
                if def.mutability == .immutable {
                    throw .mutability("'\(path)' is immutable; its values cannot be removed.")
                }
                let drop = Set(matched)
                values = values.indices.filter { !drop.contains($0) }.map { values[$0] }
            }
            if values.isEmpty { try unassign(a) } else { setTop(a, .array(values)) }
            return
        }

        // add / replace
        let subs: JSONObject
        if let sub {
            let v: JSONValue
            if present(value) == nil {
                if op == .add { return }
                v = .null
            } else if sub.multiValued {
                v = .array(try PatchValueChecker.elements(value, sub, at: path + "." + sub.name))
            } else {
                v = try PatchValueChecker.scalar(value, sub, at: path + "." + sub.name)
            }
            subs = [sub.name: v]
        } else {
            if case .array = value {
                throw .invalidValue(
                    "'\(path)' with a filter selects single values; the value must be one object, not an array."
                )
            }
            subs = try PatchValueChecker.complexObject(value, def, at: path)
        }
        var touched = matched
        if matched.isEmpty {
            guard op == .add, let seed = Self.equalities(filter) else {
                throw .noTarget("No value of '\(path)' matches the filter in the path.")
            }
            var element = seed
            for (k, v) in subs where !v.isNull { element[k] = v }
            values.append(.object(element))
            touched = [values.count - 1]
        } else {
            for i in matched { values[i] = try MultiValuedMerge.merge(subs, into: values[i], def, at: path) }
        }
        try MultiValuedMerge.enforceSinglePrimary(&values, setBy: touched, at: path)
        setTop(a, .array(values))
    }

    /// The sub-attribute values a filter of `eq` tests joined by `and` pins down, to build a new value from.
    static func equalities(_ filter: ResolvedFilter) -> JSONObject? {
        switch filter {
        case .compare(let attr, .eq, let v):
            guard let sub = attr.subAttribute, !v.isNull, sub.mutability != .readOnly else { return nil }
            return [sub.name: v]
        case .and(let l, let r):
            guard let x = equalities(l), let y = equalities(r) else { return nil }
            var o = x
            for (k, v) in y {
                if let old = o[k], old != v { return nil }
                o[k] = v
            }
            return o
        default:
            return nil
        }
    }

    // MARK: - End of request

    /// Keeps `schemas` in step with the extensions present, and checks it when an operation wrote it.
    mutating func finish() throws(SCIMError) {
        var urns = resource["schemas"]?.arrayValue ?? []
        let before = urns
        func listed(_ id: String) -> Int? {
            urns.firstIndex { $0.stringValue.map { caseInsensitiveEquals($0, id) } ?? false }
        }
        for (ext, _) in schema.extensions {
            let has = !(resource[ext.id]?.objectValue?.isEmpty ?? true)
            if resource[ext.id] != nil, !has { resource[ext.id] = nil }
            if has, listed(ext.id) == nil {
                urns.append(.string(ext.id))
            } else if !has, touchedExtensions.contains(FilterEvaluator.foldCase(ext.id)), let i = listed(ext.id) {
                urns.remove(at: i)
            }
        }
        if touchedSchemas {
            for u in urns {
                guard case .string(let s) = u,
                    caseInsensitiveEquals(s, schema.core.id) || schema.extensionSchema(id: s) != nil
                else {
                    throw .invalidValue(
                        "'schemas' may only list \(schema.core.id) and the extensions of \(schema.resourceType.name); got \(u)."
                    )
                }
            }
            guard listed(schema.core.id) != nil else {
                throw .invalidValue("'schemas' must keep \(schema.core.id).")
            }
        }
        if urns != before { resource["schemas"] = .array(urns) }
    }

    // MARK: - Helpers

    /// Writes (or with `nil` removes) a top-level attribute, inside its extension object if it has one.
    mutating func setTop(_ a: ResolvedAttribute, _ value: JSONValue?) {
        guard a.isExtension else {
            resource[a.attribute.name] = value
            return
        }
        touchedExtensions.insert(FilterEvaluator.foldCase(a.schema))
        var container = resource[a.schema]?.objectValue ?? JSONObject()
        container[a.attribute.name] = value
        if container.isEmpty {
            resource.removeValue(forKey: a.schema)
        } else {
            resource[a.schema] = .object(container)
        }
    }

    /// `nil` for an unassigned value: absent, null or an empty array (RFC 7643 §2.5).
    func present(_ v: JSONValue?) -> JSONValue? {
        switch v {
        case nil, .null?: return nil
        case .array(let a)? where a.isEmpty: return nil
        default: return v
        }
    }

    func sameURNs(_ a: JSONValue?, _ b: JSONValue) -> Bool {
        func set(_ v: JSONValue?) -> Set<String>? {
            guard let list = v?.arrayValue else { return nil }
            var s = Set<String>()
            for e in list {
                guard let str = e.stringValue else { return nil }
                s.insert(FilterEvaluator.foldCase(str))
            }
            return s
        }
        guard let x = set(a), let y = set(b) else { return false }
        return x == y
    }
}

extension ResolvedAttribute {
    /// The same attribute without its sub-attribute.
    var parentOnly: ResolvedAttribute {
        var r = self
        r.subAttribute = nil
        return r
    }

    /// The canonical path of the parent attribute.
    var withoutSub: String { parentOnly.canonicalPath }
}
