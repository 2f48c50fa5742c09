internal import Foundation
internal import Hummingbird
internal import SCIM

/// In front of the Directory API routes: each request is counted and recorded, then meets the fault
/// plan, the quota and bearer-token authentication, in that order; a thrown `GoogleError` becomes
/// Google's error body. The token endpoint and `/_emulator` pass through.
struct GoogleMiddleware: RouterMiddleware {
    typealias Context = EmulatorRequestContext
    let emulator: GoogleEmulator

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        let arrival = ContinuousClock.now
        let path = request.uri.path
        guard path.hasPrefix(GoogleEmulator.apiPath + "/") || path == GoogleEmulator.apiPath else {
            return await Self.rendering { try await next(request, context) }
        }
        let decoded = path.removingPercentEncoding ?? path
        let response: Response
        switch emulator.admit(
            method: request.method.rawValue,
            path: decoded,
            query: request.uri.query,
            authorization: request.headers[.authorization],
            arrivedAt: arrival
        )
        {
        case .failure(.drop):
            await context.dropConnection()
            return Response(status: .internalServerError)
        case .failure(.error(let error, let retryAfter)):
            response = GoogleRoutes.error(error, retryAfter: retryAfter)
        case .success(let admitted):
            if let delay = admitted.delay { try await Task.sleep(for: .milliseconds(delay)) }
            response = await Self.rendering { try await next(request, context) }
            if admitted.loseResponse {
                await context.dropConnection()
                return response  // handled, but nothing reaches the client
            }
        }
        emulator.recordResponse(status: Int(response.status.code), retryAfter: response.retryAfterSeconds)
        return response
    }

    static func rendering(_ body: () async throws -> Response) async -> Response {
        do {
            return try await body()
        } catch let error as GoogleError {
            return GoogleRoutes.error(error)
        } catch let error as SCIMError {
            return GoogleRoutes.error(GoogleError(error.status, error.detail, reason: "invalid"))
        } catch let error as HTTPError {
            let status = Int(error.status.code)
            return GoogleRoutes.error(
                GoogleError(
                    status,
                    error.body ?? error.status.reasonPhrase,
                    reason: status == 404 ? "notFound" : "invalid"
                )
            )
        } catch {
            return GoogleRoutes.error(GoogleError(500, "Backend Error", reason: "backendError"))
        }
    }
}
