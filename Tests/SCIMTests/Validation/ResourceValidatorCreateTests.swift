import Testing

@testable import SCIM

private typealias F = SchemaTestFixtures
private typealias S = ValidationTestSupport

@Suite("ResourceValidator: create (RFC 7644 §3.3)")
struct ResourceValidatorCreateTests {
    // MARK: RFC 7643 §8 examples

    @Test(
        "the RFC 7643 §8 User examples validate",
        arguments: [
            "rfc7643-8.1-user", "rfc7643-8.2-user", "rfc7643-8.3-enterprise-user",
        ]
    )
    func rfcUsersValidate(_ fixture: String) throws {
        let input = try F.object(fixture)
        let out = try ResourceValidator.validateForCreate(input, schema: F.userSchema())
        // readOnly attributes are ignored on input (RFC 7643 §3.1, RFC 7644 §3.3) ...
        #expect(out["id"] == nil)
        #expect(out["meta"] == nil)
        #expect(out["groups"] == nil)
        // ... everything else the client may write survives unchanged.
        #expect(out["userName"] == input["userName"])
        #expect(out["schemas"] == input["schemas"])
        #expect(out.keys.first == "schemas")
        for key in input.keys where !["id", "meta", "groups"].contains(key) {
            if key == SchemaRegistry.enterpriseUserSchema { continue }
            #expect(out[key] == input[key], "\(key)")
        }
    }

    @Test func rfcFullUserKeepsPasswordAndPrimaryAddress() throws {
        let out = try ResourceValidator.validateForCreate(F.object("rfc7643-8.2-user"), schema: F.userSchema())
        #expect(out["password"] == "t1meMa$heen")
        #expect(out["addresses"]?.arrayValue?.first?["primary"] == true)
        #expect(out["addresses"]?.arrayValue?.first?["country"] == "US")
        #expect(out["x509Certificates"]?.arrayValue?.first?["value"]?.stringValue?.hasPrefix("MIIDQzCC") == true)
    }

