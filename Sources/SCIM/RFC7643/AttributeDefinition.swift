/// An attribute's data type, RFC 7643 §2.3.
public enum AttributeType: String, Sendable, Hashable, CaseIterable {
    case string, boolean, decimal, integer, dateTime, binary, reference, complex
}

/// Whether and how an attribute may be written, RFC 7643 §7 `mutability`.
public enum Mutability: String, Sendable, Hashable, CaseIterable {
    case readOnly, readWrite, immutable, writeOnly
}

/// When an attribute is returned, RFC 7643 §7 `returned`.
public enum Returned: String, Sendable, Hashable, CaseIterable {
    case always, never, `default`, request
}

/// How unique an attribute's value is, RFC 7643 §7 `uniqueness`.
public enum Uniqueness: String, Sendable, Hashable, CaseIterable {
    case none, server, global
}

/// One attribute definition with every characteristic of RFC 7643 §2.2 and §7.
public struct AttributeDefinition: Sendable, Hashable {
    public var name: String
    public var type: AttributeType
    public var multiValued: Bool
    public var description: String
    public var required: Bool
    public var caseExact: Bool
    public var mutability: Mutability
    public var returned: Returned
    public var uniqueness: Uniqueness
    public var canonicalValues: [String]
    public var referenceTypes: [String]
    public var subAttributes: [AttributeDefinition]

    /// A definition; defaults are those of RFC 7643 §2.2.
    public init(
        name: String,
        type: AttributeType = .string,
        multiValued: Bool = false,
        description: String = "",
        required: Bool = false,
        caseExact: Bool = false,
        mutability: Mutability = .readWrite,
        returned: Returned = .default,
        uniqueness: Uniqueness = .none,
        canonicalValues: [String] = [],
        referenceTypes: [String] = [],
        subAttributes: [AttributeDefinition] = []
    ) {
        self.name = name
        self.type = type
        self.multiValued = multiValued
        self.description = description
        self.required = required
        self.caseExact = caseExact
        self.mutability = mutability
        self.returned = returned
        self.uniqueness = uniqueness
        self.canonicalValues = canonicalValues
        self.referenceTypes = referenceTypes
        self.subAttributes = subAttributes
    }

    /// The sub-attribute named `name`, compared case-insensitively (RFC 7643 §2.1).
    public func subAttribute(named name: String) -> AttributeDefinition? {
        subAttributes.first { caseInsensitiveEquals($0.name, name) }
    }
}
