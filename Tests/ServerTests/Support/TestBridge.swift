import BridgeConfig
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import SCIM
import Synchronization
import Testing

@testable import Server
@testable import Store

/// A bridge on a fresh SQLite file in a temporary folder, served over real HTTP on loopback.
struct TestBridge: Sendable {
    let store: SQLiteStore
    let directory: URL
    let statements: StatementLog

    /// Opens a new store with the `default` channel's token in `token`.
    static func make(limits: LimitSettings = LimitSettings()) throws -> TestBridge {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("scim-bridge-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let log = StatementLog()
        let store = try SQLiteStore(
            path: dir.appendingPathComponent("test.sqlite").path, durability: .normal,
            statementObserver: { log.record($0) })
        return TestBridge(store: store, directory: dir, statements: log)
    }

    /// Creates a channel and returns its bearer token.
    func channel(_ name: String) async throws -> String {
        let c = try await store.createChannel(named: name)
        return try await CredentialIssuer(store: store).issueBearerToken(for: c)
    }

    /// Runs `body` against the bridge served over real HTTP (AsyncHTTPClient on loopback).
    func run<T: Sendable>(
        limits: LimitSettings = LimitSettings(), publicURL: String? = nil, admin: AdminConfiguration? = nil,
        _ body: @Sendable (SCIMClient) async throws -> T
    ) async throws -> T {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let app = try buildApplication(
            configuration: ServerConfiguration(host: "127.0.0.1", port: 0, limits: limits, publicURL: publicURL, admin: admin),
            store: store, logger: logger)
        return try await app.test(.ahc(.http)) { client in try await body(SCIMClient(client: client)) }
    }

    func cleanUp() {
        try? FileManager.default.removeItem(at: directory)
    }
}

/// Records the SQL statements run, so tests can assert what was (not) read.
final class StatementLog: Sendable {
    private let lines = Mutex<[String]>([])
    func record(_ sql: String) { lines.withLock { $0.append(sql) } }
    func reset() { lines.withLock { $0.removeAll() } }
    var all: [String] { lines.withLock { $0 } }
}

/// A thin SCIM client over the test client: JSON in, parsed JSON out.
struct SCIMClient: Sendable {
    let client: any TestClientProtocol

    struct Reply: Sendable {
        var status: Int
        var headers: HTTPFields
        var body: JSONValue?
        var raw: ByteBuffer

        /// The SCIM error fields, for error assertions.
        var scimType: String? { body?["scimType"]?.stringValue }
        var detail: String? { body?["detail"]?.stringValue }
    }

    @discardableResult
    func request(
        _ method: HTTPRequest.Method, _ path: String, token: String?, body: JSONValue? = nil, rawBody: String? = nil,
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

    func get(_ path: String, token: String?, headers: HTTPFields = [:]) async throws -> Reply {
        try await request(.get, path, token: token, headers: headers)
    }
    func post(_ path: String, token: String?, _ body: JSONValue, headers: HTTPFields = [:]) async throws -> Reply {
        try await request(.post, path, token: token, body: body, headers: headers)
    }
    func put(_ path: String, token: String?, _ body: JSONValue, headers: HTTPFields = [:]) async throws -> Reply {
        try await request(.put, path, token: token, body: body, headers: headers)
    }
    func patch(_ path: String, token: String?, _ body: JSONValue, headers: HTTPFields = [:]) async throws -> Reply {
        try await request(.patch, path, token: token, body: body, headers: headers)
    }
    func delete(_ path: String, token: String?, headers: HTTPFields = [:]) async throws -> Reply {
        try await request(.delete, path, token: token, headers: headers)
    }
}

/// The smallest valid resources, as the store takes them (store-level tests).
enum StoredBodies {
    static func user(_ userName: String) -> JSONObject {
        ["schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": .string(userName)]
    }

    static func group(_ displayName: String) -> JSONObject {
        ["schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": .string(displayName)]
    }
}

/// Request bodies used across tests.
enum Bodies {
    static func user(_ userName: String, email: String? = nil, active: Bool = true) -> JSONValue {
        var o: JSONObject = [
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
            "userName": .string(userName),
            "name": ["givenName": "Test", "familyName": .string(userName)],
            "active": .bool(active),
        ]
        if let email { o["emails"] = [["value": .string(email), "type": "work", "primary": true]] }
        return .object(o)
    }

    static func group(_ name: String, members: [String] = []) -> JSONValue {
        var o: JSONObject = ["schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": .string(name)]
        if !members.isEmpty { o["members"] = .array(members.map { ["value": .string($0)] }) }
        return .object(o)
    }

    static func patch(_ operations: [JSONValue]) -> JSONValue {
        ["schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": .array(operations)]
    }
}
