import Hummingbird
import SCIM
import Store

/// Authenticates every request under `/scim/v2/{channel}` to that channel (401 otherwise), so a
/// credential of one channel can see nothing of another, and notes the channel's activity.
struct ChannelAuthMiddleware: RouterMiddleware {
    typealias Context = SCIMRequestContext
    let authenticator: ChannelAuthenticator
    let activity: ChannelActivity

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        let name = try context.parameters.require("channel")
        var context = context
        context.channel = try await authenticator.authenticate(
            authorization: request.headers[.authorization],
            channelName: name
        )
        if let channel = context.channel { activity.noteRequest(of: channel) }
        return try await next(request, context)
    }
}

/// For the discovery endpoints, which need no credentials (RFC 7644 §4 describes them as the way a
/// client learns how to talk to the server): the channel must exist, nothing more.
struct ChannelExistsMiddleware: RouterMiddleware {
    typealias Context = SCIMRequestContext
    let store: any Store
    let cache: AuthCache

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        let name = try context.parameters.require("channel")
        guard let channel = try await cache.channel(named: name, in: store) else {
            throw SCIMError.notFound("There is no channel named '\(name)'.")
        }
        var context = context
        context.channel = channel
        return try await next(request, context)
    }
}
