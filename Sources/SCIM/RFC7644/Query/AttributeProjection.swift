/// Which attributes a returned resource carries, RFC 7644 §3.4.2.5 and §3.9 with RFC 7643 §7 `returned`.
///
/// - `returned: always` attributes (`id`, `schemas`) are always present; `never` (`password`) never.
/// - Without parameters the default set is returned; `request` attributes only when named in `attributes`.
/// - `attributes` replaces the default set by the named attributes or sub-attributes (plus `always`).
/// - `excludedAttributes` removes the named attributes or sub-attributes from the default set.
/// - A whole schema URN names every attribute of that schema (`attributes=urn:...:enterprise:2.0:User`).
///
/// `schemas` is returned as stored, even when a projection leaves out an extension's attributes.
public struct AttributeProjection: Sendable {
    /// How the projection was requested.
    public enum Mode: Sendable, Hashable {
        /// Neither parameter: the default attribute set.
        case defaults
        /// `attributes`: exactly the named attributes, plus those returned always.
        case include
        /// `excludedAttributes`: the default set minus the named attributes.
        case exclude
    }

    /// What is named of one attribute.
    enum Selection: Sendable, Hashable {
        case whole
        case subAttributes(Set<String>)  // lowercased names
    }

    /// What is named of one schema (the core schema also owns the common attributes).
    struct SchemaSelection: Sendable {
        var whole = false
        var attributes: [String: Selection] = [:]  // keyed by lowercased attribute name
    }

    /// How the sub-attributes of one kept complex attribute are filtered.
    enum SubFilter: Sendable {
        /// `always` and `default` sub-attributes; `request` ones too when the attribute was named whole.
        case defaults(requested: Bool)
        /// `always` sub-attributes and the named ones.
        case only(Set<String>)
        /// `always` and `default` sub-attributes except the named ones.
        case except(Set<String>)
    }

    /// The mode requested.
    public let mode: Mode
    /// The resource type projected.
    public let schema: ResourceSchema
    private var selections: [String: SchemaSelection]  // keyed by lowercased schema URN
    /// Per-attribute decisions, computed once so that `apply` does no name matching per resource.
    private var coreTable = DecisionTable()
    private var extensionTables: [(schema: Schema, table: DecisionTable)] = []

    /// The default projection: every attribute returned by default.
    public init(schema: ResourceSchema) {
        self.mode = .defaults
        self.schema = schema
        self.selections = [:]
        buildTables()
    }

    /// A projection from the `attributes` / `excludedAttributes` query parameters (comma-separated;
    /// absent or empty means not given).
    public init(attributes: String?, excludedAttributes: String?, schema: ResourceSchema) throws(SCIMError) {
        try self.init(
            attributes: Self.split(attributes),
            excludedAttributes: Self.split(excludedAttributes),
            schema: schema
        )
    }

    /// A projection from lists of attribute names (as a SearchRequest carries them); empty means not given.
    ///
    /// Both lists non-empty is refused (400 `invalidValue`): RFC 7644 §3.9 calls them mutually exclusive.
    /// An unknown or malformed name is refused too (400 `invalidValue`), so that a typo does not
    /// silently return a different representation than the client asked for.
    public init(attributes: [String], excludedAttributes: [String], schema: ResourceSchema) throws(SCIMError) {
        let attributes = attributes.map(Self.trimmed).filter { !$0.isEmpty }
        let excluded = excludedAttributes.map(Self.trimmed).filter { !$0.isEmpty }
        if !attributes.isEmpty && !excluded.isEmpty {
            throw .invalidValue(
                "'attributes' and 'excludedAttributes' are mutually exclusive (RFC 7644 §3.9); send only one of them."
            )
        }
        self.schema = schema
        self.selections = [:]
        if !attributes.isEmpty {
            mode = .include
            for name in attributes { try add(name, parameter: "attributes") }
        } else if !excluded.isEmpty {
            mode = .exclude
            for name in excluded { try add(name, parameter: "excludedAttributes") }
        } else {
            mode = .defaults
        }
        buildTables()
    }

    // MARK: - Building

    static func split(_ text: String?) -> [String] {
        guard let text else { return [] }
        return text.split(separator: ",", omittingEmptySubsequences: true).map(String.init)
    }

    static func trimmed(_ s: String) -> String {
        var sub = Substring(s)
        while let f = sub.first, f == " " || f == "\t" { sub.removeFirst() }
        while let l = sub.last, l == " " || l == "\t" { sub.removeLast() }
        return String(sub)
    }

    /// What a name in a list denotes: a whole schema or an attribute (with a sub-attribute).
    enum Target {
        case schema(String)
        case attribute(owner: String, ResolvedAttribute)
    }

