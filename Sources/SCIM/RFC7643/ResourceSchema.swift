/// One resource type with its core schema and extensions looked up: what attribute paths
/// resolve against (RFC 7643 §3, §6; RFC 7644 §3.10).
public struct ResourceSchema: Sendable {
    public let resourceType: ResourceType
    public let core: Schema
    public let extensions: [(schema: Schema, required: Bool)]

    public init(resourceType: ResourceType, core: Schema, extensions: [(schema: Schema, required: Bool)]) {
        self.resourceType = resourceType
        self.core = core
        self.extensions = extensions
    }

    /// The extension schema with this URN (case-insensitive).
    public func extensionSchema(id: String) -> Schema? {
        extensions.first { caseInsensitiveEquals($0.schema.id, id) }?.schema
    }

    /// Why a path does not resolve; callers wrap it in the `scimType` their context needs.
    public struct ResolutionError: Error, Sendable, Hashable {
        public var message: String
    }

    /// Resolves `path` to its definition.
    ///
    /// Without a URN, core and common attributes come first (RFC 7644 §3.10); an attribute that
    /// only one extension defines is accepted too, since IdPs often omit the URN.
    public func resolve(_ path: AttributePath) throws(ResolutionError) -> ResolvedAttribute {
        var found: (schema: String, isExtension: Bool, attribute: AttributeDefinition)?
        if let urn = path.schemaURN {
            if caseInsensitiveEquals(urn, core.id) {
                if let a = core.attribute(named: path.name) ?? CommonAttributes.named(path.name) {
                    found = (core.id, false, a)
                }
            } else if let ext = extensionSchema(id: urn) {
                if let a = ext.attribute(named: path.name) { found = (ext.id, true, a) }
            } else {
                throw ResolutionError(message: "Unknown schema '\(urn)' for resource type \(resourceType.name).")
            }
        } else if let a = core.attribute(named: path.name) ?? CommonAttributes.named(path.name) {
            found = (core.id, false, a)
        } else {
            let matches = extensions.compactMap { e in e.schema.attribute(named: path.name).map { (e.schema.id, $0) } }
            if matches.count == 1 { found = (matches[0].0, true, matches[0].1) }
        }
        guard let found else {
            throw ResolutionError(message: "Unknown attribute '\(path)' for resource type \(resourceType.name).")
        }
        var sub: AttributeDefinition? = nil
        if let subName = path.subAttribute {
            guard found.attribute.type == .complex else {
                throw ResolutionError(
                    message: "Attribute '\(found.attribute.name)' has no sub-attributes, so '\(path)' names nothing."
                )
            }
            guard let s = found.attribute.subAttribute(named: subName) else {
                throw ResolutionError(message: "Unknown sub-attribute '\(subName)' of '\(found.attribute.name)'.")
            }
            sub = s
        }
        return ResolvedAttribute(
            schema: found.schema,
            isExtension: found.isExtension,
            attribute: found.attribute,
            subAttribute: sub
        )
    }

    /// Resolves a sub-attribute name relative to a complex attribute (inside a value filter `attr[...]`).
    public func resolve(subAttribute name: String, of parent: ResolvedAttribute) throws(ResolutionError)
        -> ResolvedAttribute
    {
        guard parent.subAttribute == nil, parent.attribute.type == .complex else {
            throw ResolutionError(
                message: "'\(parent.canonicalPath)' is not a complex attribute, so it has no '\(name)'."
            )
        }
        guard let s = parent.attribute.subAttribute(named: name) else {
            throw ResolutionError(message: "Unknown sub-attribute '\(name)' of '\(parent.attribute.name)'.")
        }
        var r = parent
        r.subAttribute = s
        return r
    }
}

/// An attribute path resolved against a resource type: the definitions it names.
public struct ResolvedAttribute: Sendable, Hashable, CustomStringConvertible {
    /// URN of the schema defining the attribute (the core schema for common attributes).
    public var schema: String
    /// Whether it lives in an extension (its value sits under the extension URN key).
    public var isExtension: Bool
    /// The top-level attribute.
    public var attribute: AttributeDefinition
    /// The sub-attribute, if the path names one.
    public var subAttribute: AttributeDefinition?

    public init(schema: String, isExtension: Bool, attribute: AttributeDefinition, subAttribute: AttributeDefinition?) {
        self.schema = schema
        self.isExtension = isExtension
        self.attribute = attribute
        self.subAttribute = subAttribute
    }

    /// The innermost definition: the sub-attribute if named, else the attribute.
    public var definition: AttributeDefinition { subAttribute ?? attribute }

    /// The path in canonical spelling: `emails.value`, or URN-qualified for extensions.
    public var canonicalPath: String {
        var s = isExtension ? schema + ":" : ""
        s += attribute.name
        if let subAttribute { s += "." + subAttribute.name }
        return s
    }

    public var description: String { canonicalPath }

    /// The top-level value of this attribute in `resource` (under the extension key if needed).
    public func topLevelValue(in resource: JSONObject) -> JSONValue? {
        if isExtension {
            return resource[schema]?[attribute.name]
        }
        return resource[attribute.name]
    }
}
