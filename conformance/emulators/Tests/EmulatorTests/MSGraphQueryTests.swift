import Emulators
import SCIM
import Testing

@Suite("Microsoft Graph emulator: $filter and list options, pure")
struct MSGraphQueryTests {
    let ann: JSONObject = [
        "userPrincipalName": "Ann@example.com", "displayName": "Ann O'Neil", "accountEnabled": true,
        "groupTypes": ["Unified"],
    ]

    @Test func filtersReadAndMatchAsGraphDoes() throws {
        let cases: [(String, Bool)] = [
            ("userPrincipalName eq 'ann@EXAMPLE.com'", true),
            ("displayName eq 'Ann O''Neil'", true),
            ("startsWith(displayName,'ann')", true),
            ("userPrincipalName in ('x@example.com', 'ann@example.com')", true),
            ("accountEnabled eq false", false),
            ("mail eq null", true),
            ("groupTypes/any(c:c eq 'unified')", true),
            ("not(accountEnabled eq true) or (displayName ne 'Bob' and endsWith(userPrincipalName,'.com'))", true),
        ]
        for (text, expected) in cases {
            #expect(try MSGraphFilter.parse(text).matches(ann) == expected, "\(text)")
        }
        #expect(try MSGraphFilter.parse("displayName ne 'x'").advancedOperator == "ne")
        #expect(try MSGraphFilter.parse("startsWith(displayName,'a')").advancedOperator == nil)
        #expect(throws: MSGraphFilter.SyntaxError.self) { try MSGraphFilter.parse("displayName eq 'open") }
        #expect(throws: MSGraphFilter.SyntaxError.self) { try MSGraphFilter.parse("displayName is 'x'") }
    }

    @Test func pagesCarryAnOpaqueTokenBackToTheirOffset() throws {
        let q = try MSGraphListQuery.parse([("$top", "2")], consistencyLevel: nil, resource: "User")
        let objects: [JSONObject] = (0..<5).map { ["id": .string("\($0)")] }
        let first = q.page(objects)
        #expect(first.items.count == 2)
        let token = MSGraphListQuery.skipToken(offset: try #require(first.next))
        let second = try MSGraphListQuery.parse(
            [("$top", "2"), ("$skiptoken", token)],
            consistencyLevel: nil,
            resource: "User"
        )
        #expect(second.page(objects).items.first?["id"] == "2")
        #expect(throws: MSGraphError.self) {
            try MSGraphListQuery.parse([("$skiptoken", "garbage")], consistencyLevel: nil, resource: "User")
        }
        #expect(throws: MSGraphError.self) {
            try MSGraphListQuery.parse([("$filter", "city eq 'x'")], consistencyLevel: nil, resource: "Group")
        }
    }
}
