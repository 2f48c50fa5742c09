import BridgeConfig
import CompressNIO
import HTTPTypes
import NIOCore
import SCIM
import TestSupport
import Testing

@testable import Server

@Suite("Bulk (RFC 7644 §3.7) and response encoding")
struct BulkAndEncodingTests {
    @Test func bulkWithBulkIdReferences() async throws {
        try await withTestBridge { bridge in
            let token = try await bridge.channel("default")
            try await bridge.run { c in
                let body: JSONValue = [
                    "schemas": ["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],
                    "failOnErrors": 1,
                    "Operations": [
                        // The group refers to a user created later in the request: the resolver reorders.
                        [
                            "method": "POST", "path": "/Groups", "bulkId": "g1",
                            "data": [
                                "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": "Bulk Group",
                                "members": [["type": "User", "value": "bulkId:u1"]],
                            ],
                        ],
                        [
                            "method": "POST", "path": "/Users", "bulkId": "u1",
                            "data": [
                                "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "bulkuser",
                            ],
                        ],
                    ],
                ]
                let r = try await c.post("/scim/v2/default/Bulk", token: token, body)
                #expect(r.status == 200)
                let ops = try #require(r.body?["Operations"]?.arrayValue)
                #expect(ops.count == 2)
                #expect(ops.allSatisfy { $0["status"] == "201" })
                let groupLocation = try #require(ops.first { $0["bulkId"] == "g1" }?["location"]?.stringValue)
                let userLocation = try #require(ops.first { $0["bulkId"] == "u1" }?["location"]?.stringValue)
                let groupID = String(groupLocation.split(separator: "/").last!)
                let userID = String(userLocation.split(separator: "/").last!)
                let group = try await c.get("/scim/v2/default/Groups/\(groupID)", token: token)
                #expect(group.body?["members"]?.arrayValue?.first?["value"]?.stringValue == userID)
            }
        }
    }

    /// §3.7.1: "The service provider MUST try to resolve circular cross-references between resources
    /// in a single POST request": two groups that are members of each other are both created.
    @Test func circularReferencesAreResolved() async throws {
        try await withTestBridge { bridge in
            let token = try await bridge.channel("default")
            try await bridge.run { c in
                func group(_ bulkId: String, _ name: String, memberOf other: String) -> JSONValue {
                    [
                        "method": "POST", "path": "/Groups", "bulkId": .string(bulkId),
                        "data": [
                            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": .string(name),
                            "members": [["type": "Group", "value": .string("bulkId:\(other)")]],
                        ],
                    ]
                }
                let body: JSONValue = [
                    "schemas": ["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],
                    "Operations": [
                        group("qwerty", "Group A", memberOf: "ytrewq"), group("ytrewq", "Group B", memberOf: "qwerty"),
                    ],
                ]
                let r = try await c.post("/scim/v2/default/Bulk", token: token, body)
                let ops = try #require(r.body?["Operations"]?.arrayValue)
                #expect(ops.count == 2)
                #expect(ops.allSatisfy { $0["status"] == "201" && $0["method"] == "POST" })
                let a = try #require(
                    ops.first { $0["bulkId"] == "qwerty" }?["location"]?.stringValue?.split(separator: "/").last
                )
                let b = try #require(
                    ops.first { $0["bulkId"] == "ytrewq" }?["location"]?.stringValue?.split(separator: "/").last
                )
                let groupA = try await c.get("/scim/v2/default/Groups/\(a)", token: token)
                let groupB = try await c.get("/scim/v2/default/Groups/\(b)", token: token)
                #expect(groupA.body?["members"]?.arrayValue?.compactMap { $0["value"]?.stringValue } == [String(b)])
                #expect(groupB.body?["members"]?.arrayValue?.compactMap { $0["value"]?.stringValue } == [String(a)])
                // The version reported is the final one, after the references were completed.
                #expect(ops.first { $0["bulkId"] == "qwerty" }?["version"]?.stringValue == groupA.headers[.eTag])
            }
        }
    }

