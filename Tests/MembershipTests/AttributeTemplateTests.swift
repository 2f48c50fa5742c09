import Membership
import SCIM
import Testing

/// The template language of `mapping:`: paths, alternatives, functions, and its refusals.
struct AttributeTemplateTests {
    static let schema = SchemaRegistry.standard.resourceSchema(for: "User")!
    static let user: JSONObject = [
        "userName": "Ada.Lovelace@Example.com",
        "name": ["givenName": "Ada", "familyName": "Lovelace"],
        "emails": [
            ["value": "ada@home.example", "type": "home"],
            ["value": "ada@work.example", "type": "work", "primary": true],
        ],
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": ["department": "Analytics"],
        "active": true,
    ]

    static func render(_ text: String) throws -> String? {
        try AttributeTemplate(text, over: schema).render(user)
    }

    @Test(arguments: [
        ("{name.givenName}.{name.familyName}@example.com", "Ada.Lovelace@example.com"),
        ("{userName | lower}", "ada.lovelace@example.com"),
        ("{userName | localPart}", "Ada.Lovelace"),
        ("{userName | domain | upper}", "EXAMPLE.COM"),
        ("{emails.value}", "ada@work.example"),
        (#"{emails[type eq "home"].value}"#, "ada@home.example"),
        ("{urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department}", "Analytics"),
        ("{department | truncate(4)}", "Anal"),
        (#"{userName | replace(".", "_") | lower}"#, "ada_lovelace@example_com"),
        (#"{nickName ?? name.givenName}"#, "Ada"),
        (#"{nickName | default("none")}"#, "none"),
        (#"{nickName ?? "x"}-{active}"#, "x-true"),
        ("{{literal}} {name.givenName}", "{literal} Ada"),
        ("{  name.givenName  |  upper  }", "ADA"),
    ])
    func renders(_ text: String, _ expected: String) throws {
        #expect(try Self.render(text) == expected)
    }

    @Test func anAbsentAttributeWithoutFallbackRendersNothing() throws {
        #expect(try Self.render("{nickName}@example.com") == nil)
        #expect(try Self.render("{title | lower}") == nil)
        #expect(try Self.render("{name.givenName | domain}") == nil, "no @: no domain")
    }

    @Test(arguments: [
        ("{nam.givenName}", "nam"),
        ("{name}", "sub-attribute"),
        ("{emails[type eq \"work\"]}", "sub-attribute"),
        ("{userName | shout}", "unknown function 'shout'"),
        ("{userName | truncate}", "truncate(N)"),
        ("{userName | truncate(0)}", "above 0"),
        ("{userName", "expected '??', '|' or '}'"),
        ("userName}", "closes nothing"),
        ("plain text", "names no attribute"),
        (#"{"open}"#, "never closed"),
    ])
    func refuses(_ text: String, _ fragment: String) {
        #expect(throws: TemplateError.self) { try AttributeTemplate(text, over: Self.schema) }
        do {
            _ = try AttributeTemplate(text, over: Self.schema)
        } catch {
            #expect(error.message.contains(fragment), "\(error.message)")
        }
    }

    @Test func aMappingSetsAFilteredValueThatIsNotThereYet() throws {
        let mapping = try AttributeMapping.users([
            (#"emails[type eq "other"].value"#, "{name.familyName | lower}@x.example")
        ])
        let view = mapping.view(of: Self.user)
        let values = view["emails"]?.arrayValue?.compactMap { $0["value"]?.stringValue } ?? []
        #expect(values.contains("lovelace@x.example") && values.count == 3)
        #expect(mapping.view(of: ["userName": "u"])["emails"] == nil, "nothing rendered: nothing written")
    }
}
