import Testing

@testable import SCIM

@Suite("Attribute projection (RFC 7644 §3.4.2.5, §3.9)")
struct AttributeProjectionTests {
    let user = QueryFixtures.user
    let enterprise = SchemaRegistry.enterpriseUserSchema

    func bjensen() throws -> JSONObject { try QueryFixtures.object(QueryFixtures.bjensen) }

    @Test func defaultSetDropsNeverReturnedPassword() throws {
        let p = AttributeProjection(schema: user)
        let out = p.apply(to: try bjensen())
        #expect(out["password"] == nil)
        var expected = try bjensen()
        expected.removeValue(forKey: "password")
        #expect(out == expected)
    }

    @Test("attributes=userName returns id, schemas and userName only (§3.9 example)")
    func attributesUserName() throws {
        let p = try AttributeProjection(attributes: "userName", excludedAttributes: nil, schema: user)
        let out = p.apply(to: try bjensen())
        #expect(out.keys == ["schemas", "id", "userName"])
        #expect(out["userName"] == "bjensen@example.com")
        // schemas is returned as stored, extension URN included.
        #expect(out["schemas"]?.arrayValue?.count == 2)
    }

    @Test func passwordIsNeverReturnedEvenWhenRequested() throws {
        let p = try AttributeProjection(attributes: "password,userName", excludedAttributes: nil, schema: user)
        let out = p.apply(to: try bjensen())
        #expect(out["password"] == nil)
        #expect(out["userName"] != nil)
        #expect(!p.needsAttribute("password"))
    }

    @Test func subAttributeSelection() throws {
        let p = try AttributeProjection(attributes: "name.givenName", excludedAttributes: nil, schema: user)
        let out = p.apply(to: try bjensen())
        #expect(out.keys == ["schemas", "id", "name"])
        #expect(out["name"] == ["givenName": "Barbara"])
    }

    @Test func multiValuedSubAttributeSelection() throws {
        let p = try AttributeProjection(attributes: "emails.value", excludedAttributes: nil, schema: user)
        let out = p.apply(to: try bjensen())
        #expect(out["emails"] == [["value": "bjensen@example.com"], ["value": "babs@jensen.org"]])
    }

    @Test func excludedSubAttribute() throws {
        let p = try AttributeProjection(attributes: nil, excludedAttributes: "emails.type,name.formatted", schema: user)
        let out = p.apply(to: try bjensen())
        #expect(out["emails"] == [["value": "bjensen@example.com", "primary": true], ["value": "babs@jensen.org"]])
        #expect(out["name"] == ["familyName": "Jensen", "givenName": "Barbara"])
        #expect(out["userName"] != nil)
    }

    @Test func excludedAttributesMembersOnGroup() throws {
        let p = try AttributeProjection(attributes: nil, excludedAttributes: "members", schema: QueryFixtures.group)
        let out = p.apply(to: try QueryFixtures.object(QueryFixtures.tourGuides))
        #expect(out.keys == ["schemas", "id", "displayName", "meta"])
        #expect(!p.needsAttribute("members"))
        #expect(!p.needsAttribute("members.value"))
        #expect(p.needsAttribute("displayName"))
        #expect(AttributeProjection(schema: QueryFixtures.group).needsAttribute("members"))
    }

    @Test func excludingAlwaysReturnedAttributesHasNoEffect() throws {
        let p = try AttributeProjection(attributes: nil, excludedAttributes: "id,schemas,userName", schema: user)
        let out = p.apply(to: try bjensen())
        #expect(out["id"] != nil)
        #expect(out["schemas"] != nil)
        #expect(out["userName"] == nil)
    }

    @Test func enterpriseExtensionAttributeSelection() throws {
        let p = try AttributeProjection(
            attributes: "\(enterprise):employeeNumber",
            excludedAttributes: nil,
            schema: user
        )
        let out = p.apply(to: try bjensen())
        #expect(out.keys == ["schemas", "id", enterprise])
        #expect(out[enterprise] == ["employeeNumber": "701984"])
        #expect(p.needsAttribute(enterprise))
        #expect(!p.needsAttribute("userName"))
    }

    @Test func enterpriseExtensionSubAttributeSelection() throws {
        let p = try AttributeProjection(
            attributes: "\(enterprise):manager.value",
            excludedAttributes: nil,
            schema: user
        )
        let out = p.apply(to: try bjensen())
        #expect(out[enterprise] == ["manager": ["value": "26118915-6090-4610-87e4-49d8ca9f808d"]])
    }

    @Test func wholeExtensionURN() throws {
        let included = try AttributeProjection(attributes: enterprise, excludedAttributes: nil, schema: user)
        let out = included.apply(to: try bjensen())
        #expect(out.keys == ["schemas", "id", enterprise])
        #expect(out[enterprise] == (try bjensen())[enterprise])

        let excluded = try AttributeProjection(attributes: nil, excludedAttributes: enterprise, schema: user)
        let rest = excluded.apply(to: try bjensen())
        #expect(rest[enterprise] == nil)
        #expect(rest["userName"] != nil)
        #expect(!excluded.needsAttribute(enterprise))
    }

