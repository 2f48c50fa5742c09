public import AsyncHTTPClient
public import Foundation
import JWTKit
import NIOCore
import NIOHTTP1
import SCIM

/// Sessions for the Salesforce REST API through the OAuth 2.0 JWT bearer flow (RFC 7523 §2.1;
/// Salesforce's "JWT Bearer Flow for Server-to-Server Integration"): signs an RS256 assertion with the
/// connected app's certificate key (`iss` = consumer key, `sub` = the integration user's username,
/// `aud` = the login URL, `exp` = now + 3 min), exchanges it at the token endpoint, and keeps the
/// access token with the `instance_url` the answer names. Salesforce issues no refresh token and no
/// `expires_in`: a session is kept until the API refuses it (`invalidate`) or `refreshAfter` has passed.
/// Concurrent callers share one exchange. Neither the key nor a token is ever logged or printed.
public actor SalesforceTokenProvider {
    /// An access token and the org's API host.
    public struct Session: Sendable, CustomStringConvertible {
        public var accessToken: String
        /// `instance_url` of the token answer, e.g. `https://acme.my.salesforce.com`.
        public var instanceURL: String
        public var description: String { "Session(\(instanceURL), token redacted)" }
    }

    struct Cached {
        var session: Session
        var refreshAt: Date
    }

    /// The assertion's lifetime: Salesforce accepts at most three minutes.
    static let assertionLifetime: TimeInterval = 180

    let clientID: String
    let username: String
    let privateKeyPEM: String
    let tokenURL: String
    let audience: String
    let client: HTTPClient
    let refreshAfter: Duration
    let timeout: Duration
    let now: @Sendable () -> Date
    private var keys: JWTKeyCollection?
    private var cached: Cached?
    private var refreshing: Task<Cached, any Error>?
    /// How many sessions were obtained from the token endpoint (for tests and `doctor`).
    public private(set) var tokensIssued = 0

    /// - Parameters:
    ///   - clientID: the connected app's consumer key (`iss`).
    ///   - username: the pre-authorised integration user (`sub`).
    ///   - tokenURL: `https://login.salesforce.com/services/oauth2/token` (`test.salesforce.com` for sandboxes, or My Domain).
    ///   - audience: `aud`; `https://login.salesforce.com`, `https://test.salesforce.com` or the My Domain URL.
    ///   - refreshAfter: how long a session is used before a new one is obtained (the org's session timeout is 2 h by default).
    public init(
        clientID: String, username: String, privateKeyPEM: String, tokenURL: String, audience: String, client: HTTPClient,
        refreshAfter: Duration = .seconds(3600), timeout: Duration = .seconds(30), now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.clientID = clientID
        self.username = username
        self.privateKeyPEM = privateKeyPEM
        self.tokenURL = tokenURL
        self.audience = audience
        self.client = client
        self.refreshAfter = refreshAfter
        self.timeout = timeout
        self.now = now
    }

    /// A valid session, from the cache or freshly obtained.
    public func session() async throws -> Session {
        if let cached, now() < cached.refreshAt { return cached.session }
        if let refreshing { return try await refreshing.value.session }
        let task = Task { try await self.obtain() }
        refreshing = task
        defer { refreshing = nil }
        let fresh = try await task.value
        cached = fresh
        return fresh.session
    }

    /// Forgets the session of `accessToken` (the API answered `INVALID_SESSION_ID`), so that the next
    /// call obtains a new one; a session another caller already replaced is left alone.
    public func invalidate(accessToken: String) {
        if cached?.session.accessToken == accessToken { cached = nil }
    }

    /// The compact JWS of the assertion.
    func assertion(issuedAt: Date) async throws -> String {
        if keys == nil {
            let key: Insecure.RSA.PrivateKey
            do {
                key = try Insecure.RSA.PrivateKey(pem: privateKeyPEM)
            } catch {
                throw TargetError.permanent(
                    status: 401, detail: "The Salesforce private key is not a PEM-encoded RSA private key of at least 2048 bits (auth.privateKey).")
            }
            let collection = JWTKeyCollection()
            await collection.add(rsa: key, digestAlgorithm: .sha256)
            keys = collection
        }
        let claims = Claims(
            iss: clientID, sub: username, aud: audience, exp: Int64((issuedAt.timeIntervalSince1970 + Self.assertionLifetime).rounded(.down)))
        var header = JWTHeader()
        header.alg = "RS256"
        header.typ = "JWT"
        do {
            return try await keys!.sign(claims, header: header)
        } catch {
            throw TargetError.permanent(status: 401, detail: "Signing the Salesforce JWT assertion failed.")
        }
    }

    private func obtain() async throws -> Cached {
        let issuedAt = now()
        let jwt = try await assertion(issuedAt: issuedAt)
        var request = HTTPClientRequest(url: tokenURL)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        request.headers.add(name: "Accept", value: "application/json")
        request.body = .bytes(ByteBuffer(string: "grant_type=\(Self.formEncoded(Self.grantType))&assertion=\(Self.formEncoded(jwt))"))
        let status: Int
        let json: JSONValue?
        do {
            let response = try await client.execute(request, timeout: .init(timeout))
            let bytes = try await response.body.collect(upTo: 1 << 20)
            status = Int(response.status.code)
            json = bytes.readableBytes > 0 ? try? JSONParser.parse(bytes.readableBytesView) : nil
        } catch {
            throw TargetError.retryable(detail: "POST \(tokenURL): \(HTTPTransport.describe(error))", after: nil)
        }
        if (200..<300).contains(status), let token = json?["access_token"]?.stringValue, !token.isEmpty,
            let instance = json?["instance_url"]?.stringValue, !instance.isEmpty
        {
            tokensIssued += 1
            let seconds = Double(refreshAfter.components.seconds) + Double(refreshAfter.components.attoseconds) / 1e18
            let base = instance.hasSuffix("/") ? String(instance.dropLast()) : instance
            return Cached(session: Session(accessToken: token, instanceURL: base), refreshAt: issuedAt.addingTimeInterval(seconds))
        }
        let reason = [json?["error"]?.stringValue, json?["error_description"]?.stringValue].compactMap { $0 }.joined(separator: ": ")
        let detail = "The Salesforce token endpoint \(tokenURL) answered \(status)" + (reason.isEmpty ? "" : " (\(reason))")
        if status == 429 || status >= 500 || status == 408 { throw TargetError.retryable(detail: detail, after: nil) }
        if (200..<300).contains(status) {
            throw TargetError.permanent(status: 502, detail: "\(detail) without an access_token and instance_url")
        }
        throw TargetError.permanent(status: 401, detail: detail + Self.hint(json?["error_description"]?.stringValue))
    }

    /// What to fix for the refusals an operator meets when setting up the connected app.
    static func hint(_ description: String?) -> String {
        switch description {
        case "user hasn't approved this consumer":
            "; pre-authorise the integration user for the connected app (Permitted Users: admin approved users are pre-authorized, then add its profile or a permission set)"
        case "audience is invalid": "; set auth.audience to https://login.salesforce.com, https://test.salesforce.com or the My Domain URL"
        case "invalid assertion": "; the private key does not match the certificate uploaded to the connected app"
        case "client identifier invalid": "; auth.clientId must be the connected app's consumer key"
        default: ""
        }
    }

    static let grantType = "urn:ietf:params:oauth:grant-type:jwt-bearer"

    /// `application/x-www-form-urlencoded` value encoding: everything but unreserved characters escaped.
    static func formEncoded(_ s: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return s.addingPercentEncoding(withAllowedCharacters: allowed) ?? s
    }

    /// The claims of RFC 7523 §3 that Salesforce reads.
    struct Claims: JWTPayload {
        var iss: String
        var sub: String
        var aud: String
        var exp: Int64
        // Salesforce verifies the claims, not the client.
        func verify(using algorithm: some JWTAlgorithm) async throws {}
    }
}
