import Testing

@testable import SCIM

@Suite("Entra resource dialect (the ADSCIM Group marker)")
struct EntraResourceDialectTests {
    let group = SchemaRegistry.standard.resourceSchema(for: "Group")!
    let user = SchemaRegistry.standard.resourceSchema(for: "User")!

    @Test func theGroupMarkerIsDroppedAndTheBodyThenValidates() throws {
        let body: JSONObject = [
            "schemas": [
                "urn:ietf:params:scim:schemas:core:2.0:Group",
                "HTTP://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group",
            ],
            "displayName": "Finance Team",
        ]
        #expect(throws: SCIMError.self) { try ResourceValidator.validateForCreate(body, schema: group) }
        let fixed = EntraResourceDialect.normalize(body, schema: group)
        #expect(fixed["schemas"] == ["urn:ietf:params:scim:schemas:core:2.0:Group"])
        #expect(throws: Never.self) { try ResourceValidator.validateForCreate(fixed, schema: group) }
    }

    @Test func otherURNsAndOtherResourceTypesAreLeftToTheValidator() {
        let unknown: JSONObject = [
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group", "urn:example:unknown"], "displayName": "G",
        ]
        #expect(EntraResourceDialect.normalize(unknown, schema: group) == unknown)
        #expect(throws: SCIMError.self) { try ResourceValidator.validateForCreate(unknown, schema: group) }
        let onUser: JSONObject = [
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", .string(EntraResourceDialect.groupMarker)],
            "userName": "u",
        ]
        #expect(EntraResourceDialect.normalize(onUser, schema: user) == onUser)
    }
}
