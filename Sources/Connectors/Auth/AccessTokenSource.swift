package import AsyncHTTPClient

/// A provider of OAuth 2.0 access tokens that a transport signs its requests with (Google's service
/// accounts, Microsoft Graph's client credentials): the token is cached, and one the target refuses
/// is replaced.
package protocol AccessTokenSource: Sendable {
    /// The `Authorization` value: `Bearer <token>`.
    func authorization() async throws -> String
    /// Forgets the token of `refused` (the target answered 401), unless another caller replaced it.
    func invalidate(authorization refused: String) async
}

extension HTTPTransport {
    /// A JSON transport that signs every request with `tokens`' current token; a 401 replaces the
    /// token and repeats the request once.
    package init(
        client: HTTPClient,
        baseURL: String,
        bucket: TokenBucket,
        timeout: Duration,
        tokens: some AccessTokenSource
    ) {
        self.init(
            client: client,
            baseURL: baseURL,
            bucket: bucket,
            timeout: timeout,
            authorization: { try await tokens.authorization() },
            reauthorize: { await tokens.invalidate(authorization: $0) }
        )
    }
}

extension ServiceAccountTokenProvider: AccessTokenSource {}
extension MSGraphTokenProvider: AccessTokenSource {}
