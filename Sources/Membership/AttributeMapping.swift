package import SCIM

/// One target's attribute mappings of one resource type (`mapping.user` or `mapping.group` of its
/// configuration): canonical attribute paths whose value this target sees through a template instead (`userName: "{name.givenName | lower}
/// @example.com"`). The target's own derivations (Google's `primaryEmail` from `userName`, Graph's
/// `mailNickname` from the UPN) then work on that view, so match keys, bodies and drift checks agree.
/// Pure.
package struct AttributeMapping: Sendable, Hashable {
    /// One mapped attribute.
    package struct Rule: Sendable, Hashable {
        /// The attribute path the template sets (`userName`, `emails[type eq "work"].value`).
        package var path: String
        /// The canonical attribute it sets, without a value filter: `name.givenName`, `emails.value`.
        package var attribute: String
        package var template: AttributeTemplate
    }

    /// In the order of their paths, so that the view is the same whatever order the file had.
    package private(set) var rules: [Rule]
    /// `User` or `Group`: the schema paths resolve against.
    package let resourceType: String

    /// No mapping: the target sees the canonical resource.
    package static let none = AttributeMapping(checked: [], resourceType: "User")

    private init(checked rules: [Rule], resourceType: String) {
        self.rules = rules.sorted { $0.path < $1.path }
        self.resourceType = resourceType
    }

    package var isEmpty: Bool { rules.isEmpty }

    /// The mapping of `templates` (attribute path → template text) over users, every path and
    /// template checked; errors name the path they concern.
    package static func users(_ templates: [(path: String, template: String)]) throws(MappingError) -> AttributeMapping
    {
        try mapping(templates, over: "User")
    }

    /// The mapping of `templates` over groups. Only `displayName` is mapped: it is the one group
    /// attribute every kind sends (and derives its own names from).
    package static func groups(_ templates: [(path: String, template: String)]) throws(MappingError)
        -> AttributeMapping
    {
        for (path, _) in templates where path != "displayName" {
            throw MappingError(
                path: path,
                problem: "only displayName can be mapped for groups: it is the group attribute every kind sends"
            )
        }
        return try mapping(templates, over: "Group")
    }

    static func mapping(_ templates: [(path: String, template: String)], over resourceType: String)
        throws(MappingError) -> AttributeMapping
    {
        guard let schema = SchemaRegistry.standard.resourceSchema(for: resourceType) else {
            throw MappingError(path: "", problem: "the \(resourceType) schema is not available")
        }
        var rules: [Rule] = []
        for (path, text) in templates {
            let attribute: String
            do throws(TemplateError) {
                attribute = try checkTarget(path, in: schema)
            } catch {
                throw MappingError(path: path, problem: error.message)
            }
            do throws(TemplateError) {
                rules.append(
                    Rule(path: path, attribute: attribute, template: try AttributeTemplate(text, over: schema))
                )
            } catch {
                throw MappingError(
                    path: path,
                    problem: "template \(JSONValue.string(text).serialized()): \(error.message)"
                )
            }
        }
        return AttributeMapping(checked: rules, resourceType: resourceType)
    }

    /// The resource as this target sees it: each rule's template rendered from the canonical resource
    /// (never from another rule's result) and written at its path; a template that renders nothing
    /// leaves its attribute as it was.
    package func view(of resource: JSONObject) -> JSONObject {
        guard !rules.isEmpty, let schema = SchemaRegistry.standard.resourceSchema(for: resourceType) else {
            return resource
        }
        var out = resource
        for rule in rules {
            guard let value = rule.template.render(resource) else { continue }
            let request = PatchRequest(operations: [PatchOperation(op: .add, path: rule.path, value: .string(value))])
            // The path was checked at start-up; a value the schema still refuses leaves the attribute alone.
            if let patched = try? PatchEngine.apply(request, to: out, schema: schema) { out = patched }
        }
        return out
    }

    /// A target path must name one writable text value: `userName`, `name.givenName`,
    /// `emails[type eq "work"].value`, an extension's `urn:…:User:department`.
    /// Returns the canonical attribute it names.
    static func checkTarget(_ path: String, in schema: ResourceSchema) throws(TemplateError) -> String {
        let resolved: ResolvedPatchPath
        do throws(SCIMError) {
            resolved = try PatchPath.parse(path).resolve(against: schema)
        } catch {
            throw TemplateError(error.detail)
        }
        let definition: AttributeDefinition
        let attribute: String
        switch resolved {
        case .extensionSchema:
            throw TemplateError("names a whole schema; map one of its attributes")
        case .attribute(let a):
            if a.attribute.multiValued {
                throw TemplateError(
                    "'\(a.attribute.name)' has several values; say which, such as \(a.attribute.name)[primary eq true].value or \(a.attribute.name)[type eq \"work\"].value"
                )
            }
            definition = a.subAttribute ?? a.attribute
            attribute = a.canonicalPath
        case .filtered(let a, _, let sub):
            guard let sub else {
                throw TemplateError("selects whole values; name a sub-attribute, such as \(path).value")
            }
            definition = sub
            attribute = "\(a.canonicalPath).\(sub.name)"
        }
        switch definition.type {
        case .string, .reference, .dateTime, .binary:
            break
        case .complex:
            let example = definition.subAttributes.first.map { "\(path).\($0.name)" } ?? "a sub-attribute"
            throw TemplateError("is complex; map one of its sub-attributes, such as \(example)")
        case .boolean, .integer, .decimal:
            throw TemplateError("is \(definition.type.rawValue), and a template makes text")
        }
        if definition.mutability == .readOnly {
            throw TemplateError("is read-only: the bridge assigns it")
        }
        return attribute
    }
}

/// A mapping that cannot be used: the attribute path it concerns and why.
package struct MappingError: Error, Sendable, Hashable, CustomStringConvertible {
    package var path: String
    package var problem: String
    package var description: String { "\(path): \(problem)" }
}
