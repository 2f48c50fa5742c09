internal import Hummingbird
internal import NIOCore
internal import SCIM

/// In front of every route of the Slack emulator: requests under the base path are recorded and
/// admitted (fault plan, bearer token, rate limits, resource lock: `SlackEmulator.admit`), take
/// `updateDuration` when they write, and have every failure rendered as a Slack error body.
struct SlackMiddleware: RouterMiddleware {
    typealias Context = EmulatorRequestContext
    let emulator: SlackEmulator
    /// Request bodies above this are 413 (15,000 members fit with room to spare).
    static let bodyLimit = 8 << 20

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        let arrival = ContinuousClock.now
        let path = request.uri.path
        let base = SlackEmulator.basePath
        guard path == base || path.hasPrefix(base + "/") else {
            return await Self.rendering { try await next(request, context) }
        }
        let relative = String(path.dropFirst(base.count))
        let method = request.method.rawValue
        var request = request
        var body: JSONValue?
        let collected = try? await request.collectBody(upTo: Self.bodyLimit)
        if let collected, collected.readableBytes > 0 { body = try? JSONParser.parse(collected.readableBytesView) }
        let query = request.uri.query.map { "?\($0)" } ?? ""
        let response: Response
        var scope = RetryAfterScope.target
        switch emulator.admit(method: method, path: relative, authorized: authorized(request), arrivedAt: arrival) {
        case .drop:
            emulator.record(SlackRecordedRequest(method: method, path: relative + query, body: body, status: nil))
            await context.dropConnection()
            return Response(status: .internalServerError)
        case .refuse(let error, let retryAfter):
            // Slack's lock speaks for the resource being updated only; every other Retry-After for the org.
            if error == .resourceLocked { scope = .resource(relative) }
            response = Self.error(error, retryAfter: retryAfter)
        case .proceed(let delay, let lockKey, let lose):
            if let delay { try? await Task.sleep(for: .milliseconds(delay)) }
            if collected == nil {
                response = Self.error(.payloadTooLarge)
            } else {
                if method != "GET" { await emulator.takeUpdateTime() }
                response = await Self.rendering { try await next(request, context) }
            }
            if let lockKey { emulator.unlock(lockKey) }
            if lose {
                emulator.record(SlackRecordedRequest(method: method, path: relative + query, body: body, status: nil))
                await context.dropConnection()
                return response  // handled, but nothing reaches the client
            }
        }
        emulator.record(
            SlackRecordedRequest(method: method, path: relative + query, body: body, status: Int(response.status.code)),
            retryAfter: response.retryAfterSeconds,
            scope: scope
        )
        return response
    }

    private func authorized(_ request: Request) -> Bool {
        guard let header = request.headers[.authorization] else { return false }
        let parts = header.split(separator: " ", maxSplits: 1)
        return parts.count == 2 && parts[0].lowercased() == "bearer" && parts[1] == emulator.configuration.token
    }

    static func json(_ status: Int, _ value: JSONValue, headers extra: HTTPFields = [:]) -> Response {
        var headers = extra
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(
            status: HTTPResponse.Status(code: status),
            headers: headers,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: value.serializedBytes()))
        )
    }

    static func error(_ error: SlackError, retryAfter: Int? = nil) -> Response {
        var headers = HTTPFields()
        if let retryAfter { headers[.retryAfter] = String(retryAfter) }
        return json(error.status, error.json, headers: headers)
    }

    /// The response of `body`, or its failure as a Slack error body.
    static func rendering(_ body: () async throws -> Response) async -> Response {
        do {
            return try await body()
        } catch let error as SlackError {
            return Self.error(error)
        } catch let error as SCIMError {
            return Self.error(SlackError(error.status, error.scimType?.rawValue ?? "invalid_request"))
        } catch let error as HTTPError {
            return Self.error(
                error.status.code == 404 ? .notFound : SlackError(Int(error.status.code), "invalid_request")
            )
        } catch {
            return Self.error(SlackError(500, "fatal_error"))
        }
    }
}
