import Testing

@testable import SCIM

@Suite("SearchRequest (RFC 7644 §3.4.3)")
struct SearchRequestTests {
    func decode(_ text: String) throws -> SearchRequest { try SearchRequest(json: try JSONParser.parse(text)) }

    func expectError(_ text: String, _ type: SCIMError.ScimType, mentioning needle: String) throws {
        let json = try JSONParser.parse(text)
        do {
            _ = try SearchRequest(json: json)
            Issue.record("expected an error for \(text)")
        } catch {
            #expect(error.status == 400)
            #expect(error.scimType == type)
            #expect(error.detail.contains(needle), "detail: \(error.detail)")
        }
    }

    @Test("§3.4.3 Figure 4, verbatim")
    func rfcExample() throws {
        let r = try decode(
            """
            {
              "schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],
              "attributes": ["displayName", "userName"],
              "filter":
                "displayName sw \\"smith\\"",
              "startIndex": 1,
              "count": 10
            }
            """
        )
        #expect(
            r
                == SearchRequest(
                    attributes: ["displayName", "userName"],
                    filter: #"displayName sw "smith""#,
                    startIndex: 1,
                    count: 10
                )
        )
        let projection = try r.projection(for: QueryFixtures.user)
        let out = projection.apply(to: try QueryFixtures.object(QueryFixtures.bjensen))
        #expect(out.keys == ["schemas", "id", "userName", "displayName"])
        let page = try r.pagination(PaginationConfiguration(cursor: false, index: true, maxPageSize: 100))
        #expect(page == .index(IndexPage(startIndex: 1, count: 10)))
        #expect(try r.sort(for: QueryFixtures.user) == nil)
        _ = try FilterParser.parse(try #require(r.filter))
    }

    @Test("RFC 9865 §3 example with an empty cursor")
    func cursorExample() throws {
        let r = try decode(
            """
            {
               "schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],
               "attributes": ["displayName", "userName"],
               "filter": "displayName sw \\"smith\\"",
               "cursor": "",
               "count": 10
            }
            """
        )
        #expect(r.cursor == "")
        let page = try r.pagination(PaginationConfiguration(cursor: true, index: true, maxPageSize: 100))
        #expect(page == .cursor(CursorPage(cursor: nil, count: 10)))
    }

    @Test func sortAndExcluded() throws {
        let r = try decode(
            #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],"excludedAttributes":["emails"],"sortBy":"userName","sortOrder":"Descending"}"#
        )
        #expect(r.sortOrder == .descending)
        let sort = try #require(try r.sort(for: QueryFixtures.user))
        #expect(sort.sortBy.canonicalPath == "userName")
        #expect(sort.order == .descending)
        #expect(try r.projection(for: QueryFixtures.user).mode == .exclude)
    }

    @Test func nullMembersAreAbsentAndUnknownMembersIgnored() throws {
        let r = try decode(
            #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],"filter":null,"count":null,"x-vendor":1}"#
        )
        #expect(r == SearchRequest())
    }

    @Test func jsonRoundTrip() throws {
        let r = SearchRequest(
            attributes: ["userName"],
            filter: "userName eq \"a\"",
            sortBy: "userName",
            sortOrder: .ascending,
            startIndex: 3,
            count: 7
        )
        #expect(try SearchRequest(json: r.json) == r)
    }

    @Test func schemasAreRequired() throws {
        try expectError(#"{"filter":"userName pr"}"#, .invalidSyntax, mentioning: MessageSchema.searchRequest)
        try expectError(
            #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"]}"#,
            .invalidSyntax,
            mentioning: MessageSchema.searchRequest
        )
        try expectError(
            #"{"schemas":"urn:ietf:params:scim:api:messages:2.0:SearchRequest"}"#,
            .invalidSyntax,
            mentioning: "array"
        )
        try expectError(
            #"["urn:ietf:params:scim:api:messages:2.0:SearchRequest"]"#,
            .invalidSyntax,
            mentioning: "object"
        )
    }

    @Test func schemaURNIsCaseInsensitive() throws {
        _ = try decode(#"{"schemas":["URN:IETF:PARAMS:SCIM:API:MESSAGES:2.0:SEARCHREQUEST"]}"#)
    }

    @Test(
        "wrong member types are invalidSyntax naming the member",
        arguments: [
            (#""attributes":"userName""#, "attributes"),
            (#""attributes":["userName",1]"#, "attributes[1]"),
            (#""excludedAttributes":{}"#, "excludedAttributes"),
            (#""filter":true"#, "filter"),
            (#""sortBy":["userName"]"#, "sortBy"),
            (#""sortOrder":1"#, "sortOrder"),
            (#""startIndex":"1""#, "startIndex"),
            (#""count":1.5"#, "count"),
            (#""cursor":5"#, "cursor"),
        ]
    )
    func wrongTypes(_ member: String, _ name: String) throws {
        try expectError(
            #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],"# + member + "}",
            .invalidSyntax,
            mentioning: "'\(name)'"
        )
    }

    @Test func invalidValues() throws {
        let head = #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],"#
        try expectError(head + #""sortOrder":"up"}"#, .invalidValue, mentioning: "sortOrder")
        try expectError(
            head + #""attributes":["a"],"excludedAttributes":["b"]}"#,
            .invalidSyntax,
            mentioning: "mutually exclusive"
        )
        try expectError(head + #""startIndex":1,"cursor":"abc"}"#, .invalidValue, mentioning: "cursor")
    }
}
