import AsyncHTTPClient
import Emulators
import Foundation
import NIOCore
import NIOHTTP1
import SCIM

/// A small SCIM client over real HTTP (AsyncHTTPClient), for talking to a running emulator.
struct EmulatorClient: Sendable {
    /// The SCIM base URL, `http://127.0.0.1:PORT/scim/v2`.
    let base: URL
    var token: String? = "emulator-token"

    struct Reply: Sendable {
        var status: Int
        var headers: HTTPHeaders
        var body: JSONValue?

        /// The first value of a response header.
        func header(_ name: String) -> String? { headers.first(name: name) }
        var scimType: String? { body?["scimType"]?.stringValue }
        var resources: [JSONValue] { body?["Resources"]?.arrayValue ?? [] }
        var id: String? { body?["id"]?.stringValue }
    }

    /// The origin (`http://127.0.0.1:PORT`), for the admin API.
    var origin: String {
        var s = base.absoluteString
        if let r = s.range(of: "/scim/v2") { s = String(s[..<r.lowerBound]) }
        return s
    }

    /// `method` on `path` relative to the SCIM base URL (or to the origin when it starts with `/_emulator`).
    @discardableResult
    func send(
        _ method: String,
        _ path: String,
        _ body: JSONValue? = nil,
        contentType: String? = "application/scim+json",
        headers extra: [(String, String)] = []
    ) async throws -> Reply {
        let url = path.hasPrefix("/_emulator") ? origin + path : base.absoluteString + path
        var request = HTTPClientRequest(url: url)
        request.method = HTTPMethod(rawValue: method)
        if let token, !path.hasPrefix("/_emulator") {
            request.headers.add(name: "Authorization", value: "Bearer \(token)")
        }
        if let body {
            if let contentType { request.headers.add(name: "Content-Type", value: contentType) }
            request.body = .bytes(ByteBuffer(bytes: body.serializedBytes()))
        }
        for (name, value) in extra { request.headers.add(name: name, value: value) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 4 << 20)
        let json = bytes.readableBytes > 0 ? try JSONParser.parse(bytes.readableBytesView) : nil
        return Reply(status: Int(response.status.code), headers: response.headers, body: json)
    }

    func get(_ path: String) async throws -> Reply { try await send("GET", path) }
    func post(_ path: String, _ body: JSONValue) async throws -> Reply { try await send("POST", path, body) }
    func put(_ path: String, _ body: JSONValue) async throws -> Reply { try await send("PUT", path, body) }
    func patch(_ path: String, _ body: JSONValue) async throws -> Reply { try await send("PATCH", path, body) }
    func delete(_ path: String) async throws -> Reply { try await send("DELETE", path) }
}

/// A user body for POST.
func userBody(_ userName: String, displayName: String? = nil, extra: JSONObject = [:]) -> JSONValue {
    var o: JSONObject = ["schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": .string(userName)]
    if let displayName { o["displayName"] = .string(displayName) }
    for (k, v) in extra { o[k] = v }
    return .object(o)
}

/// A group body for POST, members by id.
func groupBody(_ displayName: String, members: [String] = []) -> JSONValue {
    var o: JSONObject = [
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": .string(displayName),
    ]
    if !members.isEmpty { o["members"] = .array(members.map { ["value": .string($0)] }) }
    return .object(o)
}

/// A PATCH body with the given operations.
func patchBody(_ operations: [JSONValue]) -> JSONValue {
    ["schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": .array(operations)]
}

/// Runs `body` against a fresh emulator served on loopback.
func withEmulator<T: Sendable>(
    _ configuration: SCIMEmulator.Configuration = .init(),
    _ body: (EmulatorClient, SCIMEmulator) async throws -> T
) async throws -> T {
    try await withRunningEmulator(SCIMEmulator(configuration: configuration)) { url, emulator in
        try await body(EmulatorClient(base: url, token: configuration.token), emulator)
    }
}
