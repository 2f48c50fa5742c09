import Testing

@testable import SCIM

/// Malformed or unresolvable filters are HTTP 400 with scimType invalidFilter (RFC 7644 §3.4.2.2,
/// §3.12), and the detail says where the problem is.
@Suite("Filter: errors")
struct FilterErrorTests {
    typealias F = FilterFixtures

    /// (filter, 1-based character position the detail must name, a word the detail must contain)
    @Test(
        "syntax errors name the position",
        arguments: [
            (#"userName eq"#, 12, "value"),
            (#"userName eq "x"#, 13, "Unterminated"),
            (#"userName xx "a""#, 10, "'xx'"),
            (#"userName regex "a""#, 10, "'regex'"),
            (#"(userName eq "a""#, 17, "')'"),
            (#"userName eq "a")"#, 16, "')'"),
            (#"emails[type eq "work""#, 22, "']'"),
            (#"emails[type eq "x"][value eq "y"]"#, 20, "'['"),
            (#"emails[type eq "work" and value[x eq 1]]"#, 32, "nested"),
            (#"userName eq "a" and"#, 20, "end of filter"),
            (#"userName eq "a" or (title pr"#, 29, "')'"),
            (#"userName pr "x""#, 13, "'\"'"),
            (#"userName eq "a" andactive eq true"#, 17, "'andactive'"),
            (#"userName eq bjensen"#, 13, "double quotes"),
            (#"userName eq 01"#, 13, "not a valid value"),
            (#"userName eq "a\x""#, 13, "Invalid string"),
            (#"userName.foo.bar eq "x""#, 1, "not a valid attribute path"),
            (#""userName" eq "x""#, 1, "attribute name"),
            (#"emails[] pr"#, 8, "attribute name"),
            // `or` is also a legal attribute name, so the second one reads as an attribute missing its operator.
            (#"userName eq "a" or or"#, 22, "after 'or'"),
            (#"not userName eq "x""#, 1, "not ("),
            // Positions count characters, not UTF-8 bytes.
            (#"displayName eq "équipe" xx"#, 25, "'xx'"),
            (#"displayName eq "日本" and x"#, 26, "after 'x'"),
        ]
    )
    func syntax(_ filter: String, _ position: Int, _ mention: String) throws {
        let e = try #require(F.error(filter), "\(filter) should be refused")
        #expect(e.status == 400)
        #expect(e.scimType == .invalidFilter)
        #expect(e.detail.contains("position \(position)"), "\(e.detail)")
        #expect(e.detail.contains(mention), "\(e.detail)")
    }

    @Test("empty filters are refused", arguments: ["", "   ", "\t"])
    func empty(_ filter: String) throws {
        let e = try #require(F.error(filter))
        #expect(e.scimType == .invalidFilter)
        #expect(e.detail.contains("empty"))
    }

    @Test(
        "schema errors name the attribute and its position",
        arguments: [
            (#"foo eq "x""#, "'foo'", 1),
            (#"title pr and foo eq "x""#, "'foo'", 14),
            (#"name.foo eq "x""#, "'foo'", 1),
            (#"userName.value eq "x""#, "no sub-attributes", 1),
            (#"active eq "yes""#, "true or false", 1),
            (#"active gt true"#, "'gt'", 1),
            (#"meta.created gt "yesterday""#, "'yesterday'", 1),
            (#"meta.lastModified eq 5"#, "dateTime", 1),
            (#"userName eq 5"#, "double quotes", 1),
            (#"name eq "x""#, "sub-attribute", 1),
            (#"userName[value eq "x"]"#, "not a complex attribute", 1),
            (#"emails[emails.value eq "x"]"#, "sub-attribute", 8),
            (#"emails[foo eq "x"]"#, "'foo'", 8),
            (#"emails[urn:ietf:params:scim:schemas:core:2.0:User:type eq "x"]"#, "sub-attribute", 8),
            (#"title gt null"#, "null", 1),
            (#"urn:example:unknown:1.0:foo eq "x""#, "urn:example:unknown:1.0", 1),
        ]
    )
    func resolution(_ filter: String, _ mention: String, _ position: Int) throws {
        let e = try #require(F.error(filter), "\(filter) should be refused")
        #expect(e.status == 400)
        #expect(e.scimType == .invalidFilter)
        #expect(e.detail.contains(mention), "\(e.detail)")
        #expect(e.detail.contains("position \(position)"), "\(e.detail)")
    }

    @Test("Group attributes are not User attributes and vice versa")
    func wrongResourceType() throws {
        #expect(F.error(#"members.value eq "x""#, schema: F.userSchema)?.scimType == .invalidFilter)
        #expect(F.error(#"userName eq "x""#, schema: F.groupSchema)?.scimType == .invalidFilter)
        #expect(F.error("title pr", schema: F.groupSchema)?.scimType == .invalidFilter)
    }

    @Test("very deep nesting is an error, not a crash", arguments: ["(", "not (", "not(", "(not ("])
    func deepNesting(_ opener: String) throws {
        let text = String(repeating: opener, count: 10_000) + "title pr" + String(repeating: ")", count: 10_000)
        let e = try #require(F.error(text))
        #expect(e.scimType == .invalidFilter)
        #expect(e.detail.contains("nested too deeply"))
    }

    @Test("nesting up to the limit is accepted")
    func nestingAtTheLimit() throws {
        let n = FilterParser.maximumDepth - 1
        let text = String(repeating: "(", count: n) + "title pr" + String(repeating: ")", count: n)
        #expect(try F.matches(text, F.fullUser))
    }

    @Test("very long flat chains are refused, not a crash", arguments: [" or ", " and "])
    func longChains(_ op: String) throws {
        let text = Array(repeating: #"userName eq "x""#, count: 100_000).joined(separator: op)
        let e = try #require(F.error(text))
        #expect(e.scimType == .invalidFilter)
        #expect(e.detail.contains("more than \(FilterParser.maximumComparisons) comparisons"))
    }

    @Test("chains up to the comparison limit parse, resolve and evaluate")
    func chainsAtTheLimit() throws {
        let n = FilterParser.maximumComparisons
        var terms = (1..<n).map { #"userName eq "user\#($0)""# }
        terms.append(#"userName eq "bjensen@example.com""#)
        #expect(try F.matches(terms.joined(separator: " or "), F.fullUser))
        #expect(try F.matches(terms.joined(separator: " and "), F.fullUser) == false)
        #expect(try F.matches(Array(repeating: "title pr", count: n).joined(separator: " and "), F.fullUser))
        let over = Array(repeating: "title pr", count: n + 1).joined(separator: " or ")
        #expect(F.error(over)?.detail.contains("position \(n * 12 + 1)") == true)
    }

    @Test("a chain is grouped so that its depth stays small")
    func chainDepth() throws {
        let text = Array(repeating: "title pr", count: 1_000).joined(separator: " or ")
        #expect(Self.depth(try FilterParser.parse(text)) <= 11)
    }

    static func depth(_ e: FilterExpression) -> Int {
        switch e {
        case .compare, .present: return 1
        case .and(let l, let r), .or(let l, let r): return 1 + max(depth(l), depth(r))
        case .not(let x), .valuePath(_, let x): return 1 + depth(x)
        }
    }
}
