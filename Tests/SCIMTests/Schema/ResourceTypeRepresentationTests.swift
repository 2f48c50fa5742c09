import Testing

@testable import SCIM

@Suite("ResourceType representation (RFC 7643 §6, §8.6)")
struct ResourceTypeRepresentationTests {
    @Test func groupMatchesTheRFCExample() throws {
        let figure = try #require(SchemaTestFixtures.json("rfc7643-8.6-resource-types").arrayValue)
        let group = try #require(SchemaRegistry.standard.resourceType(named: "Group"))
        #expect(group.json(baseLocation: "https://example.com/v2") == figure[1])
    }

    @Test func userMatchesTheRFCExampleExceptThatEnterpriseIsOptional() throws {
        let figure = try #require(SchemaTestFixtures.json("rfc7643-8.6-resource-types").arrayValue)
        var user = try #require(SchemaRegistry.standard.resourceType(named: "User"))
        let rendered = user.json(baseLocation: "https://example.com/v2/")
        #expect(
            rendered["schemaExtensions"] == [
                ["schema": .string(SchemaRegistry.enterpriseUserSchema), "required": false]
            ]
        )
        #expect(rendered != figure[0])
        // The RFC's example makes the extension required; with that one change the rest is identical.
        user.schemaExtensions[0].required = true
        #expect(user.json(baseLocation: "https://example.com/v2") == figure[0])
    }

    @Test func registeredExtensionIsAnnounced() throws {
        let registry = try SchemaTestFixtures.registryWithTestExtension(required: true)
        let user = try #require(registry.resourceType(named: "User"))
        let extensions = try #require(user.json(baseLocation: "/scim").objectValue?["schemaExtensions"]?.arrayValue)
        #expect(extensions.last == ["schema": .string(SchemaTestFixtures.testExtensionURN), "required": true])
        #expect(user.json(baseLocation: "/scim")["meta"]?["location"] == "/scim/ResourceTypes/User")
    }
}
