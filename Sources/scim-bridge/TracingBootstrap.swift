import BridgeConfig
import Logging
import OTel
import ServiceLifecycle
import Tracing

/// `server.tracing`: installs the OpenTelemetry tracer (OTLP/HTTP exporter) process-wide, once, before
/// anything that records spans is made (AsyncHTTPClient's shared client picks its tracer up when it is
/// first used). Nothing is installed when tracing is off, so spans cost a no-op.
enum TracingBootstrap {
    /// The exporter's background service (batching and sending spans), or nil when tracing is off.
    static func install(_ settings: TracingSettings, logger: Logger) throws -> (any Service)? {
        guard settings.enabled else { return nil }
        var configuration = OTel.Configuration.default
        configuration.serviceName = settings.serviceName
        configuration.diagnosticLogger = .custom(logger)
        configuration.metrics.enabled = false
        configuration.logs.enabled = false
        configuration.traces.enabled = true
        configuration.propagators = [.traceContext]
        configuration.traces.exporter = .otlp
        configuration.traces.otlpExporter.endpoint = Self.tracesURL(settings.endpoint)
        configuration.traces.otlpExporter.protocol =
            switch settings.otlpProtocol {
            case .protobuf: .httpProtobuf
            case .json: .httpJSON
            }
        // A trace the identity provider sampled is followed; new traces are sampled at the ratio.
        guard
            let sampler = OTel.Configuration.TracesConfiguration.SamplerConfiguration
                .parentBasedTraceIDRatio(ratio: settings.sampleRatio)
        else {
            throw CLIError("server.tracing.sampleRatio: must be between 0 and 1")
        }
        configuration.traces.sampler = sampler
        let backend = try OTel.makeTracingBackend(configuration: configuration)
        InstrumentationSystem.bootstrap(backend.factory)
        return backend.service
    }

    /// The endpoint of spans: `server.tracing.endpoint` is the collector's base URL, as
    /// `OTEL_EXPORTER_OTLP_ENDPOINT` is; OTLP/HTTP sends traces to `v1/traces` under it.
    static func tracesURL(_ base: String) -> String {
        base.hasSuffix("/") ? base + "v1/traces" : base + "/v1/traces"
    }
}
