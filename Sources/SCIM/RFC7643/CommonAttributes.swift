/// The common attributes every resource carries, RFC 7643 §3 and §3.1:
/// `schemas`, `id`, `externalId` and `meta`. They belong to no schema's attribute list.
public enum CommonAttributes {
    /// `schemas`: the URNs of the schemas the resource uses (RFC 7643 §3).
    public static let schemas = AttributeDefinition(
        name: "schemas",
        type: .reference,
        multiValued: true,
        description: "The schema URNs that define the attributes present in the resource.",
        required: true,
        caseExact: true,
        mutability: .readWrite,
        returned: .always,
        referenceTypes: ["uri"]
    )

    /// `id`: assigned by the service provider, unique, never changes (RFC 7643 §3.1).
    public static let id = AttributeDefinition(
        name: "id",
        type: .string,
        description: "Unique identifier for the resource, assigned by the service provider.",
        required: false,
        caseExact: true,
        mutability: .readOnly,
        returned: .always,
        uniqueness: .server
    )

    /// `externalId`: the provisioning client's identifier (RFC 7643 §3.1).
    public static let externalId = AttributeDefinition(
        name: "externalId",
        type: .string,
        description: "An identifier for the resource as defined by the provisioning client.",
        required: false,
        caseExact: true,
        mutability: .readWrite,
        returned: .default
    )

    /// `meta`: resource metadata, all read-only (RFC 7643 §3.1).
    public static let meta = AttributeDefinition(
        name: "meta",
        type: .complex,
        description: "Resource metadata.",
        mutability: .readOnly,
        returned: .default,
        subAttributes: [
            AttributeDefinition(name: "resourceType", caseExact: true, mutability: .readOnly),
            AttributeDefinition(name: "created", type: .dateTime, mutability: .readOnly),
            AttributeDefinition(name: "lastModified", type: .dateTime, mutability: .readOnly),
            AttributeDefinition(
                name: "location",
                type: .reference,
                caseExact: true,
                mutability: .readOnly,
                referenceTypes: ["uri"]
            ),
            AttributeDefinition(name: "version", caseExact: true, mutability: .readOnly),
        ]
    )

    /// All four, in the order they are emitted.
    public static let all: [AttributeDefinition] = [schemas, id, externalId, meta]

    /// The common attribute named `name` (case-insensitive).
    public static func named(_ name: String) -> AttributeDefinition? {
        all.first { caseInsensitiveEquals($0.name, name) }
    }
}
