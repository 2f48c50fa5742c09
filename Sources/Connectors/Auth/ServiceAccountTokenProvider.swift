public import AsyncHTTPClient
public import Foundation

/// Access tokens for the Google Directory API from a service account with domain-wide delegation:
/// signs an RS256 assertion (RFC 7523) that impersonates `subject`, exchanges it at the token
/// endpoint, and caches the token until shortly before it expires. Concurrent callers share one
/// refresh. After a 401 from the API, `invalidate(authorization:)` drops the token that was refused.
/// Neither the key nor a token is ever logged or printed.
public actor ServiceAccountTokenProvider {
    struct Cached {
        var token: String
        var refreshAt: Date
    }

    /// The lifetime requested in the assertion (Google's maximum).
    static let assertionLifetime: Duration = .seconds(3600)

    let key: ServiceAccountKey
    let subject: String
    let scope: String
    let grant: JWTBearerGrant
    let refreshMargin: Duration
    let now: @Sendable () -> Date
    private var signer: JWTAssertionSigner?
    private var cached: Cached?
    private var refreshing: Task<Cached, any Error>?
    /// How many tokens were obtained from the endpoint (for tests and `doctor`).
    public private(set) var tokensIssued = 0

    /// - Parameters:
    ///   - subject: the Workspace admin to impersonate (the assertion's `sub`).
    ///   - tokenURL: the token endpoint and the assertion's `aud`; the key's `token_uri`, then Google's, when nil.
    ///   - refreshMargin: how long before expiry a token is replaced (capped at half its lifetime).
    public init(
        key: ServiceAccountKey, subject: String, scopes: [String], tokenURL: String? = nil, client: HTTPClient,
        refreshMargin: Duration = .seconds(60), now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.key = key
        self.subject = subject
        self.scope = scopes.joined(separator: " ")
        self.grant = JWTBearerGrant(client: client, tokenURL: tokenURL ?? key.tokenURI ?? "https://oauth2.googleapis.com/token")
        self.refreshMargin = refreshMargin
        self.now = now
    }

    /// The `Authorization` header value for the next API call.
    public func authorization() async throws -> String { "Bearer \(try await accessToken())" }

    /// A valid access token, from the cache or freshly obtained.
    public func accessToken() async throws -> String {
        if let cached, now() < cached.refreshAt { return cached.token }
        if let refreshing { return try await refreshing.value.token }
        let task = Task { try await self.obtain() }
        refreshing = task
        defer { refreshing = nil }
        let fresh = try await task.value
        cached = fresh
        return fresh.token
    }

    /// Forgets the token behind `authorization` (an API call was refused with 401), so that the next
    /// call obtains a new one; a token already replaced by another caller is left alone.
    public func invalidate(authorization: String) {
        if let cached, "Bearer \(cached.token)" == authorization { self.cached = nil }
    }

    private func obtain() async throws -> Cached {
        if signer == nil { signer = try await JWTAssertionSigner.rs256(privateKeyPEM: key.privateKeyPEM, keyID: key.privateKeyID) }
        let issuedAt = now()
        let assertion = try await signer!.sign(
            issuer: key.clientEmail, subject: subject, audience: grant.tokenURL, scope: scope, issuedAt: issuedAt,
            lifetime: Self.assertionLifetime)
        let token = try await grant.exchange(assertion: assertion)
        tokensIssued += 1
        let lifetime = token.expiresIn ?? Self.assertionLifetime
        let margin = min(refreshMargin, lifetime / 2)
        let seconds = Double((lifetime - margin).components.seconds) + Double((lifetime - margin).components.attoseconds) / 1e18
        return Cached(token: token.accessToken, refreshAt: issuedAt.addingTimeInterval(seconds))
    }
}