    @Test func bulkStopsAfterFailOnErrors() async throws {
        try await withTestBridge { bridge in
            let token = try await bridge.channel("default")
            try await bridge.run { c in
                let user: JSONValue = ["schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "same"]
                let body: JSONValue = [
                    "schemas": ["urn:ietf:params:scim:api:messages:2.0:BulkRequest"], "failOnErrors": 1,
                    "Operations": [
                        ["method": "POST", "path": "/Users", "bulkId": "a", "data": user],
                        ["method": "POST", "path": "/Users", "bulkId": "b", "data": user],
                        [
                            "method": "POST", "path": "/Users", "bulkId": "c",
                            "data": ["schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "other"],
                        ],
                    ],
                ]
                let r = try await c.post("/scim/v2/default/Bulk", token: token, body)
                let ops = try #require(r.body?["Operations"]?.arrayValue)
                #expect(ops.map { $0["status"]?.stringValue } == ["201", "409"])
                #expect(try await c.get("/scim/v2/default/Users", token: token).body?["totalResults"] == 1)
            }
        }
    }

    @Test func bulkAboveMaxOperationsIs413() async throws {
        try await withTestBridge { bridge in
            let token = try await bridge.channel("default")
            try await bridge.run(limits: LimitSettings(bulkMaxOperations: 2)) { c in
                let op: JSONValue = ["method": "DELETE", "path": "/Users/x"]
                let body: JSONValue = [
                    "schemas": ["urn:ietf:params:scim:api:messages:2.0:BulkRequest"], "Operations": [op, op, op],
                ]
                let r = try await c.post("/scim/v2/default/Bulk", token: token, body)
                #expect(r.status == 413)
            }
        }
    }

    @Test func gzipWhenAsked() async throws {
        try await withTestBridge { bridge in
            let token = try await bridge.channel("default")
            try await bridge.run { c in
                for i in 0..<20 { _ = try await c.post("/scim/v2/default/Users", token: token, Bodies.user("gz\(i)")) }
                let plain = try await c.get("/scim/v2/default/Users", token: token)
                #expect(plain.headers[.contentEncoding] == nil)
                let zipped = try await c.get("/scim/v2/default/Users", token: token, headers: [.acceptEncoding: "gzip"])
                #expect(zipped.headers[.contentEncoding] == "gzip")
                var raw = zipped.raw
                let inflated = try raw.decompress(with: .gzip())
                #expect(try JSONParser.parse(inflated.readableBytesView) == plain.body)
                #expect(zipped.raw.readableBytes < plain.raw.readableBytes)
            }
        }
    }

    @Test("Accept-Encoding: gzip or *, with spaces and q-values; q=0 refuses")
    func acceptEncodingParsing() {
        typealias C = CompressionMiddleware<SCIMRequestContext>
        #expect(C.acceptsGzip(["gzip"]))
        #expect(C.acceptsGzip(["deflate, GZIP ;q=0.5"]))
        #expect(C.acceptsGzip(["br", "\t* "]))
        #expect(!C.acceptsGzip(["gzip; q=0"]))
        #expect(!C.acceptsGzip(["deflate, br"]))
        #expect(!C.acceptsGzip([]))
    }

    @Test func contentTypesAreComparedWithoutCaseParametersOrSpaces() {
        typealias M = SCIMMediaType
        #expect(M.isAcceptable(nil))
        #expect(M.isAcceptable(""))
        #expect(M.isAcceptable("application/scim+json"))
        #expect(M.isAcceptable(" Application/SCIM+JSON ; charset=utf-8"))
        #expect(M.isAcceptable("application/json;charset=UTF-8"))
        #expect(M.isAcceptable("\tapplication/json\t"))
        #expect(!M.isAcceptable("application/jsonx"))
        #expect(!M.isAcceptable("application/scim+jso"))
        #expect(!M.isAcceptable("text/plain; charset=utf-8"))
        #expect(!M.isAcceptable("application/xml"))
    }

    @Test func plainJSONContentTypeIsAccepted() async throws {
        try await withTestBridge { bridge in
            let token = try await bridge.channel("default")
            try await bridge.run { c in
                let r = try await c.post(
                    "/scim/v2/default/Users",
                    token: token,
                    Bodies.user("json"),
                    headers: [.contentType: "application/json; charset=utf-8"]
                )
                #expect(r.status == 201)
                #expect(r.headers[.contentType] == "application/scim+json")
            }
        }
    }
}
