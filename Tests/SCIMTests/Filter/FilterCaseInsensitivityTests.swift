import Testing

@testable import SCIM

/// RFC 7644 §3.4.2.2: attribute names, operators and logical operators are case-insensitive;
/// paths may carry their schema URN (§3.10). IdPs rely on both (PingOne's `username Eq "%s"`).
@Suite("Filter: case-insensitive names, operators and URN paths")
struct FilterCaseInsensitivityTests {
    typealias F = FilterFixtures

    static let lowerUser = F.user(["userName": "bjensen@example.com"])

    @Test(
        "any spelling of attribute and operator matches the caseExact:false userName",
        arguments: [
            #"username Eq "BJensen@Example.com""#,
            #"USERNAME EQ "bjensen@example.com""#,
            #"UserName eQ "BJENSEN@EXAMPLE.COM""#,
            #"userName eq "bjensen@example.com""#,
            #"urn:ietf:params:scim:schemas:core:2.0:User:userName eq "x" or USERNAME EQ "BJensen@Example.com""#,
            #"URN:IETF:PARAMS:SCIM:SCHEMAS:CORE:2.0:USER:USERNAME Sw "BJ""#,
        ]
    )
    func spellings(_ filter: String) throws {
        #expect(try F.matches(filter, Self.lowerUser))
        #expect(try F.matches(filter, F.user(["userName": "someone.else@example.com"])) == false)
    }

    @Test(
        "logical operators in any case",
        arguments: [
            (#"userName eq "bjensen@example.com" And active Eq true"#, true),
            (#"userName eq "nobody" OR active EQ TRUE"#, true),
            (#"Not (userName eq "nobody")"#, true),
            (#"NOT(userName eq "bjensen@example.com")"#, false),
            (#"userName eq "nobody" oR (active eq false AnD title pr)"#, false),
            (#"emails[TYPE EQ "WORK" AND Value CO "@EXAMPLE.COM"]"#, true),
        ]
    )
    func logicalOperators(_ filter: String, _ expected: Bool) throws {
        #expect(try F.matches(filter, F.fullUser) == expected)
    }

    @Test(
        "URN-qualified core and enterprise paths",
        arguments: [
            (#"urn:ietf:params:scim:schemas:core:2.0:User:userName eq "x""#, false),
            (#"urn:ietf:params:scim:schemas:core:2.0:User:userName eq "BJENSEN@example.com""#, true),
            (#"urn:ietf:params:scim:schemas:core:2.0:User:name.givenName eq "barbara""#, true),
            (#"urn:ietf:params:scim:schemas:core:2.0:User:meta.resourceType eq "User""#, true),
            (#"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber eq "701984""#, true),
            (#"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber eq "701985""#, false),
            (
                #"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq "26118915-6090-4610-87e4-49d8ca9f808d""#,
                true
            ),
            (#"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.displayName co "smith""#, true),
            (#"URN:IETF:PARAMS:SCIM:SCHEMAS:EXTENSION:ENTERPRISE:2.0:USER:MANAGER.VALUE pr"#, true),
            (#"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager pr"#, true),
            // Extension attributes without their URN resolve when only one extension defines them.
            (#"employeeNumber eq "701984""#, true),
            (#"manager.value sw "26118915""#, true),
        ]
    )
    func qualifiedPaths(_ filter: String, _ expected: Bool) throws {
        #expect(try F.matches(filter, F.fullUser) == expected)
    }

    @Test("enterprise attributes are absent when the extension object is missing")
    func enterpriseAbsent() throws {
        let plain = F.without("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User")
        let urn = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
        #expect(try F.matches(#"\#(urn):employeeNumber eq "701984""#, plain) == false)
        #expect(try F.matches("\(urn):employeeNumber pr", plain) == false)
        #expect(try F.matches("\(urn):manager.value eq null", plain))
    }

    @Test("a URN of a schema the resource type lacks is invalidFilter")
    func foreignURN() throws {
        let e = try #require(F.error(#"urn:ietf:params:scim:schemas:core:2.0:Group:displayName eq "x""#))
        #expect(e.scimType == .invalidFilter)
        #expect(e.detail.contains("urn:ietf:params:scim:schemas:core:2.0:Group"))
        // Enterprise attributes do not exist on Group.
        #expect(
            F.error(
                #"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber eq "1""#,
                schema: F.groupSchema
            )?.scimType == .invalidFilter
        )
    }

    @Test("stored member names are matched case-insensitively too")
    func storedKeysInOtherCase() throws {
        let u = F.object(#"{"USERNAME": "bjensen", "Emails": [{"Value": "b@x.org", "TYPE": "work"}]}"#)
        #expect(try F.matches(#"userName eq "BJensen""#, u))
        #expect(try F.matches(#"emails[type eq "work" and value eq "b@x.org"]"#, u))
    }
}
