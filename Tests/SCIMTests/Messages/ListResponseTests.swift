import Foundation
import Testing

@testable import SCIM

@Suite("ListResponse (RFC 7644 §3.4.2, RFC 9865 §2)")
struct ListResponseTests {
    func parse(_ bytes: [UInt8]) throws -> JSONValue { try JSONParser.parse(bytes) }

    @Test("§3.4.2 example: attributes=userName over two users")
    func rfcQueryExample() throws {
        let rfc = """
            {
              "schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
              "totalResults":2,
              "Resources":[
                {
                  "id":"2819c223-7f76-453a-919d-413861904646",
                  "userName":"bjensen"
                },
                {
                  "id":"c75ad752-64ae-4823-840d-ffa80929976c",
                  "userName":"jsmith"
                }
              ]
            }
            """
        let stored = try [
            #"{"id":"2819c223-7f76-453a-919d-413861904646","userName":"bjensen","displayName":"Babs","password":"x"}"#,
            #"{"id":"c75ad752-64ae-4823-840d-ffa80929976c","userName":"jsmith","active":true}"#,
        ].map(QueryFixtures.object)
        let projection = try AttributeProjection(
            attributes: "userName",
            excludedAttributes: nil,
            schema: QueryFixtures.user
        )
        let response = ListResponse(totalResults: 2, resources: stored)
        #expect(try parse(response.encodedBytes(projection: projection)) == (try JSONParser.parse(rfc)))
    }

    @Test("§3.4.2.4 Figure 3: paging metadata")
    func rfcPagingExample() throws {
        let page = try IndexPage.parse(startIndex: "1", count: "10", defaultPageSize: 100, maxPageSize: 100)
        let all = (1...100).map { i in JSONObject([("id", .string("u\(i)"))]) }
        let response = ListResponse(page: page, totalResults: all.count, resources: Array(page.slice(all)))
        var body = try #require(try parse(response.encodedBytes()).objectValue)
        #expect(body["Resources"]?.arrayValue?.count == 10)
        #expect(body["Resources"]?.arrayValue?.first?["id"] == "u1")
        body.removeValue(forKey: "Resources")
        let figure3 = """
            {
              "totalResults":100,
              "itemsPerPage":10,
              "startIndex":1,
              "schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"]
            }
            """
        #expect(JSONValue.object(body) == (try JSONParser.parse(figure3)))
    }

    @Test("RFC 9865 §2 cursor page metadata")
    func cursorExample() throws {
        let response = ListResponse(
            totalResults: 100,
            resources: [],
            itemsPerPage: 10,
            nextCursor: "YkU3OF86Pz0rGv",
            previousCursor: "ze7L30kMiiLX6x"
        )
        let body = try parse(response.encodedBytes())
        #expect(body["nextCursor"] == "YkU3OF86Pz0rGv")
        #expect(body["previousCursor"] == "ze7L30kMiiLX6x")
        #expect(body["startIndex"] == nil)
        // The last page of a cursor query without a known total: neither nextCursor nor totalResults.
        let last = try parse(ListResponse(totalResults: nil, resources: []).encodedBytes())
        #expect(last.objectValue?.keys == ["schemas", "Resources"])
    }

    @Test func goldenEncoding() throws {
        let url = try #require(
            Bundle.module.url(forResource: "list-response-users", withExtension: "json", subdirectory: "Golden")
        )
        let golden = try JSONParser.parse(Array(try Data(contentsOf: url)))
        let second = try QueryFixtures.object(
            #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"id":"c75ad752-64ae-4823-840d-ffa80929976c","userName":"jsmith","displayName":"J. \"Jay\" Smith \u00e9\u00e8 \\ /","password":"p","active":false}"#
        )
        let response = ListResponse(
            page: IndexPage(startIndex: 3, count: 2),
            totalResults: 7,
            resources: [try QueryFixtures.object(QueryFixtures.bjensen), second]
        )
        let bytes = response.encodedBytes(projection: AttributeProjection(schema: QueryFixtures.user))
        // Byte for byte: same members, same order, same escaping as the compact form of the golden file.
        #expect(String(decoding: bytes, as: UTF8.self) == golden.serialized())
    }

    @Test func directEncodingMatchesTheJSONValue() throws {
        let response = ListResponse(
            totalResults: 3,
            resources: [try QueryFixtures.object(QueryFixtures.bjensen), ["id": "x\"\n"]],
            startIndex: 2,
            itemsPerPage: 2,
            nextCursor: "n\"c",
            previousCursor: "p"
        )
        #expect(response.encodedBytes() == response.json.serializedBytes())
        let empty = ListResponse(totalResults: 0, resources: [])
        #expect(empty.encodedBytes() == empty.json.serializedBytes())
        #expect(
            String(decoding: empty.encodedBytes(), as: UTF8.self)
                == #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":0,"Resources":[]}"#
        )
    }

    @Test func decodeRoundTrip() throws {
        let response = ListResponse(
            totalResults: 5,
            resources: [["id": "a"], ["id": "b"]],
            startIndex: 1,
            itemsPerPage: 2,
            nextCursor: "abc"
        )
        #expect(try ListResponse(json: parse(response.encodedBytes())) == response)
    }

    @Test(
        "malformed ListResponses are invalidSyntax",
        arguments: [
            #"{"totalResults":0,"Resources":[]}"#,
            #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"totalResults":0}"#,
            #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":"2","Resources":[]}"#,
            #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":2}"#,
            #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":1,"Resources":[1]}"#,
            #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":-1,"Resources":[]}"#,
        ]
    )
    func malformed(_ text: String) throws {
        let json = try JSONParser.parse(text)
        do {
            _ = try ListResponse(json: json)
            Issue.record("expected an error")
        } catch {
            #expect(error.scimType == .invalidSyntax)
        }
    }
}