    static func target(of name: String, in schema: ResourceSchema, parameter: String) throws(SCIMError) -> Target {
        if caseInsensitiveEquals(name, schema.core.id) { return .schema(schema.core.id) }
        if let ext = schema.extensionSchema(id: name) { return .schema(ext.id) }
        guard let path = AttributePath.parse(name) else {
            throw .invalidValue("'\(name)' in '\(parameter)' is not an attribute name in standard attribute notation.")
        }
        do {
            let resolved = try schema.resolve(path)
            return .attribute(owner: resolved.isExtension ? resolved.schema : schema.core.id, resolved)
        } catch {
            throw .invalidValue("'\(name)' in '\(parameter)' names no attribute: \(error.message)")
        }
    }

    private mutating func add(_ name: String, parameter: String) throws(SCIMError) {
        switch try Self.target(of: name, in: schema, parameter: parameter) {
        case .schema(let urn):
            selections[urn.lowercased(), default: SchemaSelection()].whole = true
        case .attribute(let owner, let resolved):
            let key = resolved.attribute.name.lowercased()
            var s = selections[owner.lowercased(), default: SchemaSelection()]
            switch (s.attributes[key], resolved.subAttribute) {
            case (.whole?, _): break
            case (_, nil): s.attributes[key] = .whole
            case (.subAttributes(var subs)?, let sub?):
                subs.insert(sub.name.lowercased())
                s.attributes[key] = .subAttributes(subs)
            case (nil, let sub?): s.attributes[key] = .subAttributes([sub.name.lowercased()])
            }
            selections[owner.lowercased()] = s
        }
    }

    // MARK: - Deciding

    /// How an attribute of `owner` is filtered, or `nil` when it is left out.
    func subFilter(owner: String, attributeName: String, returned: Returned) -> SubFilter? {
        if returned == .never { return nil }
        if returned == .always {
            // Stays whole even when only some of its sub-attributes are named.
            return .defaults(requested: mode == .include && isNamedWhole(owner, attributeName))
        }
        switch mode {
        case .defaults:
            return returned == .default ? .defaults(requested: false) : nil
        case .include:
            if isNamedWhole(owner, attributeName) { return .defaults(requested: true) }
            if case .subAttributes(let s)? = selection(owner, attributeName) { return .only(s) }
            return nil
        case .exclude:
            guard returned == .default else { return nil }
            if selections[owner.lowercased()]?.whole == true { return nil }
            switch selection(owner, attributeName) {
            case .whole?: return nil
            case .subAttributes(let s)?: return .except(s)
            case nil: return .defaults(requested: false)
            }
        }
    }

    private func selection(_ owner: String, _ attributeName: String) -> Selection? {
        selections[owner.lowercased()]?.attributes[attributeName.lowercased()]
    }

    private func isNamedWhole(_ owner: String, _ attributeName: String) -> Bool {
        guard let s = selections[owner.lowercased()] else { return false }
        if s.whole { return true }
        if case .whole? = s.attributes[attributeName.lowercased()] { return true }
        return false
    }

    /// Whether the projection returns any part of the attribute `name` (an attribute path or a schema URN),
    /// so that a store can skip reading it (e.g. Group `members` under `excludedAttributes=members`).
    /// An unknown name is not needed.
    public func needsAttribute(_ name: String) -> Bool {
        // A core attribute named as defined (`members`, `groups`: asked on every read) is in the table.
        if let d = coreTable.exact[name] { return d.filter != nil }
        guard let target = try? Self.target(of: name, in: schema, parameter: "") else { return false }
        switch target {
        case .schema(let urn):
            let attributes =
                caseInsensitiveEquals(urn, schema.core.id)
                ? schema.core.attributes + CommonAttributes.all : schema.extensionSchema(id: urn)?.attributes ?? []
            return attributes.contains { subFilter(owner: urn, attributeName: $0.name, returned: $0.returned) != nil }
        case .attribute(let owner, let resolved):
            guard
                let filter = subFilter(
                    owner: owner,
                    attributeName: resolved.attribute.name,
                    returned: resolved.attribute.returned
                )
            else { return false }
            guard let sub = resolved.subAttribute else { return true }
            return Self.keeps(sub, named: sub.name, filter)
        }
    }

    // MARK: - Applying

    /// What `apply` does with one attribute: its definition, its sub-attribute filter (`nil`: left out)
    /// and whether its value can be copied unchanged.
    struct Decision: Sendable {
        var definition: AttributeDefinition
        var filter: SubFilter?
        var copiesValue: Bool
    }

