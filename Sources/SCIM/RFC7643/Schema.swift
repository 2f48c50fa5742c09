/// A schema definition, RFC 7643 §7: an id (URN), a name and its attributes.
public struct Schema: Sendable, Hashable {
    public var id: String
    public var name: String
    public var description: String
    public var attributes: [AttributeDefinition]

    public init(id: String, name: String, description: String = "", attributes: [AttributeDefinition]) {
        self.id = id
        self.name = name
        self.description = description
        self.attributes = attributes
    }

    /// The top-level attribute named `name`, compared case-insensitively.
    public func attribute(named name: String) -> AttributeDefinition? {
        attributes.first { caseInsensitiveEquals($0.name, name) }
    }
}

/// A resource type, RFC 7643 §6: its endpoint, core schema and schema extensions.
public struct ResourceType: Sendable, Hashable {
    /// A schema extension of a resource type and whether it is required.
    public struct Extension: Sendable, Hashable {
        public var schema: String
        public var required: Bool
        public init(schema: String, required: Bool) {
            self.schema = schema
            self.required = required
        }
    }

    public var id: String
    public var name: String
    public var endpoint: String
    public var description: String
    public var schema: String
    public var schemaExtensions: [Extension]

    public init(
        id: String,
        name: String,
        endpoint: String,
        description: String = "",
        schema: String,
        schemaExtensions: [Extension] = []
    ) {
        self.id = id
        self.name = name
        self.endpoint = endpoint
        self.description = description
        self.schema = schema
        self.schemaExtensions = schemaExtensions
    }
}
