import Foundation
import Testing

@testable import SCIM

/// The JSON files in `Golden/` (RFC 7643 §8 examples and schema documents) and the registries
/// built from them.
enum SchemaTestFixtures {
    static let userURN = SchemaRegistry.userSchema
    static let groupURN = SchemaRegistry.groupSchema
    static let enterpriseURN = SchemaRegistry.enterpriseUserSchema
    static let testExtensionURN = "urn:example:params:scim:schemas:extension:test:2.0:User"

    struct Missing: Error, CustomStringConvertible {
        var name: String
        var description: String { "Golden/\(name).json is not in the test bundle" }
    }

    /// The text of `Golden/<name>.json`.
    static func text(_ name: String) throws -> String {
        guard let url = Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Golden") else {
            throw Missing(name: name)
        }
        return try String(contentsOf: url, encoding: .utf8)
    }

    /// `Golden/<name>.json`, parsed.
    static func json(_ name: String) throws -> JSONValue {
        try JSONParser.parse(text(name))
    }

    /// `Golden/<name>.json`, which must hold an object.
    static func object(_ name: String) throws -> JSONObject {
        try #require(json(name).objectValue)
    }

    /// The standard registry plus `schema-test-extension.json` on User (optional unless `required`).
    static func registryWithTestExtension(required: Bool = false) throws -> SchemaRegistry {
        var registry = SchemaRegistry.standard
        try registry.addExtension(
            SchemaLoader.load(json: text("schema-test-extension")),
            to: "User",
            required: required
        )
        return registry
    }

    static func userSchema(_ registry: SchemaRegistry = .standard) throws -> ResourceSchema {
        try #require(registry.resourceSchema(for: "User"))
    }

    static func groupSchema() throws -> ResourceSchema {
        try #require(SchemaRegistry.standard.resourceSchema(for: "Group"))
    }
}
