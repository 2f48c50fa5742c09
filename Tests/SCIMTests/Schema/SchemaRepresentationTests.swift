import Testing

@testable import SCIM

@Suite("Schema representation (RFC 7643 §7, §8.7.1)")
struct SchemaRepresentationTests {
    @Test(
        "standard schemas render exactly as the RFC's §8.7.1 documents",
        arguments: [
            (SchemaRegistry.userSchema, "schema-user"),
            (SchemaRegistry.groupSchema, "schema-group"),
            (SchemaRegistry.enterpriseUserSchema, "schema-enterprise-user"),
        ]
    )
    func matchesGolden(urn: String, golden: String) throws {
        let schema = try #require(SchemaRegistry.standard.schema(id: urn))
        var rendered = try #require(schema.json(baseLocation: "https://example.com/v2").objectValue)
        rendered.removeValue(forKey: "schemas")
        rendered.removeValue(forKey: "meta")
        var expected = try SchemaTestFixtures.object(golden)
        // The RFC's listing prints `"canonicalValues": []` for `roles.type` and `x509Certificates.type`
        // and omits the member everywhere else; both mean "none assigned" (RFC 7643 §2.2), and the
        // model, like any reader, keeps no difference. Only that equivalence is normalised here.
        let emptied = Self.removeEmptyCanonicalValues(&expected)
        #expect(emptied == (golden == "schema-user" ? 2 : 0))
        #expect(JSONValue.object(rendered) == JSONValue.object(expected))
    }

    /// Removes `"canonicalValues": []` from every attribute; returns how many it removed.
    static func removeEmptyCanonicalValues(_ schema: inout JSONObject) -> Int {
        var removed = 0
        func clean(_ attributes: JSONValue?) -> JSONValue? {
            guard let list = attributes?.arrayValue else { return attributes }
            return .array(
                list.map { a in
                    guard var o = a.objectValue else { return a }
                    if o["canonicalValues"] == [] {
                        o.removeValue(forKey: "canonicalValues")
                        removed += 1
                    }
                    if let subs = o["subAttributes"] { o["subAttributes"] = clean(subs) }
                    return .object(o)
                }
            )
        }
        schema["attributes"] = clean(schema["attributes"])
        return removed
    }

    @Test func carriesSchemaURNAndMeta() throws {
        let schema = try #require(SchemaRegistry.standard.schema(id: SchemaRegistry.userSchema))
        let json = schema.json(baseLocation: "/v2/")
        #expect(json["schemas"] == ["urn:ietf:params:scim:schemas:core:2.0:Schema"])
        // RFC 7643 §8.7.1 prints exactly this location for the User schema.
        #expect(
            json["meta"] == [
                "resourceType": "Schema", "location": "/v2/Schemas/urn:ietf:params:scim:schemas:core:2.0:User",
            ]
        )
    }

    @Test func renderedSchemaLoadsBackToTheSameSchema() throws {
        for schema in try SchemaTestFixtures.registryWithTestExtension().schemas {
            let again = try SchemaLoader.load(schema.json(baseLocation: "https://example.com/scim/v2"))
            #expect(again == schema)
        }
    }

    @Test func emptyOptionalCharacteristicsAreLeftOut() {
        let a = AttributeDefinition(name: "nickName").json
        #expect(a["canonicalValues"] == nil)
        #expect(a["referenceTypes"] == nil)
        #expect(a["subAttributes"] == nil)
        #expect(a["mutability"] == "readWrite")
        #expect(a["uniqueness"] == "none")
    }
}
