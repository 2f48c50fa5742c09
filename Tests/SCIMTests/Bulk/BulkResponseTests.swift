import Testing

@testable import SCIM

@Suite("Bulk responses (RFC 7644 §3.7.3)")
struct BulkResponseTests {
    @Test("§3.7.2 response with status objects decodes")
    func statusObjects() throws {
        let r = try BulkResponse(json: try JSONParser.parse(BulkFixtures.tourGuidesResponse))
        #expect(r.operations.map(\.status) == [201, 201])
        #expect(r.operations.map(\.bulkId) == ["qwerty", "ytrewq"])
        #expect(r.operations[0].location == "https://example.com/v2/Users/92b725cd-9465-4e7d-8c16-01f8e146b87a")
        #expect(r.operations[0].version == #"W/"4weymrEsh5O6cAEK""#)
    }

    @Test("§3.7.3 response encodes to the RFC's JSON")
    func mixedResponseEncoding() throws {
        let rfc = try JSONParser.parse(BulkFixtures.mixedResponse)
        let response = BulkResponse(operations: [
            BulkOperationResult(
                location: "https://example.com/v2/Users/92b725cd-9465-4e7d-8c16-01f8e146b87a",
                method: .post,
                bulkId: "qwerty",
                version: #"W/"oY4m4wn58tkVjJxK""#,
                status: 201
            ),
            BulkOperationResult(
                location: "https://example.com/v2/Users/b7c14771-226c-4d05-8860-134711653041",
                method: .put,
                version: #"W/"huJj29dMNgu3WXPD""#,
                status: 200
            ),
            BulkOperationResult(
                location: "https://example.com/v2/Users/5d8d29d3-342c-4b5f-8683-a3cb6763ffcc",
                method: .patch,
                version: #"W/"huJj29dMNgu3WXPD""#,
                status: 200
            ),
            BulkOperationResult(
                location: "https://example.com/v2/Users/e9025315-6bea-44e1-899c-1e07454e468b",
                method: .delete,
                status: 204
            ),
        ])
        #expect(try JSONParser.parse(response.encodedBytes()) == rfc)
        #expect(response.encodedBytes() == response.json.serializedBytes())
        #expect(try BulkResponse(json: rfc) == response)
    }

    @Test("a failed POST has no location and carries the §3.12 error body")
    func failure() throws {
        let post = BulkOperation(method: .post, bulkId: "qwerty", path: "/Users", data: ["userName": "Alice"])
        let error = SCIMError.invalidSyntax("Request is unparsable, syntactically incorrect, or violates schema.")
        let result = BulkOperationResult.failure(of: post, error: error, location: "https://example.com/v2/Users")
        #expect(result.location == nil)
        // The erratum-7916-corrected shape of the §3.7.3 failed-operation example.
        let expected = try JSONParser.parse(
            """
            {
              "method": "POST",
              "bulkId": "qwerty",
              "status": "400",
              "response":{
                 "schemas": ["urn:ietf:params:scim:api:messages:2.0:Error"],
                 "scimType":"invalidSyntax",
                 "detail":
              "Request is unparsable, syntactically incorrect, or violates schema.",
                 "status":"400"
              }
            }
            """
        )
        #expect(result.json == expected)

        let put = BulkOperation(method: .put, path: "/Users/b7c1", data: [:])
        let failedPut = BulkOperationResult.failure(
            of: put,
            error: .preconditionFailed("Failed to update.  Resource changed on the server."),
            location: "https://example.com/v2/Users/b7c1"
        )
        #expect(failedPut.location == "https://example.com/v2/Users/b7c1")
        #expect(failedPut.status == 412)
        #expect(failedPut.response?["status"] == "412")
    }

    @Test(
        "malformed results are invalidSyntax",
        arguments: [
            #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:BulkResponse"]}"#,
            #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:BulkResponse"],"Operations":[{"method":"POST"}]}"#,
            #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:BulkResponse"],"Operations":[{"method":"GET","status":"200"}]}"#,
            #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:BulkResponse"],"Operations":[{"method":"PUT","status":"2000"}]}"#,
        ]
    )
    func malformed(_ text: String) throws {
        let json = try JSONParser.parse(text)
        #expect(throws: SCIMError.self) { try BulkResponse(json: json) }
    }
}
