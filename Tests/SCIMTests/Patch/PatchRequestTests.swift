import Testing

@testable import SCIM

@Suite("PATCH request message (RFC 7644 §3.5.2)")
struct PatchRequestTests {
    @Test func decodesOperationsInOrder() throws {
        let r = try patchRequest(
            patchBody(
                #"{"op":"add","path":"members","value":[{"value":"a"}]}"#,
                #"{"op":"remove","path":"members[value eq \"b\"]"}"#,
                #"{"op":"replace","value":{"displayName":"x"}}"#
            )
        )
        #expect(r.operations.map(\.op) == [.add, .remove, .replace])
        #expect(r.operations.map(\.path) == ["members", #"members[value eq "b"]"#, nil])
        #expect(r.operations[0].value == [["value": "a"]])
        #expect(r.operations[1].value == nil)
        #expect(r.operations[2].value == ["displayName": "x"])
    }

    @Test func encodesBackToTheSameRequest() throws {
        let text = patchBody(
            #"{"op":"replace","path":"emails[type eq \"work\"].value","value":"a@example.com"}"#,
            #"{"op":"remove","path":"nickName"}"#
        )
        let r = try patchRequest(text)
        #expect(try PatchRequest(json: r.json) == r)
        #expect(r.json == (try JSONParser.parse(text)))
    }

    @Test(
        "malformed bodies are invalidSyntax with a detail naming the problem",
        arguments: [
            (#"[]"#, "JSON object"),
            (#"{"Operations":[{"op":"add","value":{}}]}"#, "schemas"),
            (
                #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"Operations":[{"op":"add","value":{}}]}"#,
                "schemas"
            ),
            (#"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"]}"#, "Operations"),
            (#"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":{}}"#, "array"),
            (#"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[]}"#, "at least one"),
            (
                #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[1]}"#,
                "Operation 1 must be an object"
            ),
            (
                #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"path":"x"}]}"#,
                "no \"op\""
            ),
            (
                #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"Replace","value":{}}]}"#,
                "\"Replace\""
            ),
            (
                #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"move","path":"a"}]}"#,
                "\"move\""
            ),
            (
                #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"add","path":"a"}]}"#,
                "must have a \"value\""
            ),
            (
                #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"add","path":1,"value":1}]}"#,
                "\"path\""
            ),
            (
                #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"remove","path":"members","value":[{"value":"a"}]}]}"#,
                "must not have a \"value\""
            ),
        ]
    )
    func malformed(_ body: String, _ mention: String) throws {
        let json = try JSONParser.parse(body)
        let e = expectSCIMError { _ = try PatchRequest(json: json) }
        #expect(e?.scimType == .invalidSyntax)
        #expect(e?.status == 400)
        #expect(e?.detail.contains(mention) == true, "\(e?.detail ?? "")")
    }

    @Test func secondBadOperationIsNamedByNumber() throws {
        let e = expectSCIMError {
            _ = try patchRequest(
                patchBody(#"{"op":"add","path":"a","value":1}"#, #"{"op":"ADD","path":"a","value":1}"#)
            )
        }
        #expect(e?.detail.hasPrefix("Operation 2") == true)
    }

    @Test func nullPathAndNullRemoveValueMeanAbsent() throws {
        let r = try patchRequest(
            patchBody(
                #"{"op":"add","path":null,"value":{"nickName":"a"}}"#,
                #"{"op":"remove","path":"nickName","value":null}"#
            )
        )
        #expect(r.operations[0].path == nil)
        #expect(r.operations[1].value == nil)
    }
}
