/// The schemas and resource types a service provider serves, RFC 7643 §6–§7.
///
/// `standard` holds the core `User` and `Group` schemas and the enterprise `User`
/// extension (RFC 7643 §4, §8.7.1). Operators may add extension schemas loaded from JSON.
public struct SchemaRegistry: Sendable {
    /// URN of the core User schema.
    public static let userSchema = "urn:ietf:params:scim:schemas:core:2.0:User"
    /// URN of the core Group schema.
    public static let groupSchema = "urn:ietf:params:scim:schemas:core:2.0:Group"
    /// URN of the enterprise User extension.
    public static let enterpriseUserSchema = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"

    /// Every schema, core and extension.
    public private(set) var schemas: [Schema]
    /// Every resource type.
    public private(set) var resourceTypes: [ResourceType]

    public init(schemas: [Schema], resourceTypes: [ResourceType]) {
        self.schemas = schemas
        self.resourceTypes = resourceTypes
    }

    /// Core User and Group with the enterprise extension on User (optional, as in RFC 7643 §8.6).
    public static let standard: SchemaRegistry = {
        do {
            let user = try SchemaLoader.load(json: StandardSchemaDocuments.user)
            let group = try SchemaLoader.load(json: StandardSchemaDocuments.group)
            let enterprise = try SchemaLoader.load(json: StandardSchemaDocuments.enterpriseUser)
            return SchemaRegistry(
                schemas: [user, group, enterprise],
                resourceTypes: [
                    ResourceType(
                        id: "User",
                        name: "User",
                        endpoint: "/Users",
                        description: "User Account",
                        schema: userSchema,
                        schemaExtensions: [.init(schema: enterpriseUserSchema, required: false)]
                    ),
                    ResourceType(
                        id: "Group",
                        name: "Group",
                        endpoint: "/Groups",
                        description: "Group",
                        schema: groupSchema
                    ),
                ]
            )
        } catch {
            // The documents are compiled in and covered by tests; failing here is a build defect.
            fatalError("standard schema documents are invalid: \(error)")
        }
    }()

    /// The schema with this URN (case-insensitive).
    public func schema(id: String) -> Schema? {
        schemas.first { caseInsensitiveEquals($0.id, id) }
    }

    /// The resource type with this name or id (case-insensitive).
    public func resourceType(named name: String) -> ResourceType? {
        resourceTypes.first { caseInsensitiveEquals($0.name, name) || caseInsensitiveEquals($0.id, name) }
    }

    /// The resource type served at `endpoint` (e.g. `/Users`), case-insensitive.
    public func resourceType(endpoint: String) -> ResourceType? {
        resourceTypes.first { caseInsensitiveEquals($0.endpoint, endpoint) }
    }

    /// The resolved view of one resource type, for filters, PATCH, validation and projection.
    public func resourceSchema(for resourceTypeName: String) -> ResourceSchema? {
        guard let rt = resourceType(named: resourceTypeName), let core = schema(id: rt.schema) else { return nil }
        let exts = rt.schemaExtensions.compactMap { e in schema(id: e.schema).map { (schema: $0, required: e.required) }
        }
        return ResourceSchema(resourceType: rt, core: core, extensions: exts)
    }

    /// Adds an extension schema (e.g. loaded with `SchemaLoader`) to a resource type.
    public mutating func addExtension(_ schema: Schema, to resourceTypeName: String, required: Bool = false)
        throws(SCIMError)
    {
        guard let i = resourceTypes.firstIndex(where: { caseInsensitiveEquals($0.name, resourceTypeName) }) else {
            throw .invalidValue("Unknown resource type '\(resourceTypeName)' for extension schema '\(schema.id)'.")
        }
        guard self.schema(id: schema.id) == nil else {
            throw .invalidValue("Schema '\(schema.id)' is already registered.")
        }
        schemas.append(schema)
        resourceTypes[i].schemaExtensions.append(.init(schema: schema.id, required: required))
    }
}
