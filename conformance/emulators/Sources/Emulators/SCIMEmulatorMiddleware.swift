internal import Hummingbird
internal import SCIM

/// In front of every route: SCIM requests (under `SCIMEmulator.basePath`) are counted, then meet
/// the fault plan, the rate limiter and bearer authentication (RFC 7644 §2), in that order; every
/// failure, SCIM or admin, becomes an RFC 7644 §3.12 error body.
struct SCIMEmulatorMiddleware: RouterMiddleware {
    typealias Context = EmulatorRequestContext
    let emulator: SCIMEmulator

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        let arrival = ContinuousClock.now
        let path = request.uri.path
        guard path == SCIMEmulator.basePath || path.hasPrefix(SCIMEmulator.basePath + "/") else {
            return await Self.rendering { try await next(request, context) }
        }
        let response: Response
        switch emulator.admit(
            method: request.method.rawValue,
            path: String(path.dropFirst(SCIMEmulator.basePath.count)),
            arrivedAt: arrival
        ) {
        case .drop:
            await context.dropConnection()
            // Nothing reaches the client: the connection is closed, so writing this fails.
            return Response(status: .internalServerError)
        case .refuse(let status, let retryAfter, let detail):
            response = SCIMMessages.error(SCIMError(status: status, detail: detail), retryAfter: retryAfter)
        case .proceed(let delay, let lose):
            if let delay { try await Task.sleep(for: .milliseconds(delay)) }
            if authorized(request) {
                response = await Self.rendering { try await next(request, context) }
            } else {
                response = SCIMMessages.error(
                    .unauthorized("A valid bearer token is required: Authorization: Bearer <token>.")
                )
            }
            if lose {
                await context.dropConnection()
                return response  // handled, but the connection is closed: nothing reaches the client
            }
        }
        emulator.recordResponse(status: response.status.code, retryAfter: response.retryAfterSeconds)
        return response
    }

    private func authorized(_ request: Request) -> Bool {
        guard let header = request.headers[.authorization] else { return false }
        let parts = header.split(separator: " ", maxSplits: 1)
        return parts.count == 2 && parts[0].lowercased() == "bearer" && parts[1] == emulator.configuration.token
    }

    /// The response of `body`, or its failure as a SCIM error.
    static func rendering(_ body: () async throws -> Response) async -> Response {
        do {
            return try await body()
        } catch let error as SCIMError {
            return SCIMMessages.error(error)
        } catch let error as HTTPError {
            let status = Int(error.status.code)
            return SCIMMessages.error(SCIMError(status: status, detail: error.body ?? error.status.reasonPhrase))
        } catch {
            return SCIMMessages.error(.internalError)
        }
    }
}