    @Test func rfcEnterpriseUserDropsReadOnlyManagerDisplayName() throws {
        let out = try ResourceValidator.validateForCreate(
            F.object("rfc7643-8.3-enterprise-user"),
            schema: F.userSchema()
        )
        let ext = try #require(out[F.enterpriseURN]?.objectValue)
        #expect(ext["employeeNumber"] == "701984")
        #expect(
            ext["manager"] == [
                "value": "26118915-6090-4610-87e4-49d8ca9f808d",
                "$ref": "../Users/26118915-6090-4610-87e4-49d8ca9f808d",
            ]
        )
        #expect(out["schemas"] == [.string(F.userURN), .string(F.enterpriseURN)])
    }

    @Test func rfcGroupValidatesAndDropsReadOnlyMemberDisplay() throws {
        let input = try F.object("rfc7643-8.4-group")
        let out = try ResourceValidator.validateForCreate(input, schema: F.groupSchema())
        #expect(out["displayName"] == "Tour Guides")
        #expect(out["id"] == nil)
        let members = try #require(out["members"]?.arrayValue)
        #expect(members.count == 2)
        #expect(members.allSatisfy { $0["display"] == nil && $0["value"] != nil && $0["$ref"] != nil })
    }

    @Test(
        "validating a validated resource changes nothing",
        arguments: [
            ("rfc7643-8.2-user", "User"), ("rfc7643-8.3-enterprise-user", "User"), ("rfc7643-8.4-group", "Group"),
        ]
    )
    func idempotent(_ fixture: String, _ type: String) throws {
        let schema = try #require(SchemaRegistry.standard.resourceSchema(for: type))
        let once = try ResourceValidator.validateForCreate(F.object(fixture), schema: schema)
        let twice = try ResourceValidator.validateForCreate(once, schema: schema)
        #expect(JSONValue.object(twice).serialized() == JSONValue.object(once).serialized())
    }

    // MARK: Canonical spelling

    @Test func namesAndURNsAreRespelledCanonically() throws {
        let input = try S.object(
            """
            {"SCHEMAS": ["URN:IETF:PARAMS:SCIM:SCHEMAS:CORE:2.0:USER"],
             "USERNAME": "bjensen", "Name": {"GIVENNAME": "Barbara"},
             "emails": [{"VALUE": "b@example.com", "Primary": true}],
             "urn:ietf:params:scim:schemas:extension:ENTERPRISE:2.0:user": {"EMPLOYEENUMBER": "7"}}
            """
        )
        let out = try ResourceValidator.validateForCreate(input, schema: F.userSchema())
        #expect(out.keys == ["schemas", "userName", "name", "emails", F.enterpriseURN])
        #expect(out["name"]?.objectValue?.keys == ["givenName"])
        #expect(out["emails"]?.arrayValue?.first?.objectValue?.keys == ["value", "primary"])
        #expect(out[F.enterpriseURN]?.objectValue?.keys == ["employeeNumber"])
        #expect(out["schemas"] == [.string(F.userURN), .string(F.enterpriseURN)])
        // Values are not touched: only names are canonical.
        #expect(out["userName"] == "bjensen")
    }

    // MARK: Unassigned values (RFC 7643 §2.5)

    @Test func nullsEmptyArraysAndEmptyComplexValuesAreDropped() throws {
        let input = try S.object(
            """
            {"schemas": ["\(F.userURN)"], "userName": "u", "displayName": null, "emails": [],
             "name": {"givenName": null}, "phoneNumbers": [null, {"value": null}],
             "\(F.enterpriseURN)": null}
            """
        )
        let out = try ResourceValidator.validateForCreate(input, schema: F.userSchema())
        #expect(out == ["schemas": [.string(F.userURN)], "userName": "u"])
    }

    @Test func readOnlyValuesAreIgnoredWithoutBeingChecked() throws {
        // `meta.created` is not a dateTime and `groups` is not an array of objects; neither matters.
        let input = try S.object(
            """
            {"schemas": ["\(F.userURN)"], "userName": "u", "id": "client-chosen",
             "meta": {"created": "yesterday", "anything": 1}, "groups": "not even an array"}
            """
        )
        let out = try ResourceValidator.validateForCreate(input, schema: F.userSchema())
        #expect(out.keys == ["schemas", "userName"])
    }

    // MARK: Leniencies

    @Test func extensionDataAddsItsMissingURNToSchemas() throws {
        let input = try S.object(
            #"{"schemas": ["\#(F.userURN)"], "userName": "u", "\#(F.enterpriseURN)": {"costCenter": "4130"}}"#
        )
        let out = try ResourceValidator.validateForCreate(input, schema: F.userSchema())
        #expect(out["schemas"] == [.string(F.userURN), .string(F.enterpriseURN)])
        #expect(out[F.enterpriseURN]?["costCenter"] == "4130")
    }

    @Test func listedExtensionWithoutDataStaysListed() throws {
        let input = try S.object(#"{"schemas": ["\#(F.userURN)", "\#(F.enterpriseURN)"], "userName": "u"}"#)
        let out = try ResourceValidator.validateForCreate(input, schema: F.userSchema())
        #expect(out["schemas"] == [.string(F.userURN), .string(F.enterpriseURN)])
        #expect(out[F.enterpriseURN] == nil)
    }

    @Test func duplicateSchemaURNsCollapse() throws {
        let input = try S.object(#"{"schemas": ["\#(F.userURN)", "\#(F.userURN.uppercased())"], "userName": "u"}"#)
        let out = try ResourceValidator.validateForCreate(input, schema: F.userSchema())
        #expect(out["schemas"] == [.string(F.userURN)])
    }

    @Test func singleValueForMultiValuedAttributeIsWrapped() throws {
        let registry = try F.registryWithTestExtension()
        let input = try S.object(
            """
            {"schemas": ["\(F.userURN)"], "userName": "u", "emails": {"value": "u@example.com", "type": "work"},
             "\(F.testExtensionURN)": {"tags": "blue"}}
            """
        )
        let out = try ResourceValidator.validateForCreate(input, schema: F.userSchema(registry))
        #expect(out["emails"] == [["value": "u@example.com", "type": "work"]])
        #expect(out[F.testExtensionURN]?["tags"] == ["blue"])
    }

    @Test func urnQualifiedTopLevelKeysMoveUnderTheirSchema() throws {
        let input = try S.object(
            """
            {"schemas": ["\(F.userURN)"],
             "\(F.userURN):userName": "u",
             "\(F.enterpriseURN):employeeNumber": "701984",
             "\(F.enterpriseURN):manager.value": "26118915",
             "\(F.enterpriseURN)": {"costCenter": "4130"}}
            """
        )
        let out = try ResourceValidator.validateForCreate(input, schema: F.userSchema())
        #expect(out["userName"] == "u")
        #expect(
            out[F.enterpriseURN] == [
                "employeeNumber": "701984", "manager": ["value": "26118915"], "costCenter": "4130",
            ]
        )
        #expect(out["schemas"] == [.string(F.userURN), .string(F.enterpriseURN)])
        #expect(out.keys.allSatisfy { !$0.hasPrefix(F.enterpriseURN + ":") })
    }

    @Test func canonicalValuesAreNotEnforced() throws {
        // RFC 7643 §7: canonicalValues are suggestions a provider MAY restrict to.
        let input = try S.object(
            #"{"schemas": ["\#(F.userURN)"], "userName": "u", "emails": [{"value": "a@b.c", "type": "pager"}]}"#
        )
        let out = try ResourceValidator.validateForCreate(input, schema: F.userSchema())
        #expect(out["emails"]?.arrayValue?.first?["type"] == "pager")
    }

    // MARK: Types

    @Test func everyDataTypeIsAcceptedInItsJSONForm() throws {
        let registry = try F.registryWithTestExtension()
        let input = try S.object(
            """
            {"schemas": ["\(F.userURN)", "\(F.testExtensionURN)"], "userName": "u", "active": false,
             "profileUrl": "https://example.com/u",
             "\(F.testExtensionURN)": {"count": 3, "score": 2, "since": "2008-01-23T04:56:22+01:00",
               "blob": "TWFu", "badgeNumber": "B-1", "pin": "1234", "computed": "ignored",
               "locker": {"code": "L1", "serial": 9}}}
            """
        )
        let out = try ResourceValidator.validateForCreate(input, schema: F.userSchema(registry))
        let ext = try #require(out[F.testExtensionURN]?.objectValue)
        #expect(ext["count"] == .integer(3))
        #expect(ext["score"] == .decimal(2.0), "an integer for a decimal attribute is stored as a decimal")
        #expect(ext["since"] == "2008-01-23T04:56:22+01:00")
        #expect(ext["blob"] == "TWFu")
        #expect(ext["badgeNumber"] == "B-1", "immutable attributes may be set on create")
        #expect(ext["pin"] == "1234", "writeOnly values are stored")
        #expect(ext["computed"] == nil, "readOnly values are ignored")
        #expect(ext["locker"] == ["code": "L1", "serial": 9])
        #expect(out["active"] == false)
    }

    @Test func onePrimaryIsFine() throws {
        let input = try S.object(
            """
            {"schemas": ["\(F.userURN)"], "userName": "u",
             "emails": [{"value": "a@b.c", "primary": true}, {"value": "d@e.f", "primary": false}, {"value": "g@h.i"}]}
            """
        )
        let out = try ResourceValidator.validateForCreate(input, schema: F.userSchema())
        #expect(out["emails"]?.arrayValue?.count == 3)
    }

    @Test(
        "base64 per RFC 4648 §4/§5, padding optional",
        arguments: [
            ("", true), ("TWFu", true), ("TWE=", true), ("TWE", true), ("TQ==", true), ("TQ", true), ("+/8=", true),
            ("-_8", true), ("T", false), ("TQ=", false), ("TQ===", false), ("T=Q=", false), ("TW\nFu", false),
            ("TW Fu", false), ("+_AA", false), ("TWFu!", false),
        ]
    )
    func base64(_ text: String, _ valid: Bool) {
        #expect(ResourceValidator.isBase64(text) == valid)
    }

    // MARK: returned: never

    @Test func stripNeverReturnedRemovesPasswordAndNeverSubAttributes() throws {
        let registry = try F.registryWithTestExtension()
        let schema = try F.userSchema(registry)
        let stored = try ResourceValidator.validateForCreate(
            S.object(
                """
                {"schemas": ["\(F.userURN)"], "userName": "u", "password": "secret",
                 "\(F.testExtensionURN)": {"pin": "1234", "locker": {"code": "L1", "combination": "12-34"}}}
                """
            ),
            schema: schema
        )
        #expect(stored["password"] == "secret")
        let shown = ResourceValidator.stripNeverReturned(stored, schema: schema)
        #expect(shown["password"] == nil)
        #expect(shown["userName"] == "u")
        #expect(shown[F.testExtensionURN] == ["locker": ["code": "L1"]])

        let onlyNever = try ResourceValidator.validateForCreate(
            S.object(#"{"schemas": ["\#(F.userURN)"], "userName": "u", "\#(F.testExtensionURN)": {"pin": "1"}}"#),
            schema: schema
        )
        #expect(ResourceValidator.stripNeverReturned(onlyNever, schema: schema)[F.testExtensionURN] == nil)
    }
}
