import Testing

@testable import SCIM

/// Comparison values, RFC 7644 §3.4.2.2 Figure 1: `compValue = false / null / true / number / string`
/// with JSON (RFC 7159) syntax, so escapes and non-ASCII text work.
@Suite("Filter: literals, escapes, null, not and grouping")
struct FilterLiteralTests {
    typealias F = FilterFixtures

    @Test(
        "string escapes decode as JSON",
        arguments: [
            (#""a\"b""#, "a\"b"), (#""\u00e9""#, "é"), (#""back\\slash""#, "back\\slash"), (#""\/path""#, "/path"),
            (#""tab\there""#, "tab\there"), (#""\ud83d\ude00""#, "😀"), (#""(not) [a] and or""#, "(not) [a] and or"),
            (#""""#, ""), (#""Zoë Ω""#, "Zoë Ω"),
        ]
    )
    func escapes(_ literal: String, _ decoded: String) throws {
        let e = try FilterParser.parse("displayName eq \(literal)")
        guard case .compare(_, .eq, .string(let s)) = e else {
            Issue.record("not a string comparison: \(e)")
            return
        }
        #expect(s == decoded)
        #expect(try F.matches("displayName eq \(literal)", F.user(["displayName": .string(decoded)])))
    }

    @Test(
        "non-ASCII display names compare case-insensitively (caseExact false)",
        arguments: [
            (#"displayName eq "ÉQUIPE""#, "équipe", true),
            (#"displayName eq "\u00c9QUIPE""#, "équipe", true),
            (#"displayName eq "ÉQUIPE""#, "equipe", false),
            // The same text precomposed in the filter and decomposed (e + U+0301) in the resource.
            (#"displayName eq "équipe""#, "e\u{301}quipe", true),
            (#"displayName sw "ÉQ""#, "équipe", true),
            (#"displayName co "ÜBER""#, "Die Straße über", true),
            (#"displayName eq "ΟΔΥΣΣΕΥΣ""#, "οδυσσευς", true),
            (#"displayName eq "Отдел продаж""#, "ОТДЕЛ ПРОДАЖ", true),
            (#"displayName eq "エンジニア""#, "エンジニア", true),
        ]
    )
    func nonASCII(_ filter: String, _ stored: String, _ expected: Bool) throws {
        #expect(try F.matches(filter, F.user(["displayName": .string(stored)])) == expected)
        #expect(
            try F.matches(filter, F.user(["displayName": .string(stored)], base: F.engineering), schema: F.groupSchema)
                == expected
        )
    }

    @Test("caseExact true keeps non-ASCII case")
    func nonASCIICaseExact() throws {
        #expect(try F.matches(#"externalId eq "Équipe""#, F.user(["externalId": "équipe"])) == false)
        #expect(try F.matches(#"externalId eq "équipe""#, F.user(["externalId": "équipe"])))
    }

    @Test(
        "true, false and null literals",
        arguments: [
            ("active eq true", true), ("active eq false", false), ("active ne false", true),
            ("title eq null", false), ("title ne null", true), ("nickName eq null", false),
            ("emails.display eq null", true), ("ims.display ne null", false),
        ]
    )
    func keywords(_ filter: String, _ expected: Bool) throws {
        #expect(try F.matches(filter, F.fullUser) == expected)
    }

    @Test("eq null matches an absent, null or empty-array attribute (RFC 7643 §2.5)")
    func eqNull() throws {
        for u in [F.without("title"), F.user(["title": nil])] {
            #expect(try F.matches("title eq null", u))
            #expect(try F.matches("title ne null", u) == false)
            #expect(try F.matches("title pr", u) == false)
        }
        #expect(try F.matches("emails eq null", F.user(["emails": []])))
        #expect(try F.matches("emails.value eq null", F.without("emails")))
        #expect(try F.matches("emails eq null", F.fullUser) == false)
    }

    @Test(
        "numbers in JSON syntax",
        arguments: [
            ("0", JSONValue.integer(0)), ("-12", .integer(-12)), ("1.5", .decimal(1.5)), ("1.5e3", .decimal(1500)),
            ("2E-2", .decimal(0.02)), ("9223372036854775807", .integer(Int64.max)),
        ]
    )
    func numbers(_ literal: String, _ value: JSONValue) throws {
        let e = try FilterParser.parse("x eq \(literal)")
        #expect(e == .compare(FilterAttribute(path: AttributePath(name: "x"), position: 1), .eq, value))
    }

    @Test(
        "not (...) negates; nested parentheses group",
        arguments: [
            (#"not (userName eq "bjensen@example.com")"#, false),
            (#"not(userName eq "nobody")"#, true),
            (#"not (not (title pr))"#, true),
            (#"not (title pr and userType eq "Intern")"#, true),
            (#"not (title pr) or not (userType eq "Employee")"#, false),
            (#"((userName eq "nobody") or ((title pr)))"#, true),
            (#"((userName eq "nobody" or title pr) and (((active eq false))))"#, false),
            (#"(((((((((((title pr)))))))))))"#, true),
            (#"  title pr  "#, true),
            ("title\tpr", true),
        ]
    )
    func grouping(_ filter: String, _ expected: Bool) throws {
        #expect(try F.matches(filter, F.fullUser) == expected)
    }
}
