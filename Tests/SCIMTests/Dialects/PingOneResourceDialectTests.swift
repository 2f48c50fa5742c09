import Testing

@testable import SCIM

@Suite("PingOne resource dialect (pingone.md §2.4)")
struct PingOneResourceDialectTests {
    let schema = SchemaRegistry.standard.resourceSchema(for: "User")!

    @Test func twoPrimaryEmailsKeepOnlyTheFirstAndThenValidate() throws {
        let body: JSONObject = [
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "p1",
            "emails": [
                ["value": "a@example.com", "type": "work", "primary": true],
                ["value": "a@example.com", "type": "home", "primary": true],
            ],
        ]
        #expect(throws: SCIMError.self) { try ResourceValidator.validateForCreate(body, schema: schema) }
        let fixed = PingOneResourceDialect.normalize(body, schema: schema)
        let emails = try #require(fixed["emails"]?.arrayValue)
        #expect(emails.map { $0["primary"] } == [.bool(true), .bool(false)])
        #expect(throws: Never.self) { try ResourceValidator.validateForCreate(fixed, schema: schema) }
    }

    @Test func aSinglePrimaryIsLeftAlone() {
        let body: JSONObject = [
            "userName": "p1",
            "emails": [["value": "a@example.com", "primary": true], ["value": "b@example.com"]],
        ]
        #expect(PingOneResourceDialect.normalize(body, schema: schema) == body)
    }
}
