import Testing

@testable import SCIM

@Suite("Custom extension schemas (RFC 7643 §3.3, §7)")
struct SchemaLoaderTests {
    @Test func loadsAndRegistersACustomExtension() throws {
        let schema = try SchemaLoader.load(json: SchemaTestFixtures.text("schema-test-extension"))
        #expect(schema.id == SchemaTestFixtures.testExtensionURN)
        #expect(schema.attribute(named: "COUNT")?.type == .integer)
        #expect(schema.attribute(named: "pin")?.returned == .never)
        #expect(schema.attribute(named: "locker")?.subAttribute(named: "serial")?.mutability == .immutable)

        var registry = SchemaRegistry.standard
        try registry.addExtension(schema, to: "User")
        let user = try #require(registry.resourceSchema(for: "User"))
        #expect(user.extensionSchema(id: SchemaTestFixtures.testExtensionURN) == schema)
        #expect(registry.resourceSchema(for: "Group")?.extensions.isEmpty == true)
    }

    @Test func registeringTwiceOrOnAnUnknownTypeFails() throws {
        let schema = try SchemaLoader.load(json: SchemaTestFixtures.text("schema-test-extension"))
        var registry = SchemaRegistry.standard
        try registry.addExtension(schema, to: "User")
        let twice = #expect(throws: SCIMError.self) { try registry.addExtension(schema, to: "Group") }
        #expect(twice?.scimType == .invalidValue)
        #expect(twice?.detail.contains(schema.id) == true)
        var fresh = SchemaRegistry.standard
        let unknown = #expect(throws: SCIMError.self) { try fresh.addExtension(schema, to: "Device") }
        #expect(unknown?.detail.contains("Device") == true)
    }

    struct Invalid: Sendable, CustomTestStringConvertible {
        var label: String
        var json: String
        var detailNames: String
        var testDescription: String { label }
    }

    static let invalid: [Invalid] = [
        .init(label: "missing id", json: #"{"name":"X","attributes":[]}"#, detailNames: "'id'"),
        .init(
            label: "bad type name",
            json: #"{"id":"urn:x:1","attributes":[{"name":"size","type":"float"}]}"#,
            detailNames: "size"
        ),
        .init(
            label: "duplicate attribute (names are case-insensitive)",
            json: #"{"id":"urn:x:1","attributes":[{"name":"size","type":"integer"},{"name":"Size"}]}"#,
            detailNames: "Size"
        ),
        .init(
            label: "subAttributes on a non-complex attribute",
            json: #"{"id":"urn:x:1","attributes":[{"name":"size","type":"string","subAttributes":[{"name":"a"}]}]}"#,
            detailNames: "size"
        ),
        .init(
            label: "complex inside complex",
            json:
                #"{"id":"urn:x:1","attributes":[{"name":"a","type":"complex","subAttributes":[{"name":"b","type":"complex","subAttributes":[{"name":"c"}]}]}]}"#,
            detailNames: "b"
        ),
        .init(label: "id that is not a URN", json: #"{"id":"myschema","attributes":[]}"#, detailNames: "myschema"),
        .init(
            label: "invalid attribute name",
            json: #"{"id":"urn:x:1","attributes":[{"name":"1st"}]}"#,
            detailNames: "urn:x:1"
        ),
        .init(
            label: "bad mutability keyword",
            json: #"{"id":"urn:x:1","attributes":[{"name":"a","mutability":"sometimes"}]}"#,
            detailNames: "mutability"
        ),
        .init(label: "not JSON", json: #"{"id":"urn:x:1","#, detailNames: "JSON"),
    ]

    @Test("invalid schema documents are refused with a detail naming the problem", arguments: invalid)
    func refusesInvalid(_ c: Invalid) {
        let error = #expect(throws: SCIMError.self) { try SchemaLoader.load(json: c.json) }
        #expect(error?.status == 400)
        #expect(error?.scimType == .invalidSyntax)
        #expect(error?.detail.contains(c.detailNames) == true, "\(error?.detail ?? "")")
    }
}
