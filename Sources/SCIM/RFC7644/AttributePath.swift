/// An attribute path as written in filters, PATCH paths and `attributes` lists, RFC 7644 §3.10:
/// `[URI ":"] ATTRNAME ["." subAttr]`. Purely syntactic; `ResourceSchema.resolve` gives it meaning.
public struct AttributePath: Sendable, Hashable, CustomStringConvertible {
    /// The schema URN prefix, if the path was fully qualified.
    public var schemaURN: String?
    /// The attribute name, as written.
    public var name: String
    /// The sub-attribute name, as written.
    public var subAttribute: String?

    public init(schemaURN: String? = nil, name: String, subAttribute: String? = nil) {
        self.schemaURN = schemaURN
        self.name = name
        self.subAttribute = subAttribute
    }

    public var description: String {
        var s = schemaURN.map { $0 + ":" } ?? ""
        s += name
        if let subAttribute { s += "." + subAttribute }
        return s
    }

    /// Parses `text`; `nil` when it is not an attribute path.
    ///
    /// A URN prefix runs to the last `:` (attribute names cannot contain one), so
    /// `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value` splits into
    /// the enterprise URN, `manager` and `value`.
    public static func parse(_ text: some StringProtocol) -> AttributePath? {
        var rest = Substring(text)
        var urn: String? = nil
        if rest.utf8.count > 4, caseInsensitiveEquals(String(rest.prefix(4)), "urn:") {
            guard let colon = rest.lastIndex(of: ":") else { return nil }
            urn = String(rest[..<colon])
            rest = rest[rest.index(after: colon)...]
            guard !urn!.isEmpty, urn!.utf8.count > 4 else { return nil }
        }
        let parts = rest.split(separator: ".", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count <= 2 else { return nil }
        let name = String(parts[0])
        guard SchemaLoader.isValidAttributeName(name) else { return nil }
        var sub: String? = nil
        if parts.count == 2 {
            let s = String(parts[1])
            guard SchemaLoader.isValidAttributeName(s) else { return nil }
            sub = s
        }
        return AttributePath(schemaURN: urn, name: name, subAttribute: sub)
    }
}
