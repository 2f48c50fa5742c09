import HTTPTypes
import Hummingbird
import Logging

/// Gives every request an id: the client's `X-Request-Id` when it is a sane one (at most 128
/// printable ASCII characters), else a new one. The id goes into the request's logger metadata
/// (`requestId`) and back on the answer, so that an IdP's log line and the bridge's meet.
struct RequestIDMiddleware: RouterMiddleware {
    typealias Context = SCIMRequestContext
    static let header = HTTPField.Name("X-Request-Id")!

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        let id = request.headers[Self.header].flatMap(Self.accepted) ?? Self.generate()
        var context = context
        context.logger[metadataKey: "requestId"] = .string(id)
        let started = ContinuousClock.now
        do {
            var response = try await next(request, context)
            response.headers[Self.header] = id
            log(request, context, status: Int(response.status.code), since: started)
            return response
        } catch {
            log(
                request,
                context,
                status: (error as? any HTTPResponseError).map { Int($0.status.code) } ?? 500,
                since: started
            )
            throw error
        }
    }

    /// One line per request: `debug`, or `error` for a 5xx (the bridge's own fault).
    func log(_ request: Request, _ context: Context, status: Int, since started: ContinuousClock.Instant) {
        let level: Logger.Level = status >= 500 ? .error : .debug
        context.logger.log(
            level: level,
            "request",
            metadata: [
                "method": .string(request.method.rawValue), "route": .string(context.endpointPath ?? "unmatched"),
                "status": .stringConvertible(status),
                "channel": .string(InboundMetricsMiddleware<Context>.channel(of: request.uri.path)),
                "durationMs": .stringConvertible((ContinuousClock.now - started).milliseconds),
            ]
        )
    }

    static func accepted(_ value: String) -> String? {
        guard !value.isEmpty, value.utf8.count <= 128,
            value.unicodeScalars.allSatisfy({ $0.value > 32 && $0.value < 127 })
        else { return nil }
        return value
    }

    /// 32 hex digits from two random words: two allocations, not one per byte.
    static func generate() -> String {
        var rng = SystemRandomNumberGenerator()
        return hex(rng.next()) + hex(rng.next())
    }

    static func hex(_ word: UInt64) -> String {
        let digits = String(word, radix: 16)
        return digits.count == 16 ? digits : String(repeating: "0", count: 16 - digits.count) + digits
    }
}

extension Duration {
    fileprivate var milliseconds: Int64 { components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000 }
}
