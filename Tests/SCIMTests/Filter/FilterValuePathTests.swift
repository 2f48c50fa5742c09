import Testing

@testable import SCIM

/// Complex attribute filter grouping `attr[...]`, RFC 7644 §3.4.2.2 Table 5: the inner expression
/// applies to one and the same value of the parent attribute.
@Suite("Filter: value paths and group lookups")
struct FilterValuePathTests {
    typealias F = FilterFixtures

    static let workAndOther = F.user([
        "emails": [
            ["value": "babs@jensen.org", "type": "work"],
            ["value": "babs@example.com", "type": "home"],
        ]
    ])

    @Test("the inner expression must hold for a single element")
    func sameElement() throws {
        let f = #"emails[type eq "work" and value co "@example.com"]"#
        #expect(try F.matches(f, F.fullUser))
        #expect(try F.matches(f, Self.workAndOther) == false)
        // The flattened form is satisfied by the two different elements, which is why [] exists.
        #expect(try F.matches(#"emails.type eq "work" and emails.value co "@example.com""#, Self.workAndOther))
    }

    @Test("or of two value paths on different attributes")
    func orOfValuePaths() throws {
        let f = #"emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp" and value co "@foo.com"]"#
        #expect(try F.matches(f, F.fullUser))
        #expect(try F.matches(f, Self.workAndOther) == false)
        let xmpp = F.user(["ims": [["type": "xmpp", "value": "babs@foo.com"]]], base: Self.workAndOther)
        #expect(try F.matches(f, xmpp))
        let split = F.user(
            ["ims": [["type": "xmpp", "value": "babs@bar.com"], ["type": "aim", "value": "b@foo.com"]]],
            base: Self.workAndOther
        )
        #expect(try F.matches(f, split) == false)
    }

    @Test("value filters with or, not, parentheses and pr inside")
    func richInnerFilters() throws {
        #expect(try F.matches(#"emails[type eq "home" or type eq "other"]"#, F.fullUser))
        #expect(try F.matches(#"emails[not (type eq "work") and value ew ".org"]"#, F.fullUser))
        #expect(try F.matches(#"emails[not (type eq "work") and value ew ".com"]"#, F.fullUser) == false)
        #expect(try F.matches(#"emails[(type eq "work") and (primary eq true)]"#, F.fullUser))
        #expect(try F.matches(#"emails[primary pr and type eq "home"]"#, F.fullUser) == false)
        #expect(try F.matches(#"not (emails[type eq "other"])"#, F.fullUser))
        #expect(try F.matches(#"addresses[type eq "work" and locality eq "HOLLYWOOD"]"#, F.fullUser))
    }

    @Test("a value path on an absent or empty attribute matches nothing")
    func absent() throws {
        #expect(try F.matches(#"emails[type eq "work"]"#, F.without("emails")) == false)
        #expect(try F.matches(#"emails[type eq "work"]"#, F.user(["emails": []])) == false)
        #expect(try F.matches(#"emails[type eq null]"#, F.user(["emails": [["value": "a@b.c"]]])))
    }

    @Test("a single-valued complex attribute takes a value filter as well")
    func singleValuedComplex() throws {
        #expect(try F.matches(#"name[givenName eq "barbara" and familyName sw "J"]"#, F.fullUser))
        #expect(try F.matches(#"name[givenName eq "barbara" and familyName sw "X"]"#, F.fullUser) == false)
        #expect(
            try F.matches(
                #"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager[displayName eq "John Smith"]"#,
                F.fullUser
            )
        )
    }

    // PingOne/Okta look groups up by name: GET /Groups?filter=displayName eq "Engineering".
    @Test(
        "displayName lookup on Group",
        arguments: [
            (#"displayName eq "Engineering""#, true), (#"displayName eq "engineering""#, true),
            (#"DisplayName Eq "ENGINEERING""#, true), (#"displayName eq "Engineering ""#, false),
            (#"displayName eq "Eng""#, false), (#"displayName sw "Eng""#, true),
        ]
    )
    func groupByDisplayName(_ filter: String, _ expected: Bool) throws {
        #expect(try F.matches(filter, F.engineering, schema: F.groupSchema) == expected)
        #expect(try F.matches(filter, F.tourGuides, schema: F.groupSchema) == false)
    }

    static let babs = "2819c223-7f76-453a-919d-413861904646"

    @Test(
        "members[value eq id] and members.value eq id find the group holding a member",
        arguments: [
            #"members[value eq "2819c223-7f76-453a-919d-413861904646"]"#,
            #"members.value eq "2819c223-7f76-453a-919d-413861904646""#,
            #"members eq "2819c223-7f76-453a-919d-413861904646""#,
        ]
    )
    func membership(_ filter: String) throws {
        #expect(try F.matches(filter, F.tourGuides, schema: F.groupSchema))
        #expect(try F.matches(filter, F.engineering, schema: F.groupSchema) == false)
        let others = F.user(["members": [["value": "902c246b-6245-4190-8e05-00816be7344a"]]], base: F.tourGuides)
        #expect(try F.matches(filter, others, schema: F.groupSchema) == false)
    }

    @Test("members value filter and the flattened form differ only across elements")
    func memberValueFilterVersusFlat() throws {
        let mixed = F.user(
            [
                "members": [
                    ["value": .string(Self.babs), "type": "Group"],
                    ["value": "902c246b-6245-4190-8e05-00816be7344a", "type": "User"],
                ]
            ],
            base: F.tourGuides
        )
        let valuePath = #"members[value eq "\#(Self.babs)" and type eq "User"]"#
        let flat = #"members.value eq "\#(Self.babs)" and members.type eq "User""#
        #expect(try F.matches(valuePath, mixed, schema: F.groupSchema) == false)
        #expect(try F.matches(flat, mixed, schema: F.groupSchema))
    }

    @Test("PATCH-style value filter resolved against a parent, evaluated per element")
    func patchValueFilter() throws {
        let members = try F.groupSchema.resolve(AttributePath(name: "members"))
        let inner = try FilterParser.parseValueFilter(#"value eq "\#(Self.babs)""#)
        let resolved = try FilterResolver.resolve(valueFilter: inner, of: members, against: F.groupSchema)
        let elements = F.tourGuides["members"]!.arrayValue!
        #expect(elements.map { FilterEvaluator.matches(resolved, element: $0) } == [true, false])
        // The parent must be complex.
        let displayName = try F.groupSchema.resolve(AttributePath(name: "displayName"))
        #expect(throws: SCIMError.self) {
            try FilterResolver.resolve(valueFilter: inner, of: displayName, against: F.groupSchema)
        }
    }
}
