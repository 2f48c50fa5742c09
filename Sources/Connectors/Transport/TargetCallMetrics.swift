import Metrics

/// The metrics of calls to targets (docs/operations.md): one histogram of call durations by target,
/// operation and outcome, and the throttling answers with the pause they asked for. Recorded through
/// swift-metrics, so that nothing is kept when no backend is bootstrapped.
enum TargetCallMetrics {
    /// How a call ended, as the `outcome` label says it.
    enum Outcome: String {
        case success, clientError = "client_error", serverError = "server_error", throttled
        case networkError = "network_error"
    }

    static func record(target: String, method: String, path: String, outcome: Outcome, duration: Duration) {
        Timer(
            label: "scim_bridge_target_request_duration_seconds",
            dimensions: [
                ("target", target), ("operation", operation(method: method, path: path)), ("outcome", outcome.rawValue),
            ],
            preferredDisplayUnit: .seconds
        )
        .recordNanoseconds(duration.nanoseconds)
    }

    /// A `429` (or vendor throttle) and the pause it asked for, in seconds.
    static func throttled(target: String, pause: Duration) {
        Counter(label: "scim_bridge_target_throttled_total", dimensions: [("target", target)]).increment()
        FloatingPointCounter(label: "scim_bridge_target_retry_after_seconds_total", dimensions: [("target", target)])
            .increment(by: Double(pause.nanoseconds) / 1e9)
    }

    /// `PATCH Groups`, `GET memberOf`, `POST $batch`: the method and the last path segment that is a
    /// word, so that resource ids never become label values.
    static func operation(method: String, path: String) -> String {
        let bare = path.split(separator: "?", maxSplits: 1).first ?? ""
        let word = bare.split(separator: "/").last { segment in
            segment.allSatisfy { $0.isLetter || $0 == "$" || $0 == "_" || $0 == "-" }
        }
        return "\(method) \(word.map(String.init) ?? "/")"
    }
}

extension Duration {
    var nanoseconds: Int64 {
        components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000
    }
}
