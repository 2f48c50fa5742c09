import Testing

@testable import SCIM

/// The finer points of RFC 7644 §3.4.2.2 (multi-valued attributes, `ne`, `pr` on complex values,
/// comparison of a complex attribute through its `value`).
@Suite("Filter: RFC 7644 §3.4.2.2 semantics")
struct FilterSemanticsTests {
    typealias F = FilterFixtures

    /// "If the specified attribute in a filter expression is a multi-valued attribute, the filter
    /// matches if any of the values of the specified attribute match the specified criterion" — `ne` too.
    @Test("ne on a multi-valued attribute: some value differs")
    func neMultiValued() throws {
        // emails.type = ["work", "home"]
        #expect(try F.matches(#"emails.type ne "work""#, F.fullUser))
        #expect(try F.matches(#"emails.type ne "other""#, F.fullUser))
        let onlyWork = F.user(["emails": [["value": "a@example.com", "type": "work"]]])
        #expect(try F.matches(#"emails.type ne "work""#, onlyWork) == false)
        #expect(try F.matches(#"emails.type ne "WORK""#, onlyWork) == false)
        // Excluding every user with a work address is `not (...)`, not `ne`.
        #expect(try F.matches(#"not (emails.type eq "work")"#, F.fullUser) == false)
        #expect(try F.matches(#"emails ne "bjensen@example.com""#, F.fullUser))
        #expect(try F.matches(#"emails[type ne "work"]"#, F.fullUser))
    }

    /// An unassigned attribute is equivalent to null (RFC 7643 §2.5), which is not identical to any value.
    @Test("ne on an absent attribute matches")
    func neAbsent() throws {
        #expect(try F.matches(#"title ne "Tour Guide""#, F.without("title")))
        #expect(try F.matches(#"emails.type ne "work""#, F.without("emails")))
        #expect(try F.matches(#"emails.type ne "work""#, F.user(["emails": []])))
        #expect(try F.matches(#"title ne "Tour Guide""#, F.fullUser) == false)
        #expect(try F.matches(#"title ne "tour guide""#, F.fullUser) == false)
    }

    @Test(
        "other operators on an absent attribute do not match",
        arguments: ["eq", "co", "sw", "ew", "gt", "ge", "lt", "le"]
    )
    func absentDoesNotMatch(_ op: String) throws {
        #expect(try F.matches(#"title \#(op) "Tour Guide""#, F.without("title")) == false)
        #expect(
            try F.matches(#"title \#(op) "Tour Guide""#, F.fullUser)
                == ["eq", "co", "sw", "ew", "ge", "le"].contains(op)
        )
    }

    /// "If the attribute has a non-empty or non-null value, or if it contains a non-empty node for
    /// complex attributes, there is a match."
    @Test(
        "pr on complex and multi-valued attributes",
        arguments: [
            (#"{"name": {"givenName": "Barbara"}}"#, "name pr", true),
            (#"{"name": {}}"#, "name pr", false),
            (#"{"name": {"givenName": ""}}"#, "name pr", false),
            (#"{"name": {"givenName": null}}"#, "name pr", false),
            (#"{"name": null}"#, "name pr", false),
            (#"{"emails": []}"#, "emails pr", false),
            (#"{"emails": [{}]}"#, "emails pr", false),
            (#"{"emails": [{"type": "work"}]}"#, "emails pr", true),
            (#"{"emails": [{"type": "work"}]}"#, "emails.value pr", false),
            (#"{"emails": [{"value": ""}, {"value": "a@b.c"}]}"#, "emails.value pr", true),
            (#"{"title": ""}"#, "title pr", false),
            (#"{"active": false}"#, "active pr", true),
            (
                #"{"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"manager": {"value": ""}}}"#,
                "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager pr", false
            ),
        ]
    )
    func presence(_ resource: String, _ filter: String, _ expected: Bool) throws {
        #expect(try F.matches(filter, F.object(resource)) == expected)
    }

    /// Figure 2 itself writes `emails co "example.com"`: a multi-valued complex attribute compared
    /// without a sub-attribute is compared through its `value` (RFC 7643 §2.4: "value" is the
    /// attribute's significant value). PingOne sends `emails eq "%s"` the same way.
    @Test("a complex attribute compared without a sub-attribute uses its value")
    func throughValue() throws {
        #expect(try F.matches(#"emails co "example.com""#, F.fullUser))
        #expect(try F.matches(#"emails eq "BABS@jensen.org""#, F.fullUser))
        #expect(try F.matches(#"emails co "work""#, F.fullUser) == false)
        #expect(try F.matches(#"emails sw "babs""#, F.fullUser))
        #expect(try F.matches(#"phoneNumbers ew "4444""#, F.fullUser))
        #expect(try F.matches(#"groups eq "fc348aa8-3835-40eb-a20b-c726e15c55b5""#, F.fullUser))
        #expect(
            try F.matches(
                #"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager eq "26118915-6090-4610-87e4-49d8ca9f808d""#,
                F.fullUser
            )
        )
    }

    @Test(
        "gt/lt on strings are lexicographic, not numeric or by length",
        arguments: [
            (#"userName gt "9""#, "10", false), (#"userName lt "9""#, "10", true),
            (#"userName gt "abc""#, "abcd", true), (#"userName gt "abd""#, "abcd", false),
            (#"userName lt "b""#, "a-very-long-name", true), (#"userName ge "Z""#, "a", false),
            // Code-point order after case folding: "é" (U+00E9) sorts after "f" (U+0066).
            (#"userName lt "É""#, "f", true), (#"userName gt "É""#, "f", false),
        ]
    )
    func lexicographic(_ filter: String, _ stored: String, _ expected: Bool) throws {
        #expect(try F.matches(filter, F.user(["userName": .string(stored)])) == expected)
    }

    @Test("sw and ew are satisfied by identical strings; co by the empty string")
    func substringEdges() throws {
        let u = F.user(["title": "Tour Guide"])
        #expect(try F.matches(#"title sw "tour guide""#, u))
        #expect(try F.matches(#"title ew "TOUR GUIDE""#, u))
        #expect(try F.matches(#"title co "tour guide""#, u))
        #expect(try F.matches(#"title sw "Tour Guides""#, u) == false)
        #expect(try F.matches(#"title co """#, u))
    }

    @Test("values of the wrong JSON type in a resource never match")
    func wrongStoredType() throws {
        let u = F.user(["userName": 5, "active": "true", "meta": ["lastModified": "not a date"]])
        #expect(try F.matches(#"userName eq "5""#, u) == false)
        #expect(try F.matches("active eq true", u) == false)
        #expect(try F.matches(#"meta.lastModified gt "2000-01-01T00:00:00Z""#, u) == false)
        #expect(try F.matches(#"meta.lastModified lt "2000-01-01T00:00:00Z""#, u) == false)
    }

    @Test("and/or/not follow Boolean logic on every combination", arguments: [false, true], [false, true])
    func truthTable(_ a: Bool, _ b: Bool) throws {
        let u = F.user(["title": a ? "x" : nil, "nickName": b ? "y" : nil])
        #expect(try F.matches("title pr and nickName pr", u) == (a && b))
        #expect(try F.matches("title pr or nickName pr", u) == (a || b))
        #expect(try F.matches("not (title pr) and nickName pr", u) == (!a && b))
        #expect(try F.matches("not (title pr or nickName pr)", u) == !(a || b))
    }
}
