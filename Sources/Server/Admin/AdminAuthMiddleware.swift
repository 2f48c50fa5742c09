import Hummingbird
import SCIM

/// Admits a request under `/admin` only with `Authorization: Bearer <admin token>`; a channel's token is
/// not enough, and the admin token opens no channel.
struct AdminAuthMiddleware: RouterMiddleware {
    typealias Context = SCIMRequestContext
    let token: String

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        guard let header = request.headers[.authorization], header.lowercased().hasPrefix("bearer ") else {
            throw SCIMError.unauthorized("The admin API requires 'Authorization: Bearer <server.adminToken>'.")
        }
        let presented = Secrets.hash(String(header.dropFirst("bearer ".count)), salt: [])
        guard Secrets.constantTimeEquals(presented, Secrets.hash(token, salt: [])) else {
            throw SCIMError.unauthorized("The admin token is not valid.")
        }
        return try await next(request, context)
    }
}