    /// Decisions by the attribute's canonical spelling, and by its lowercased name for other spellings.
    struct DecisionTable: Sendable {
        var exact: [String: Decision] = [:]
        var folded: [String: Decision] = [:]

        func lookup(_ key: String) -> Decision? {
            exact[key] ?? folded[FilterEvaluator.foldCase(key)]
        }
    }

    private func table(owner: String, attributes: [AttributeDefinition]) -> DecisionTable {
        var t = DecisionTable()
        for a in attributes {
            let filter = subFilter(owner: owner, attributeName: a.name, returned: a.returned)
            var copies = a.type != .complex
            if !copies, case .defaults(let requested)? = filter {
                copies = a.subAttributes.allSatisfy {
                    $0.returned == .default || $0.returned == .always || (requested && $0.returned == .request)
                }
            }
            let d = Decision(definition: a, filter: filter, copiesValue: copies)
            t.exact[a.name] = d
            t.folded[FilterEvaluator.foldCase(a.name)] = d
        }
        return t
    }

    private mutating func buildTables() {
        coreTable = table(owner: schema.core.id, attributes: CommonAttributes.all + schema.core.attributes)
        extensionTables = schema.extensions.map { e in
            (schema: e.schema, table: table(owner: e.schema.id, attributes: e.schema.attributes))
        }
    }

    /// The representation of `resource` this projection returns.
    public func apply(to resource: JSONObject) -> JSONObject {
        var out: [(key: String, value: JSONValue)] = []
        out.reserveCapacity(resource.count)
        for (key, value) in resource {
            if let d = coreTable.lookup(key) {
                if let v = Self.apply(d, to: value) { out.append((key, v)) }
            } else if let ext = extensionTables.first(where: { caseInsensitiveEquals($0.schema.id, key) }) {
                guard case .object(let object) = value else { continue }
                let projected = project(object, owner: ext.schema.id, table: ext.table)
                if !projected.isEmpty { out.append((key, .object(projected))) }
            } else if let v = undefined(key, value, owner: schema.core.id) {
                out.append((key, v))
            }
        }
        return JSONObject(uniqueMembers: out)
    }

    private func project(_ object: JSONObject, owner: String, table: DecisionTable) -> JSONObject {
        var out: [(key: String, value: JSONValue)] = []
        out.reserveCapacity(object.count)
        for (key, value) in object {
            if let d = table.lookup(key) {
                if let v = Self.apply(d, to: value) { out.append((key, v)) }
            } else if let v = undefined(key, value, owner: owner) {
                out.append((key, v))
            }
        }
        return JSONObject(uniqueMembers: out)
    }

    private static func apply(_ d: Decision, to value: JSONValue) -> JSONValue? {
        guard let filter = d.filter else { return nil }
        if d.copiesValue { return value }
        return filterValue(value, definition: d.definition, filter)
    }

    /// Members the schema does not define are treated as returned by default.
    private func undefined(_ key: String, _ value: JSONValue, owner: String) -> JSONValue? {
        subFilter(owner: owner, attributeName: key, returned: .default) == nil ? nil : value
    }

    static func keeps(_ sub: AttributeDefinition?, named name: String, _ filter: SubFilter) -> Bool {
        let returned = sub?.returned ?? .default
        switch returned {
        case .never: return false
        case .always: return true
        case .default, .request:
            switch filter {
            case .defaults(let requested): return returned == .default || requested
            case .only(let names): return names.contains(name.lowercased())
            case .except(let names): return returned == .default && !names.contains(name.lowercased())
            }
        }
    }

    /// The value with its sub-attributes filtered; `nil` when filtering leaves nothing.
    static func filterValue(_ value: JSONValue, definition: AttributeDefinition?, _ filter: SubFilter) -> JSONValue? {
        guard let definition, definition.type == .complex else { return value }
        // Fast path: nothing below this attribute can be dropped.
        if case .defaults(let requested) = filter,
            definition.subAttributes.allSatisfy({
                $0.returned == .default || $0.returned == .always || (requested && $0.returned == .request)
            })
        {
            return value
        }
        func element(_ v: JSONValue) -> JSONValue? {
            guard case .object(let o) = v else { return v }
            var kept: [(key: String, value: JSONValue)] = []
            for (k, x) in o where keeps(definition.subAttribute(named: k), named: k, filter) { kept.append((k, x)) }
            if kept.isEmpty && !o.isEmpty { return nil }
            return .object(JSONObject(uniqueMembers: kept))
        }
        switch value {
        case .array(let elements):
            let kept = elements.compactMap(element)
            if kept.isEmpty && !elements.isEmpty { return nil }
            return .array(kept)
        default:
            return element(value)
        }
    }
}
