import Testing

@testable import SCIM

/// Every filter printed in RFC 7644 §3.4.2 and §3.4.3, verbatim, evaluated against RFC 7643 §8.2's User.
@Suite("Filter: RFC 7644 §3.4.2.2 examples")
struct FilterRFCExampleTests {
    typealias F = FilterFixtures

    /// One printed filter, with the result on the full User and on a variation built to flip it.
    struct Example: Sendable, CustomTestStringConvertible {
        var filter: String
        var onFullUser: Bool
        var variation: JSONObject
        var onVariation: Bool
        var testDescription: String { filter }
    }

    static let examples: [Example] = [
        // §3.4.2.2 text: names and operators are case-insensitive.
        Example(
            filter: #"userName Eq "john""#,
            onFullUser: false,
            variation: F.user(["userName": "john"]),
            onVariation: true
        ),
        Example(
            filter: #"Username eq "john""#,
            onFullUser: false,
            variation: F.user(["userName": "John"]),
            onVariation: true
        ),
        // Figure 2.
        Example(
            filter: #"userName eq "bjensen""#,
            onFullUser: false,
            variation: F.user(["userName": "BJensen"]),
            onVariation: true
        ),
        Example(
            filter: #"name.familyName co "O'Malley""#,
            onFullUser: false,
            variation: F.user(["name": ["familyName": "Jensen-o'malley"]]),
            onVariation: true
        ),
        Example(
            filter: #"userName sw "J""#,
            onFullUser: false,
            variation: F.user(["userName": "jsmith"]),
            onVariation: true
        ),
        Example(
            filter: #"urn:ietf:params:scim:schemas:core:2.0:User:userName sw "J""#,
            onFullUser: false,
            variation: F.user(["userName": "Jsmith"]),
            onVariation: true
        ),
        Example(filter: "title pr", onFullUser: true, variation: F.without("title"), onVariation: false),
        Example(
            filter: #"meta.lastModified gt "2011-05-13T04:42:34Z""#,
            onFullUser: false,
            variation: F.user(["meta": ["lastModified": "2011-05-13T04:42:35Z"]]),
            onVariation: true
        ),
        Example(
            filter: #"meta.lastModified ge "2011-05-13T04:42:34Z""#,
            onFullUser: true,
            variation: F.user(["meta": ["lastModified": "2011-05-13T04:42:33.999Z"]]),
            onVariation: false
        ),
        Example(
            filter: #"meta.lastModified lt "2011-05-13T04:42:34Z""#,
            onFullUser: false,
            variation: F.user(["meta": ["lastModified": "2011-05-13T04:42:33.5Z"]]),
            onVariation: true
        ),
        Example(
            filter: #"meta.lastModified le "2011-05-13T04:42:34Z""#,
            onFullUser: true,
            variation: F.user(["meta": ["lastModified": "2011-05-13T04:42:34.001Z"]]),
            onVariation: false
        ),
        Example(
            filter: #"title pr and userType eq "Employee""#,
            onFullUser: true,
            variation: F.user(["userType": "Intern"]),
            onVariation: false
        ),
        Example(
            filter: #"title pr or userType eq "Intern""#,
            onFullUser: true,
            variation: F.user(["userType": "Employee", "title": ""]),
            onVariation: false
        ),
        Example(
            filter: #"title pr or userType eq "Intern""#,
            onFullUser: true,
            variation: F.user(["userType": "intern"], base: F.without("title")),
            onVariation: true
        ),
        Example(
            filter: #"schemas eq "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User""#,
            onFullUser: true,
            variation: F.user(["schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"]]),
            onVariation: false
        ),
        Example(
            filter: #"userType eq "Employee" and (emails co "example.com" or emails.value co "example.org")"#,
            onFullUser: true,
            variation: F.user(["emails": [["value": "babs@jensen.org"]]]),
            onVariation: false
        ),
        Example(
            filter: #"userType eq "Employee" and (emails co "example.com" or emails.value co "example.org")"#,
            onFullUser: true,
            variation: F.user(["emails": [["value": "babs@jensen.org"], ["value": "b@EXAMPLE.org"]]]),
            onVariation: true
        ),
        Example(
            filter: #"userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org")"#,
            onFullUser: false,
            variation: F.user(["userType": "Contractor", "emails": [["value": "babs@jensen.org"]]]),
            onVariation: true
        ),
        Example(
            filter: #"userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org")"#,
            onFullUser: false,
            variation: F.user(["userType": "Contractor"]),
            onVariation: false
        ),
        Example(
            filter: #"userType eq "Employee" and (emails.type eq "work")"#,
            onFullUser: true,
            variation: F.user(["emails": [["value": "babs@jensen.org", "type": "home"]]]),
            onVariation: false
        ),
        Example(
            filter: #"userType eq "Employee" and emails[type eq "work" and value co "@example.com"]"#,
            onFullUser: true,
            // A work address and an example.com address, but not in the same element.
            variation: F.user([
                "emails": [
                    ["value": "babs@jensen.org", "type": "work"], ["value": "babs@example.com", "type": "home"],
                ]
            ]),
            onVariation: false
        ),
        Example(
            filter:
                #"emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp" and value co "@foo.com"]"#,
            onFullUser: true,
            variation: F.user(["emails": [], "ims": [["type": "xmpp", "value": "babs@foo.com"]]]),
            onVariation: true
        ),
        Example(
            filter:
                #"emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp" and value co "@foo.com"]"#,
            onFullUser: true,
            variation: F.user([
                "emails": [],
                "ims": [["type": "aim", "value": "babs@foo.com"], ["type": "xmpp", "value": "x@bar.com"]],
            ]),
            onVariation: false
        ),
        // §3.4.3, Figure 4 (the .search request body; JSON-unescaped).
        Example(
            filter: #"displayName sw "smith""#,
            onFullUser: false,
            variation: F.user(["displayName": "Smith, John"]),
            onVariation: true
        ),
    ]

    @Test("evaluates as its meaning demands", arguments: examples)
    func example(_ e: Example) throws {
        #expect(try F.matches(e.filter, F.fullUser) == e.onFullUser)
        #expect(try F.matches(e.filter, e.variation) == e.onVariation)
    }

    @Test("Figure 2 as printed, with its line breaks, parses like the joined line")
    func wrappedLines() throws {
        let wrapped = "userType eq \"Employee\" and emails[type eq \"work\" and\n  value co \"@example.com\"]"
        let joined = #"userType eq "Employee" and emails[type eq "work" and value co "@example.com"]"#
        #expect(
            try FilterResolver.resolve(wrapped, against: F.userSchema)
                == FilterResolver.resolve(joined, against: F.userSchema)
        )
    }

    @Test("the two spellings in §3.4.2.2 parse to the same filter")
    func caseInsensitiveSpellingsAgree() throws {
        let a = try FilterResolver.resolve(#"userName Eq "john""#, against: F.userSchema)
        let b = try FilterResolver.resolve(#"Username eq "john""#, against: F.userSchema)
        #expect(a == b)
    }

    @Test("every filter printed in Figure 2 is in the table")
    func everyPrintedFilterIsCovered() throws {
        // The RFC's own lines (Figure 2 wraps two of them; joined here with one space).
        let printed = [
            #"userName eq "bjensen""#, #"name.familyName co "O'Malley""#, #"userName sw "J""#,
            #"urn:ietf:params:scim:schemas:core:2.0:User:userName sw "J""#, "title pr",
            #"meta.lastModified gt "2011-05-13T04:42:34Z""#, #"meta.lastModified ge "2011-05-13T04:42:34Z""#,
            #"meta.lastModified lt "2011-05-13T04:42:34Z""#, #"meta.lastModified le "2011-05-13T04:42:34Z""#,
            #"title pr and userType eq "Employee""#, #"title pr or userType eq "Intern""#,
            #"schemas eq "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User""#,
            #"userType eq "Employee" and (emails co "example.com" or emails.value co "example.org")"#,
            #"userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org")"#,
            #"userType eq "Employee" and (emails.type eq "work")"#,
            #"userType eq "Employee" and emails[type eq "work" and value co "@example.com"]"#,
            #"emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp" and value co "@foo.com"]"#,
        ]
        let covered = Set(Self.examples.map(\.filter))
        for p in printed { #expect(covered.contains(p), "\(p)") }
    }

    @Test("the RFC 7643 §8.4 Group and the meta.resourceType filter (§3.4.2.1, quoted)")
    func resourceTypeFilterOnBothSchemas() throws {
        let text = #"(meta.resourceType eq "User") or (meta.resourceType eq "Group")"#
        #expect(try F.matches(text, F.fullUser, schema: F.userSchema))
        #expect(try F.matches(text, F.tourGuides, schema: F.groupSchema))
        #expect(try F.matches(#"meta.resourceType eq "User""#, F.tourGuides, schema: F.groupSchema) == false)
    }

    /// §3.4.2.1 prints `meta.resourceType eq User` and §3.7.2 `displayName sw 'Group'`; neither is a JSON
    /// string, so the Figure 1 grammar (which §3.4.2.2 says filters MUST conform to) rejects them.
    @Test(
        "examples that break the RFC's own grammar are refused with a helpful detail",
        arguments: [
            (#"(meta.resourceType eq User) or (meta.resourceType eq Group)"#, 23),
            (#"displayName sw 'Group'"#, 16),
        ]
    )
    func ungrammaticalExamples(_ text: String, _ position: Int) throws {
        let e = try #require(F.error(text, schema: F.groupSchema))
        #expect(e.status == 400)
        #expect(e.scimType == .invalidFilter)
        #expect(e.detail.contains("double quotes"))
        #expect(e.detail.contains("position \(position)"))
    }

    @Test(
        "precedence: not > and > or, parentheses group",
        arguments: [
            (#"a eq 1 or b eq 2 and c eq 3"#, "or(a, and(b, c))"),
            (#"a eq 1 and b eq 2 or c eq 3"#, "or(and(a, b), c)"),
            (#"(a eq 1 or b eq 2) and c eq 3"#, "and(or(a, b), c)"),
            (#"a eq 1 or b eq 2 or c eq 3"#, "or(or(a, b), c)"),
            (#"a eq 1 and b eq 2 and c eq 3"#, "and(and(a, b), c)"),
            (#"not (a eq 1) and b eq 2"#, "and(not(a), b)"),
            (#"not (a eq 1 or b eq 2) and c eq 3"#, "and(not(or(a, b)), c)"),
            (#"a eq 1 or not (b eq 2) and c eq 3"#, "or(a, and(not(b), c))"),
            (#"a eq 1 or x[b eq 2 or c eq 3] and d eq 4"#, "or(a, and(x[or(b, c)], d))"),
            (#"((((a eq 1))))"#, "a"),
            (#"(a eq 1) AND ((b eq 2) Or (c eq 3))"#, "and(a, or(b, c))"),
        ]
    )
    func precedence(_ text: String, _ shape: String) throws {
        #expect(Self.shape(try FilterParser.parse(text)) == shape)
    }

    /// The tree with each comparison reduced to its attribute name.
    static func shape(_ e: FilterExpression) -> String {
        switch e {
        case .compare(let a, _, _), .present(let a): return a.path.name
        case .and(let l, let r): return "and(\(shape(l)), \(shape(r)))"
        case .or(let l, let r): return "or(\(shape(l)), \(shape(r)))"
        case .not(let x): return "not(\(shape(x)))"
        case .valuePath(let a, let x): return "\(a.path.name)[\(shape(x))]"
        }
    }

    @Test(
        "canonical description keeps the grouping and reparses to the same meaning",
        arguments: [
            (#"a eq 1 or b eq 2 and c eq 3"#, #"a eq 1 or b eq 2 and c eq 3"#),
            (#"(a eq 1 or b eq 2) and c eq 3"#, #"(a eq 1 or b eq 2) and c eq 3"#),
            (#"a eq 1 and (b eq 2 or c eq 3)"#, #"a eq 1 and (b eq 2 or c eq 3)"#),
            (#"NOT(a Eq "x")  and  b PR"#, #"not (a eq "x") and b pr"#),
            (
                #"emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp"]"#,
                #"emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp"]"#
            ),
            (#"x eq "a\"b" and y eq "\u00e9""#, #"x eq "a\"b" and y eq "é""#),
        ]
    )
    func description(_ text: String, _ canonical: String) throws {
        let e = try FilterParser.parse(text)
        #expect(e.description == canonical)
        let again = try FilterParser.parse(e.description)
        #expect(Self.shape(again) == Self.shape(e))
        #expect(again.description == canonical)
    }
}
