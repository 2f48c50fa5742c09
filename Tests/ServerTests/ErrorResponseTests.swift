import BridgeConfig
import Foundation
import HTTPTypes
import SCIM
import TestSupport
import Testing

@testable import Server

@Suite("Malformed requests get the right SCIM error, never a 500 (RFC 7644 §3.12)")
struct ErrorResponseTests {
    struct Case: Sendable, CustomStringConvertible {
        var name: String
        var method: HTTPRequest.Method
        var path: String
        var body: String?
        var contentType: String? = "application/scim+json"
        var status: Int
        var scimType: String?
        var description: String { name }
    }

    static let cases: [Case] = [
        Case(
            name: "malformed JSON",
            method: .post,
            path: "/Users",
            body: #"{"userName": "#,
            status: 400,
            scimType: "invalidSyntax"
        ),
        Case(
            name: "JSON array body",
            method: .post,
            path: "/Users",
            body: "[]",
            status: 400,
            scimType: "invalidSyntax"
        ),
        Case(name: "empty body", method: .post, path: "/Users", body: "", status: 400, scimType: "invalidSyntax"),
        Case(
            name: "wrong content type",
            method: .post,
            path: "/Users",
            body: "{}",
            contentType: "text/plain",
            status: 415,
            scimType: nil
        ),
        Case(
            name: "unknown attribute",
            method: .post,
            path: "/Users",
            body: #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"x","shoeSize":42}"#,
            status: 400,
            scimType: "invalidSyntax"
        ),
        Case(
            name: "wrong type",
            method: .post,
            path: "/Users",
            body: #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"x","active":"maybe"}"#,
            status: 400,
            scimType: "invalidValue"
        ),
        Case(
            name: "unknown schema URN",
            method: .post,
            path: "/Users",
            body: #"{"schemas":["urn:example:nope"],"userName":"x"}"#,
            status: 400,
            scimType: "invalidValue"
        ),
        Case(
            name: "missing userName",
            method: .post,
            path: "/Users",
            body: #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"]}"#,
            status: 400,
            scimType: "invalidValue"
        ),
        Case(
            name: "bad filter",
            method: .get,
            path: "/Users?filter=userName%20xx%20%22a%22",
            status: 400,
            scimType: "invalidFilter"
        ),
        Case(
            name: "unknown filter attribute",
            method: .get,
            path: "/Users?filter=shoeSize%20eq%201",
            status: 400,
            scimType: "invalidFilter"
        ),
        Case(
            name: "bad startIndex",
            method: .get,
            path: "/Users?startIndex=abc",
            status: 400,
            scimType: "invalidValue"
        ),
        Case(
            name: "bad sortOrder",
            method: .get,
            path: "/Users?sortBy=userName&sortOrder=sideways",
            status: 400,
            scimType: "invalidValue"
        ),
        Case(
            name: "bad PATCH path",
            method: .patch,
            path: "/Users/ID",
            body:
                #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"emails[type eq","value":"x"}]}"#,
            status: 400,
            scimType: "invalidPath"
        ),
        Case(
            name: "PATCH without schemas",
            method: .patch,
            path: "/Users/ID",
            body: #"{"Operations":[{"op":"replace","path":"active","value":false}]}"#,
            status: 400,
            scimType: "invalidSyntax"
        ),
        Case(name: "unknown endpoint", method: .get, path: "/Widgets", status: 404, scimType: nil),
        Case(name: "/Me is not supported", method: .get, path: "/Me", status: 501, scimType: nil),
        Case(name: "filter on discovery", method: .get, path: "/Schemas?filter=id%20pr", status: 403, scimType: nil),
    ]

    @Test(arguments: cases)
    func malformedRequest(_ c: Case) async throws {
        try await withTestBridge { bridge in
            let token = try await bridge.channel("default")
            try await bridge.run { client in
                let id = try #require(
                    try await client.post("/scim/v2/default/Users", token: token, Bodies.user("existing")).body?["id"]?
                        .stringValue
                )
                var headers: HTTPFields = [:]
                if let ct = c.contentType { headers[.contentType] = ct }
                let r = try await client.request(
                    c.method,
                    "/scim/v2/default" + c.path.replacingOccurrences(of: "ID", with: id),
                    token: token,
                    rawBody: c.body,
                    headers: headers
                )
                #expect(r.status == c.status, "\(c.name): \(r.body?.description ?? "")")
                #expect(r.scimType == c.scimType)
                #expect(r.body?["schemas"] == ["urn:ietf:params:scim:api:messages:2.0:Error"])
                #expect(r.detail?.isEmpty == false)
                #expect(r.body?["status"]?.stringValue == String(c.status))
            }
        }
    }

    @Test func oversizedBodyIs413() async throws {
        try await withTestBridge { bridge in
            let token = try await bridge.channel("default")
            try await bridge.run(limits: LimitSettings(maxBodyBytes: 1024)) { c in
                let big = String(repeating: "x", count: 4096)
                let r = try await c.post("/scim/v2/default/Users", token: token, Bodies.user(big))
                #expect(r.status == 413)
                #expect(r.body?["status"] == "413")
            }
        }
    }
}
