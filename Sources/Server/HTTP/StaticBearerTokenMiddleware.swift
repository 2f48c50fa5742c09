import Hummingbird
import SCIM

/// Admits a request only with `Authorization: Bearer <token>`, a token from the configuration
/// (`server.adminToken` for `/admin`, `server.metrics.token` for `/metrics`); a channel's token is not
/// enough, and this token opens no channel.
struct StaticBearerTokenMiddleware: RouterMiddleware {
    typealias Context = SCIMRequestContext
    let token: String
    /// What the token opens and the key that sets it, for the error: ("The admin API", "server.adminToken").
    let opens: (what: String, key: String)

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        guard let header = request.headers[.authorization], header.lowercased().hasPrefix("bearer ") else {
            throw SCIMError.unauthorized("\(opens.what) requires 'Authorization: Bearer <\(opens.key)>'.")
        }
        let presented = Secrets.hash(String(header.dropFirst("bearer ".count)), salt: [])
        guard Secrets.constantTimeEquals(presented, Secrets.hash(token, salt: [])) else {
            throw SCIMError.unauthorized("The token given for \(opens.what) is not valid.")
        }
        return try await next(request, context)
    }
}
