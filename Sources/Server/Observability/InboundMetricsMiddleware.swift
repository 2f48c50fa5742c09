import Hummingbird
import Metrics
import Synchronization

/// Records every inbound request in `http_server_request_duration_seconds` (OpenTelemetry's
/// `http.server.request.duration`), by method, route template, status and SCIM channel. The route is
/// the template (`/scim/v2/{channel}/Users/{id}`), never the path, so that ids never become labels;
/// the channel is named only when the request reached it (not a 401 or 404), so that made-up
/// channel names cannot grow the series.
struct InboundMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    /// One timer per label set, made once: the metrics backend's own lookup builds label strings.
    let timers = RequestTimers()

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        let started = ContinuousClock.now
        do {
            let response = try await next(request, context)
            record(request, context, status: Int(response.status.code), since: started)
            return response
        } catch {
            let status = (error as? any HTTPResponseError).map { Int($0.status.code) } ?? 500
            record(request, context, status: status, since: started)
            throw error
        }
    }

    func record(_ request: Request, _ context: Context, status: Int, since started: ContinuousClock.Instant) {
        let elapsed = ContinuousClock.now - started
        let key = RequestTimers.Key(
            method: request.method.rawValue,
            route: context.endpointPath ?? "unmatched",
            status: status,
            channel: status == 401 || status == 404 ? "-" : Self.channel(of: request.uri.path)
        )
        timers.timer(for: key)
            .recordNanoseconds(
                elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000
            )
    }

    /// The channel of `/scim/v2/{channel}/…`, or `-` for other paths.
    static func channel(of path: String) -> String {
        let parts = path.split(separator: "/", maxSplits: 3)
        guard parts.count >= 3, parts[0] == "scim", parts[1] == "v2" else { return "-" }
        return String(parts[2])
    }
}

/// The request-duration timers by label set.
final class RequestTimers: Sendable {
    struct Key: Hashable, Sendable {
        var method: String
        var route: String
        var status: Int
        var channel: String
    }

    private let timers = Mutex<[Key: Timer]>([:])

    func timer(for key: Key) -> Timer {
        if let known = timers.withLock({ $0[key] }) { return known }
        let made = Timer(
            label: "http_server_request_duration_seconds",
            dimensions: [
                ("http_request_method", key.method), ("http_route", key.route),
                ("http_response_status_code", String(key.status)), ("scim_channel", key.channel),
            ],
            preferredDisplayUnit: .seconds
        )
        return timers.withLock { timers in
            if let raced = timers[key] { return raced }
            timers[key] = made
            return made
        }
    }
}
