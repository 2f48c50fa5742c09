import AsyncHTTPClient
import Emulators
import Foundation
import JWTKit
import NIOCore
import NIOHTTP1
import SCIM
import TestSupport
import Testing

/// A client of the Graph emulator: obtains tokens (secret or certificate assertion) and calls Graph.
struct MSGraphClient: Sendable {
    /// `http://127.0.0.1:PORT`.
    let base: String
    let tenantID: String
    let clientID: String
    var token: String? = nil

    static let secret = "emulator-client-secret"

    struct Reply: Sendable {
        var status: Int
        var headers: HTTPHeaders
        var body: JSONValue?

        func header(_ name: String) -> String? { headers.first(name: name) }
        var code: String? { body?["error"]?["code"]?.stringValue }
        var message: String? { body?["error"]?["message"]?.stringValue }
        var aadsts: Int? { body?["error_codes"]?.arrayValue?.first?.integerValue.map { Int($0) } }
        var value: [JSONValue] { body?["value"]?.arrayValue ?? [] }
        var id: String? { body?["id"]?.stringValue }
    }

    struct AssertionClaims: JWTPayload {
        var iss: String
        var sub: String
        var aud: String
        var exp: Int64
        var nbf: Int64
        var jti: String
        func verify(using algorithm: some JWTAlgorithm) async throws {}
    }

    var tokenURL: String { "\(base)/\(tenantID)/oauth2/v2.0/token" }

    /// A certificate assertion; each argument can be made wrong on purpose.
    func assertion(
        key: String = MSGraphTestKeys.privateKeyPEM,
        certificate: String = MSGraphTestKeys.certificatePEM,
        sha256Thumbprint: Bool = true,
        pss: Bool = false,
        audience: String? = nil,
        issuer: String? = nil,
        lifetime: Int64 = 600,
        jti: String = UUID().uuidString
    ) async throws -> String {
        let keys = JWTKeyCollection()
        let privateKey = try Insecure.RSA.PrivateKey(pem: key)
        if pss {
            await keys.add(pss: privateKey, digestAlgorithm: .sha256)
        } else {
            await keys.add(rsa: privateKey, digestAlgorithm: .sha256)
        }
        let thumbprints = MSGraphCertificate(pem: certificate)!
        var header = JWTHeader()
        header.typ = "JWT"
        if sha256Thumbprint {
            header.fields["x5t#S256"] = .string(thumbprints.sha256Thumbprint)
        } else {
            header.x5t = thumbprints.sha1Thumbprint
        }
        let now = Int64(Date().timeIntervalSince1970)
        return try await keys.sign(
            AssertionClaims(
                iss: issuer ?? clientID,
                sub: issuer ?? clientID,
                aud: audience ?? MSGraphEmulator.microsoftTokenURL(tenantID: tenantID),
                exp: now + lifetime,
                nbf: now - 10,
                jti: jti
            ),
            header: header
        )
    }

    /// POST the token endpoint with these form fields (the client-credentials defaults filled in).
    func token(_ fields: [String: String], tenant: String? = nil) async throws -> Reply {
        var form = [
            "grant_type": "client_credentials", "client_id": clientID,
            "scope": "https://graph.microsoft.com/.default",
        ]
        for (k, v) in fields { form[k] = v }
        var request = HTTPClientRequest(url: "\(base)/\(tenant ?? tenantID)/oauth2/v2.0/token")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        let enc = { (s: String) in s.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? s }
        request.body = .bytes(ByteBuffer(string: form.map { "\($0.key)=\(enc($0.value))" }.joined(separator: "&")))
        return try await execute(request)
    }

    /// A client holding a token bought with the secret.
    func authorized() async throws -> MSGraphClient {
        let reply = try await token(["client_secret": Self.secret])
        #expect(reply.status == 200, "token: \(reply.body?.serialized() ?? "")")
        var c = self
        c.token = reply.body?["access_token"]?.stringValue
        return c
    }

    /// `method` on a path under `/v1.0` (or `/_emulator/…` at the host).
    @discardableResult
    func send(
        _ method: HTTPMethod,
        _ path: String,
        _ body: JSONValue? = nil,
        headers extra: [(String, String)] = []
    ) async throws -> Reply {
        var request = HTTPClientRequest(url: base + (path.hasPrefix("/_emulator") ? "" : "/v1.0") + path)
        request.method = method
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body.serializedBytes()))
        }
        for (name, value) in extra { request.headers.add(name: name, value: value) }
        return try await execute(request)
    }

    func execute(_ request: HTTPClientRequest) async throws -> Reply {
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 8 << 20)
        let json = bytes.readableBytes > 0 ? try? JSONParser.parse(bytes.readableBytesView) : nil
        return Reply(status: Int(response.status.code), headers: response.headers, body: json)
    }

    /// A `members@odata.bind` / `@odata.id` URL for an object id.
    static func reference(_ id: String) -> JSONValue {
        .string("https://graph.microsoft.com/v1.0/directoryObjects/\(id)")
    }
}

/// Bodies that satisfy Graph's create rules.
enum MSGraphBodies {
    static func user(_ alias: String, domain: String = "example.com") -> JSONValue {
        [
            "accountEnabled": true, "displayName": .string("User \(alias)"), "mailNickname": .string(alias),
            "userPrincipalName": .string("\(alias)@\(domain)"),
            "passwordProfile": ["forceChangePasswordNextSignIn": true, "password": "xWwvJ]6NMw+bWH-d"],
        ]
    }

    static func securityGroup(_ name: String, nickname: String? = nil, members: [String] = []) -> JSONValue {
        var o: JSONObject = [
            "displayName": .string(name), "mailEnabled": false,
            "mailNickname": .string(nickname ?? name.replacingOccurrences(of: " ", with: "-")), "securityEnabled": true,
        ]
        if !members.isEmpty { o["members@odata.bind"] = .array(members.map(MSGraphClient.reference)) }
        return .object(o)
    }
}

/// Runs `body` against a fresh Graph emulator on loopback (a client secret and the test certificate
/// registered), with a client that holds no token yet.
func withMSGraph<T: Sendable>(
    _ configure: (inout MSGraphEmulator.Configuration) -> Void = { _ in },
    _ body: (MSGraphClient, MSGraphEmulator) async throws -> T
) async throws -> T {
    var configuration = MSGraphEmulator.Configuration(
        clientSecret: MSGraphClient.secret,
        certificatePEM: MSGraphTestKeys.certificatePEM,
        publicKeyPEM: MSGraphTestKeys.publicKeyPEM
    )
    configure(&configuration)
    let emulator = try MSGraphEmulator(configuration: configuration)
    return try await withRunningEmulator(emulator) { url, emulator in
        var base = url.absoluteString
        if base.hasSuffix("/") { base.removeLast() }
        let client = MSGraphClient(base: base, tenantID: configuration.tenantID, clientID: configuration.clientID)
        return try await body(client, emulator)
    }
}

/// The repository's copy of the Graph provisioning extract (CI has no shared folder).
func msgraphContract() throws -> OpenAPIContract {
    let specs = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("specs/msgraph-v1.0-provisioning.openapi.yaml")
    return try OpenAPIContract(contentsOfFile: specs.path)
}
