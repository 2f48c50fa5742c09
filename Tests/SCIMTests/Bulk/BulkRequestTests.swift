import Testing

@testable import SCIM

@Suite("Bulk requests (RFC 7644 §3.7, §3.7.4)")
struct BulkRequestTests {
    let limits = BulkLimits()

    func decode(_ text: String, limits: BulkLimits = BulkLimits()) throws(SCIMError) -> BulkRequest {
        try BulkRequest.parse(Array(text.utf8), limits: limits)
    }

    func expectError(_ text: String, status: Int = 400, _ type: SCIMError.ScimType?, mentioning needle: String) {
        do {
            _ = try decode(text)
            Issue.record("expected an error for \(text)")
        } catch {
            #expect(error.status == status)
            #expect(error.scimType == type)
            #expect(error.detail.contains(needle), "detail: \(error.detail)")
        }
    }

    func request(_ operations: String) -> String {
        #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],"Operations":["# + operations + "]}"
    }

    @Test("§3.7.2 Tour Guides example decodes")
    func tourGuides() throws {
        let r = try decode(BulkFixtures.tourGuidesRequest)
        #expect(r.failOnErrors == nil)
        #expect(r.operations.map(\.method) == [.post, .post])
        #expect(r.operations.map(\.bulkId) == ["qwerty", "ytrewq"])
        #expect(r.operations.map(\.endpoint) == ["/Users", "/Groups"])
        #expect(r.operations[1].data?["members"]?.arrayValue?.first?["value"] == "bulkId:qwerty")
        #expect(try BulkRequest(json: r.json, limits: limits) == r)
    }

    @Test("§3.7.3 example: the verbatim PATCH data is not JSON; the PatchOp form decodes")
    func mixedOperations() throws {
        expectError(BulkFixtures.mixedRequestVerbatim, .invalidSyntax, mentioning: "not valid JSON")
        let r = try decode(BulkFixtures.mixedRequest)
        #expect(r.failOnErrors == 1)
        #expect(r.operations.map(\.method) == [.post, .put, .patch, .delete])
        #expect(r.operations[1].version == #"W/"3694e05e9dff591""#)
        #expect(r.operations[1].resourceId == "b7c14771-226c-4d05-8860-134711653041")
        #expect(r.operations[2].data?["Operations"]?.arrayValue?.count == 2)
        #expect(r.operations[3].data == nil)
        #expect(r.operations[3].endpoint == "/Users")
        #expect(r.shouldStop(afterErrors: 1))
        #expect(!r.shouldStop(afterErrors: 0))
        #expect(!BulkRequest(operations: []).shouldStop(afterErrors: 100))
    }

    @Test func operationValidation() {
        expectError(
            request(#"{"method":"POST","path":"/Users","data":{"userName":"a"}}"#),
            .invalidSyntax,
            mentioning: "Operations[0] is a POST and needs a 'bulkId'"
        )
        expectError(
            request(#"{"method":"GET","path":"/Users/1"}"#),
            .invalidValue,
            mentioning: "POST, PUT, PATCH or DELETE"
        )
        expectError(request(#"{"path":"/Users/1"}"#), .invalidSyntax, mentioning: "'method'")
        expectError(
            request(#"{"method":"POST","bulkId":"a","path":"/Users/1","data":{}}"#),
            .invalidValue,
            mentioning: "resource type endpoint"
        )
        expectError(
            request(#"{"method":"PUT","path":"/Users","data":{}}"#),
            .invalidValue,
            mentioning: "\"/Users/{id}\""
        )
        expectError(request(#"{"method":"DELETE","path":"Users/1"}"#), .invalidValue, mentioning: "Users/1")
        expectError(request(#"{"method":"DELETE","path":"/Users/1/x"}"#), .invalidValue, mentioning: "/Users/1/x")
        expectError(request(#"{"method":"DELETE","path":"/Users/"}"#), .invalidValue, mentioning: "/Users/")
        expectError(request(#"{"method":"PATCH","path":"/Users/1"}"#), .invalidSyntax, mentioning: "needs 'data'")
        expectError(
            request(#"{"method":"PUT","path":"/Users/1","data":[]}"#),
            .invalidSyntax,
            mentioning: "data must be an object"
        )
        expectError(request(#"{"method":"DELETE","path":1}"#), .invalidSyntax, mentioning: "path must be a string")
        expectError(
            request(#"{"method":"POST","bulkId":"","path":"/Users","data":{}}"#),
            .invalidValue,
            mentioning: "bulkId must not be empty"
        )
        expectError(
            request(#"{"method":"DELETE","path":"/Users/1"},"x""#),
            .invalidSyntax,
            mentioning: "Operations[1] must be an object"
        )
    }

    @Test func bulkIdsMustBeUnique() {
        expectError(
            request(
                #"{"method":"POST","bulkId":"a","path":"/Users","data":{}},{"method":"POST","bulkId":"a","path":"/Groups","data":{}}"#
            ),
            .invalidValue,
            mentioning: "reuses bulkId 'a' of Operations[0]"
        )
    }

    @Test func lowercaseMethodIsAccepted() throws {
        let r = try decode(request(#"{"method":"delete","path":"/Users/1"}"#))
        #expect(r.operations[0].method == .delete)
    }

    @Test func messageStructure() {
        expectError(#"{"Operations":[]}"#, .invalidSyntax, mentioning: MessageSchema.bulkRequest)
        expectError(
            #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:BulkRequest"]}"#,
            .invalidSyntax,
            mentioning: "'Operations'"
        )
        expectError(
            #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],"failOnErrors":"1","Operations":[]}"#,
            .invalidSyntax,
            mentioning: "failOnErrors"
        )
        expectError(
            #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],"failOnErrors":0,"Operations":[]}"#,
            .invalidValue,
            mentioning: "failOnErrors"
        )
    }

    @Test("§3.7.4: payload over maxPayloadSize is 413 naming the limit")
    func payloadTooLarge() {
        let body = Array(BulkFixtures.tourGuidesRequest.utf8)
        do {
            _ = try BulkRequest.parse(body, limits: BulkLimits(maxOperations: 10, maxPayloadSize: body.count - 1))
            Issue.record("expected 413")
        } catch {
            #expect(error.status == 413)
            #expect(error.scimType == nil)
            #expect(error.detail == "The size of the bulk operation exceeds the maxPayloadSize (\(body.count - 1)).")
        }
        #expect(throws: Never.self) {
            try BulkRequest.parse(body, limits: BulkLimits(maxOperations: 10, maxPayloadSize: body.count))
        }
        // §3.7.4 example detail, for a 1 MiB limit.
        #expect(
            throws: SCIMError.payloadTooLarge("The size of the bulk operation exceeds the maxPayloadSize (1048576).")
        ) {
            try BulkLimits().checkPayloadSize(4_294_967_296)
        }
    }

    @Test("§3.7.4: more than maxOperations is 413 naming the limit")
    func tooManyOperations() throws {
        let r = try decode(BulkFixtures.tourGuidesRequest, limits: BulkLimits(maxOperations: 2))
        #expect(r.operations.count == 2)
        do {
            _ = try decode(BulkFixtures.tourGuidesRequest, limits: BulkLimits(maxOperations: 1))
            Issue.record("expected 413")
        } catch {
            #expect(error.status == 413)
            #expect(error.detail == "The number of operations (2) exceeds the maxOperations (1).")
        }
    }
}
