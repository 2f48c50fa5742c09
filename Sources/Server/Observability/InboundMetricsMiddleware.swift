import Hummingbird
import Metrics

/// Records every inbound request in `http_server_request_duration_seconds` (OpenTelemetry's
/// `http.server.request.duration`), by method, route template, status and SCIM channel. The route is
/// the template (`/scim/v2/{channel}/Users/{id}`), never the path, so that ids never become labels;
/// the channel is named only when the request reached it (not a 401 or 404), so that made-up
/// channel names cannot grow the series.
struct InboundMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
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
        Timer(
            label: "http_server_request_duration_seconds",
            dimensions: [
                ("http_request_method", request.method.rawValue),
                ("http_route", context.endpointPath ?? "unmatched"),
                ("http_response_status_code", String(status)),
                ("scim_channel", status == 401 || status == 404 ? "-" : Self.channel(of: request.uri.path)),
            ],
            preferredDisplayUnit: .seconds
        )
        .recordNanoseconds(elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000)
    }

    /// The channel of `/scim/v2/{channel}/…`, or `-` for other paths.
    static func channel(of path: String) -> String {
        let parts = path.split(separator: "/", maxSplits: 3)
        guard parts.count >= 3, parts[0] == "scim", parts[1] == "v2" else { return "-" }
        return String(parts[2])
    }
}
