internal import HTTPTypes
internal import Hummingbird
internal import NIOCore
internal import SCIM

/// In front of every route. A request under `/scim/v2/enterprises/` is recorded (body included)
/// and counted, then meets the fault plan, the rate limiter, bearer authentication (401 with no
/// body) and the enterprise slug (404 `basic-error`), in that order; every failure takes GitHub's shape.
struct GitHubEMUMiddleware: RouterMiddleware {
    typealias Context = EmulatorRequestContext
    static let prefix = "/scim/v2/enterprises/"
    let emulator: GitHubEMUEmulator

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        let arrival = ContinuousClock.now
        let path = request.uri.path
        guard path.hasPrefix(Self.prefix) else {
            return await GitHubEMUResponses.rendering { try await next(request, context) }
        }
        let afterPrefix = path.dropFirst(Self.prefix.count)
        let slug = afterPrefix.prefix { $0 != "/" }
        let relative = String(afterPrefix.dropFirst(slug.count))
        var request = request
        let buffer: ByteBuffer?
        do {
            buffer = try await request.collectBody(upTo: SCIMMessages.bodyLimit)
        } catch {
            buffer = nil
        }
        let body = buffer.flatMap { b in b.readableBytes > 0 ? try? JSONParser.parse(b.readableBytesView) : nil }
        let recorded = GitHubEMURecordedRequest(
            method: request.method.rawValue,
            path: path,
            query: request.uri.query,
            body: body,
            traceParent: request.headers[HTTPField.Name("traceparent")!]
        )
        let response: Response
        switch emulator.admit(recorded, relativePath: relative, arrivedAt: arrival) {
        case .drop:
            await context.dropConnection()
            return Response(status: .internalServerError)  // never reaches the client
        case .refuse(let status, let retryAfter, let detail):
            response = GitHubEMUResponses.error(SCIMError(status: status, detail: detail), retryAfter: retryAfter)
        case .proceed(let delay, let lose):
            if let delay { try await Task.sleep(for: .milliseconds(delay)) }
            if !authorized(request) {
                response = GitHubEMUResponses.error(SCIMError(status: 401, detail: "Requires authentication"))
            } else if slug != emulator.configuration.enterprise {
                response = GitHubEMUResponses.error(.notFound("Not Found"))
            } else if buffer == nil {
                response = GitHubEMUResponses.error(
                    .payloadTooLarge("The request body is larger than \(SCIMMessages.bodyLimit) bytes.")
                )
            } else {
                response = await GitHubEMUResponses.rendering { try await next(request, context) }
            }
            if lose {
                await context.dropConnection()
                return response  // handled, but nothing reaches the client
            }
        }
        emulator.recordResponse(status: Int(response.status.code), retryAfter: response.retryAfterSeconds)
        return response
    }

    private func authorized(_ request: Request) -> Bool {
        guard let header = request.headers[.authorization] else { return false }
        let parts = header.split(separator: " ", maxSplits: 1)
        return parts.count == 2 && parts[0].lowercased() == "bearer" && parts[1] == emulator.configuration.token
    }
}
