/// A PATCH `path`, RFC 7644 §3.5.2 Figure 7: `PATH = attrPath / valuePath [subAttr]`.
///
/// Parsing is purely syntactic (`members`, `name.familyName`, `emails[type eq "work"].value`,
/// `urn:…:enterprise:2.0:User:manager.value`, or a bare extension URN); `resolve(against:)` gives it
/// meaning. Every failure is `invalidPath` (400), including a malformed value filter inside the
/// brackets: RFC 7644 Table 9 would allow `invalidFilter` there, but the client's mistake is in
/// the path, and `invalidPath` says so.
public struct PatchPath: Sendable, Hashable, CustomStringConvertible {
    /// The attribute before any `[`: `emails`, `name.familyName`, a URN-qualified name or a bare URN.
    public var attribute: AttributePath
    /// The value filter between `[` and `]`, if any.
    public var valueFilter: FilterExpression?
    /// The sub-attribute after `].`, if any.
    public var filteredSubAttribute: String?
    /// The path as written.
    public var text: String

    public var description: String { text }

    /// Parses `text`.
    public static func parse(_ text: String) throws(SCIMError) -> PatchPath {
        guard !text.isEmpty else {
            throw .invalidPath("The path is empty; omit \"path\" to target the whole resource.")
        }
        let bytes = Array(text.utf8)
        guard let open = bytes.firstIndex(of: UInt8(ascii: "[")) else {
            guard let attribute = AttributePath.parse(text) else {
                throw .invalidPath(
                    "'\(text)' is not a valid attribute path (expected e.g. name.familyName or emails[type eq \"work\"].value)."
                )
            }
            return PatchPath(attribute: attribute, valueFilter: nil, filteredSubAttribute: nil, text: text)
        }
        let attrText = String(decoding: bytes[..<open], as: UTF8.self)
        guard let attribute = AttributePath.parse(attrText) else {
            throw .invalidPath("'\(attrText)' in path '\(text)' is not a valid attribute path.")
        }
        // Find the closing bracket, skipping string literals (a value may contain ']').
        var i = open + 1
        var inString = false
        var close: Int?
        while i < bytes.count {
            let c = bytes[i]
            if inString {
                if c == UInt8(ascii: "\\") {
                    i += 2
                    continue
                }
                if c == UInt8(ascii: "\"") { inString = false }
            } else if c == UInt8(ascii: "\"") {
                inString = true
            } else if c == UInt8(ascii: "]") {
                close = i
                break
            } else if c == UInt8(ascii: "[") {
                throw .invalidPath("Value filters cannot be nested in path '\(text)'.")
            }
            i += 1
        }
        guard let close else { throw .invalidPath("Path '\(text)' has a '[' without a matching ']'.") }
        let filterText = String(decoding: bytes[(open + 1)..<close], as: UTF8.self)
        let filter: FilterExpression
        do throws(SCIMError) {
            filter = try FilterParser.parseValueFilter(filterText)
        } catch {
            throw .invalidPath("Invalid value filter in path '\(text)': \(error.detail)")
        }
        var sub: String?
        let rest = bytes[(close + 1)...]
        if !rest.isEmpty {
            let name = String(decoding: rest.dropFirst(), as: UTF8.self)
            guard rest.first == UInt8(ascii: "."), SchemaLoader.isValidAttributeName(name) else {
                throw .invalidPath(
                    "Path '\(text)' continues after ']' with '\(String(decoding: rest, as: UTF8.self))'; only '.subAttribute' may follow."
                )
            }
            sub = name
        }
        return PatchPath(attribute: attribute, valueFilter: filter, filteredSubAttribute: sub, text: text)
    }

    /// Resolves the path against a resource type; unknown attributes and misplaced filters are `invalidPath`.
    public func resolve(against schema: ResourceSchema) throws(SCIMError) -> ResolvedPatchPath {
        if valueFilter == nil, attribute.subAttribute == nil {
            let whole = attribute.description
            if let ext = schema.extensionSchema(id: whole) { return .extensionSchema(ext) }
            if caseInsensitiveEquals(whole, schema.core.id) {
                throw .invalidPath(
                    "Path '\(text)' names the core schema, not an attribute; omit \"path\" to target the whole resource."
                )
            }
        }
        let resolved: ResolvedAttribute
        do throws(ResourceSchema.ResolutionError) {
            resolved = try schema.resolve(attribute)
        } catch {
            throw .invalidPath("Path '\(text)': \(error.message)")
        }
        guard let valueFilter else { return .attribute(resolved) }
        guard resolved.subAttribute == nil, resolved.attribute.type == .complex, resolved.attribute.multiValued else {
            throw .invalidPath(
                "Path '\(text)': a value filter selects values of a multi-valued complex attribute, which '\(resolved.canonicalPath)' is not."
            )
        }
        let filter: ResolvedFilter
        do throws(SCIMError) {
            filter = try FilterResolver.resolve(valueFilter: valueFilter, of: resolved, against: schema)
        } catch {
            throw .invalidPath("Invalid value filter in path '\(text)': \(error.detail)")
        }
        var sub: AttributeDefinition?
        if let name = filteredSubAttribute {
            guard let s = resolved.attribute.subAttribute(named: name) else {
                throw .invalidPath("Path '\(text)': '\(resolved.attribute.name)' has no sub-attribute '\(name)'.")
            }
            sub = s
        }
        return .filtered(resolved, filter, subAttribute: sub)
    }
}

/// A PATCH path resolved against a resource type (RFC 7644 §3.5.2): what an operation targets.
public enum ResolvedPatchPath: Sendable, Hashable {
    /// A whole extension object, e.g. `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User`.
    case extensionSchema(Schema)
    /// An attribute or a sub-attribute of a single-valued complex one (`name.familyName`).
    case attribute(ResolvedAttribute)
    /// The values of a multi-valued complex attribute that match a filter, optionally one sub-attribute of each.
    case filtered(ResolvedAttribute, ResolvedFilter, subAttribute: AttributeDefinition?)
}
