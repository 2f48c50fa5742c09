package import Prometheus

/// What the operations endpoints (`/healthz`, `/readyz`, `/metrics`) serve (docs/operations.md).
package struct ObservabilityConfiguration: Sendable {
    /// The Prometheus registry swift-metrics is bootstrapped with; nil: no `/metrics`.
    package var registry: PrometheusCollectorRegistry?
    /// When set, `/metrics` asks for `Authorization: Bearer <token>` (`server.metrics.token`).
    package var metricsToken: String?
    /// `server.metrics.port`: `/metrics` on a listener of its own (`buildMetricsApplication`), not the main port.
    package var metricsPort: Int?
    /// The configured targets, whose outbox and health `/readyz` and `/metrics` report.
    package var targets: [String]
    /// The target workers and whether each runs (`/readyz`).
    package var workers: @Sendable () -> [WorkerStatus]

    package init(
        registry: PrometheusCollectorRegistry? = nil,
        metricsToken: String? = nil,
        metricsPort: Int? = nil,
        targets: [String] = [],
        workers: @escaping @Sendable () -> [WorkerStatus] = { [] }
    ) {
        self.registry = registry
        self.metricsToken = metricsToken
        self.metricsPort = metricsPort
        self.targets = targets
        self.workers = workers
    }
}

/// One target worker as `/readyz` reports it.
package struct WorkerStatus: Sendable {
    package var target: String
    /// Whether its loop runs (a worker that ended is restarted; until then the bridge is not ready).
    package var running: Bool
    /// How long ago it last went round its loop.
    package var idle: Duration?

    package init(target: String, running: Bool, idle: Duration?) {
        self.target = target
        self.running = running
        self.idle = idle
    }
}