    @Test func unqualifiedExtensionAttributeResolves() throws {
        let p = try AttributeProjection(attributes: "employeeNumber", excludedAttributes: nil, schema: user)
        #expect(p.apply(to: try bjensen())[enterprise] == ["employeeNumber": "701984"])
    }

    @Test func coreURNQualifiedNames() throws {
        let p = try AttributeProjection(
            attributes: "urn:ietf:params:scim:schemas:core:2.0:User:userName",
            excludedAttributes: nil,
            schema: user
        )
        #expect(p.apply(to: try bjensen()).keys == ["schemas", "id", "userName"])
    }

    @Test(
        "names are case-insensitive",
        arguments: [
            "USERNAME", "username", "Name.GIVENNAME",
            "URN:IETF:PARAMS:SCIM:SCHEMAS:EXTENSION:ENTERPRISE:2.0:USER:EMPLOYEENUMBER",
        ]
    )
    func caseInsensitiveNames(_ name: String) throws {
        let p = try AttributeProjection(attributes: name, excludedAttributes: nil, schema: user)
        let out = p.apply(to: try bjensen())
        #expect(out.count == 3)  // schemas, id, and the one named
    }

    @Test func caseInsensitiveResourceKeys() throws {
        let resource = try QueryFixtures.object(#"{"ID":"1","UserName":"a","DisplayName":"A","Password":"x"}"#)
        let p = try AttributeProjection(attributes: "userName", excludedAttributes: nil, schema: user)
        #expect(p.apply(to: resource).keys == ["ID", "UserName"])
        #expect(AttributeProjection(schema: user).apply(to: resource).keys == ["ID", "UserName", "DisplayName"])
    }

    @Test func listsWithSpacesAndEmptyEntries() throws {
        let p = try AttributeProjection(attributes: " userName , ,displayName", excludedAttributes: "", schema: user)
        #expect(p.mode == .include)
        #expect(p.apply(to: try bjensen()).keys == ["schemas", "id", "userName", "displayName"])
    }

    @Test func emptyParametersMeanDefaults() throws {
        let p = try AttributeProjection(attributes: "", excludedAttributes: nil, schema: user)
        #expect(p.mode == .defaults)
    }

    @Test func bothParametersAreRefused() {
        #expect(throws: SCIMError.self) {
            try AttributeProjection(attributes: "userName", excludedAttributes: "emails", schema: user)
        }
        do {
            _ = try AttributeProjection(attributes: "userName", excludedAttributes: "emails", schema: user)
        } catch {
            #expect(error.status == 400)
            #expect(error.scimType == .invalidValue)
            #expect(error.detail.contains("mutually exclusive"))
        }
    }

    @Test(
        "unknown or malformed names are 400 invalidValue naming them",
        arguments: [
            "nickname2", "name.middle", "emails..value", "urn:example:unknown:1.0:User:x", "userName.value",
        ]
    )
    func unknownNames(_ name: String) {
        do {
            _ = try AttributeProjection(attributes: name, excludedAttributes: nil, schema: user)
            Issue.record("expected an error for \(name)")
        } catch {
            #expect(error.status == 400)
            #expect(error.scimType == .invalidValue)
            #expect(error.detail.contains("'\(name)'"))
        }
    }

    @Test func requestReturnedAttributesNeedNaming() throws {
        // A custom attribute with returned: request, added as an extension.
        let ext = Schema(
            id: "urn:example:params:scim:schemas:extension:acme:2.0:User",
            name: "Acme",
            attributes: [AttributeDefinition(name: "badge", returned: .request)]
        )
        var registry = SchemaRegistry.standard
        try registry.addExtension(ext, to: "User")
        let schema = registry.resourceSchema(for: "User")!
        var resource = try bjensen()
        resource[ext.id] = ["badge": "B-7"]

        #expect(AttributeProjection(schema: schema).apply(to: resource)[ext.id] == nil)
        let excluded = try AttributeProjection(attributes: nil, excludedAttributes: "userName", schema: schema)
        #expect(excluded.apply(to: resource)[ext.id] == nil)
        let named = try AttributeProjection(attributes: "\(ext.id):badge", excludedAttributes: nil, schema: schema)
        #expect(named.apply(to: resource)[ext.id] == ["badge": "B-7"])
        #expect(named.needsAttribute("badge"))
    }

    @Test func metaSubAttribute() throws {
        let p = try AttributeProjection(attributes: "meta.lastModified", excludedAttributes: nil, schema: user)
        #expect(p.apply(to: try bjensen())["meta"] == ["lastModified": "2011-05-13T04:42:34Z"])
    }

    @Test func namingSubAttributeAndWholeAttributeKeepsWhole() throws {
        let p = try AttributeProjection(attributes: "name.givenName,name", excludedAttributes: nil, schema: user)
        #expect(p.apply(to: try bjensen())["name"] == (try bjensen())["name"])
    }
}
