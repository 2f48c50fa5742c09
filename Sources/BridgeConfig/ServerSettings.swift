/// The `server:` section: where the inbound SCIM server listens, where it keeps its data, and its limits.
package struct ServerSettings: Sendable, Hashable {
    /// Address to listen on. Default `127.0.0.1`.
    package var host: String
    /// Port to listen on, 0 for any free one. Default `8080`.
    package var port: Int
    /// Folder of the embedded database. Default `./data`.
    package var dataDir: String
    /// Absolute `http(s)` URL clients reach the bridge at, without a trailing `/`, for `meta.location` behind a
    /// proxy. Default: none (taken from each request's `Host`).
    package var publicURL: String?
    /// Bearer token of the admin API. Default: none (the admin API is off).
    package var adminToken: Secret?
    /// Request and response limits (RFC 7644 §4 `ServiceProviderConfig`).
    package var limits: LimitSettings
    /// `server.metrics`: the Prometheus endpoint.
    package var metrics = MetricsSettings()
    /// `server.log`: the log's format and level.
    package var log = LogSettings()
    /// How long a graceful shutdown (SIGTERM) may take: requests and target calls in flight finish
    /// within it, and are cancelled after it. Default 30 seconds.
    package var shutdownGrace: Duration = .seconds(30)
    /// `server.tls`: serve HTTPS with this certificate chain and key. Default: none (plain HTTP).
    package var tls: TLSSettings?
    /// `server.tracing`: spans exported over OTLP/HTTP; off by default.
    package var tracing = TracingSettings()

    package init(
        host: String = "127.0.0.1",
        port: Int = 8080,
        dataDir: String = "./data",
        publicURL: String? = nil,
        adminToken: Secret? = nil,
        limits: LimitSettings = LimitSettings()
    ) {
        self.host = host
        self.port = port
        self.dataDir = dataDir
        self.publicURL = publicURL
        self.adminToken = adminToken
        self.limits = limits
    }
}

/// `server.metrics`: `/metrics` in the Prometheus text format, on the main port.
package struct MetricsSettings: Sendable, Hashable {
    /// Whether `/metrics` is served. Default `true`.
    package var enabled = true
    /// When set, a scrape needs `Authorization: Bearer <token>`. Default: none (restrict it at the network).
    package var token: Secret?
    /// A port of its own for `/metrics` (same host), 0 for any free one. Default: none (the main port).
    package var port: Int?
    package init() {}
}

/// `server.log`: how the bridge logs to standard output.
package struct LogSettings: Sendable, Hashable {
    /// `json`: one object per line; `text`: one readable line per event (the default).
    package enum Format: String, Sendable, Hashable, CaseIterable { case text, json }
    /// swift-log's levels.
    package enum Level: String, Sendable, Hashable, CaseIterable {
        case trace, debug, info, notice, warning, error, critical
    }
    package var format: Format = .text
    package var level: Level = .info
    package init() {}
}

/// `server.tls`: the PEM certificate chain and private key HTTPS is served with. Both are secret
/// references; files are read again when they change, so a renewed certificate needs no restart.
package struct TLSSettings: Sendable, Hashable {
    package var certificate: Secret
    package var privateKey: Secret
    package init(certificate: Secret, privateKey: Secret) {
        self.certificate = certificate
        self.privateKey = privateKey
    }
}

/// `server.tracing`: OpenTelemetry spans (inbound request, outbox delivery, outbound call), exported
/// over OTLP/HTTP to a collector. Off by default: no tracer is installed and nothing is recorded.
package struct TracingSettings: Sendable, Hashable {
    /// The OTLP/HTTP encodings a collector accepts.
    package enum OTLPProtocol: String, Sendable, Hashable, CaseIterable {
        case protobuf = "http/protobuf"
        case json = "http/json"
    }
    /// Whether spans are recorded and exported. Default `false`.
    package var enabled = false
    /// The collector's OTLP/HTTP base URL; spans go to `<endpoint>/v1/traces`. Default `http://localhost:4318`.
    package var endpoint = "http://localhost:4318"
    package var otlpProtocol: OTLPProtocol = .protobuf
    /// `service.name` on every span. Default `scim-bridge`.
    package var serviceName = "scim-bridge"
    /// The share of new traces recorded (0 to 1); a trace the identity provider sampled is always followed.
    package var sampleRatio = 1.0
    package init() {}
}
