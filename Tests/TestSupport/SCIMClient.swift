package import HTTPTypes
package import HummingbirdTesting
package import NIOCore
package import SCIM

/// A thin SCIM client over the test client: JSON in, parsed JSON out.
package struct SCIMClient: Sendable {
    package let client: any TestClientProtocol

    package init(client: any TestClientProtocol) { self.client = client }

    /// One response: status, headers, the body parsed as JSON (nil when empty or not JSON) and raw.
    package struct Reply: Sendable {
        package var status: Int
        package var headers: HTTPFields
        package var body: JSONValue?
        package var raw: ByteBuffer

        /// The SCIM error fields, for error assertions.
        package var scimType: String? { body?["scimType"]?.stringValue }
        package var detail: String? { body?["detail"]?.stringValue }
    }

    @discardableResult
    package func request(
        _ method: HTTPRequest.Method,
        _ path: String,
        token: String?,
        body: JSONValue? = nil,
        rawBody: String? = nil,
        headers extra: HTTPFields = [:]
    ) async throws -> Reply {
        var headers = extra
        if let token, headers[.authorization] == nil { headers[.authorization] = "Bearer \(token)" }
        var buffer: ByteBuffer? = nil
        if let body {
            buffer = ByteBuffer(bytes: body.serializedBytes())
        } else if let rawBody {
            buffer = ByteBuffer(string: rawBody)
        }
        if buffer != nil, headers[.contentType] == nil { headers[.contentType] = "application/scim+json" }
        return try await client.execute(uri: path, method: method, headers: headers, body: buffer) { response in
            let parsed = response.body.readableBytes > 0 ? try? JSONParser.parse(response.body.readableBytesView) : nil
            return Reply(status: Int(response.status.code), headers: response.headers, body: parsed, raw: response.body)
        }
    }

    package func get(_ path: String, token: String?, headers: HTTPFields = [:]) async throws -> Reply {
        try await request(.get, path, token: token, headers: headers)
    }
    package func post(_ path: String, token: String?, _ body: JSONValue, headers: HTTPFields = [:]) async throws
        -> Reply
    {
        try await request(.post, path, token: token, body: body, headers: headers)
    }
    package func put(_ path: String, token: String?, _ body: JSONValue, headers: HTTPFields = [:]) async throws -> Reply
    {
        try await request(.put, path, token: token, body: body, headers: headers)
    }
    package func patch(_ path: String, token: String?, _ body: JSONValue, headers: HTTPFields = [:]) async throws
        -> Reply
    {
        try await request(.patch, path, token: token, body: body, headers: headers)
    }
    package func delete(_ path: String, token: String?, headers: HTTPFields = [:]) async throws -> Reply {
        try await request(.delete, path, token: token, headers: headers)
    }
}
