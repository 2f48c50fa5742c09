package import Metrics
package import Prometheus

/// The test process's one Prometheus registry: swift-metrics can be bootstrapped once per process,
/// so every test that reads metrics shares it (and asserts on series of its own labels).
package enum TestMetrics {
    package static let registry: PrometheusCollectorRegistry = {
        let r = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: r))
        return r
    }()
}
