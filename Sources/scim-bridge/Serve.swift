import ArgumentParser
import BridgeConfig
import BridgeRuntime
import Foundation
import Hummingbird
import Logging
import Membership
import Metrics
import NIOCore
import OTel
import Prometheus
import Server
import ServiceLifecycle
import Store
import Sync
import UnixSignals

/// `scim-bridge serve`: runs the bridge on the configured store (`storage:`) until SIGTERM or SIGINT.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Run the bridge: the inbound SCIM server on the configured store (the embedded SQLite file by default)."
    )

    @Option(help: "Configuration file (YAML); see docs/configuration.md.") var config: String?
    @Option(help: "Address to listen on (default: server.host of --config, else 127.0.0.1).") var host: String?
    @Option(help: "Port to listen on, 0 picks a free one (default: server.port of --config, else 8080).") var port: Int?
    @OptionGroup var store: StoreOptions
    @Flag(
        help:
            "Do not migrate the PostgreSQL schema (run 'scim-bridge migrate' first): refuse to start if it is behind."
    )
    var noMigrate = false
    @Option(help: "Write every SCIM request and response, redacted, as replay fixtures into this folder.")
    var record: String?
    @Option(help: "Public base URL clients use (e.g. https://scim.example.com), for meta.location behind a proxy.")
    var publicURL: String?
    @Option(
        help: "Log level: trace, debug, info, notice, warning, error, critical (default: server.log.level, else info)."
    )
    var logLevel: String?
    @Option(
        help:
            "Threads that run request handlers: event-loops (NIO's, the default and fastest) or swift (Swift's own pool)."
    )
    var executor: TaskExecutorChoice = .eventLoops

    func validate() throws {
        if let port, !(0...65535).contains(port) {
            throw ValidationError("--port must be between 0 and 65535, not \(port).")
        }
        if let logLevel, Logger.Level(rawValue: logLevel) == nil {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical.")
        }
        if let publicURL, !(publicURL.hasPrefix("http://") || publicURL.hasPrefix("https://")) {
            throw ValidationError("--public-url must start with http:// or https://.")
        }
    }

    func run() async throws {
        // The file gives defaults; flags given on the command line win.
        var file = BridgeConfiguration()
        if let config {
            do {
                file = try ConfigurationLoader.load(file: config)
            } catch {
                throw CLIError("\(error)")
            }
        }
        // With tracing on, every line names the trace and span it was written in.
        let traceIDs = file.server.tracing.enabled ? OTel.makeLoggingMetadataProvider() : nil
        switch file.server.log.format {
        case .json:
            LoggingSystem.bootstrap(
                { label, provider in JSONLogHandler(label: label, metadataProvider: provider) },
                metadataProvider: traceIDs
            )
        case .text:
            if let traceIDs { LoggingSystem.bootstrap(StreamLogHandler.standardError, metadataProvider: traceIDs) }
        }
        let logger = {
            var l = Logger(label: "scim-bridge")
            l.logLevel = Logger.Level(rawValue: logLevel ?? file.server.log.level.rawValue) ?? .info
            return l
        }()
        let tracing: (any Service)?
        do { tracing = try TracingBootstrap.install(file.server.tracing, logger: logger) } catch {
            throw CLIError("server.tracing: \(error)")
        }
        if !executor.install() {
            logger.warning(
                "--executor event-loops is not supported by this Swift runtime; handlers run on Swift's own pool"
            )
        }
        // swift-metrics goes to one Prometheus registry, which `/metrics` shows.
        var registry: PrometheusCollectorRegistry? = nil
        if file.server.metrics.enabled {
            let r = PrometheusCollectorRegistry()
            MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: r))
            registry = r
        }
        var metricsToken: String? = nil
        if let secret = file.server.metrics.token {
            do { metricsToken = try secret.resolve() } catch { throw CLIError("server.metrics.token: \(error)") }
        }
        let host = self.host ?? file.server.host
        let port = self.port ?? file.server.port
        let publicURL = self.publicURL ?? file.server.publicURL
        let dataDir =
            config != nil && store.dataDir == StoreOptions.defaultDataDir ? file.server.dataDir : store.dataDir
        switch file.storage {
        case .sqlite:
            if noMigrate {
                throw CLIError(
                    "--no-migrate: storage is sqlite, whose file is brought up to date by the one process that opens it; drop the flag (or run 'scim-bridge migrate' first, which does the same)."
                )
            }
            let s = try EmbeddedStore.open(dataDir: dataDir)
            try ServeLock.acquire(dataDir: dataDir)
            try await serve(
                on: s,
                file,
                host: host,
                port: port,
                publicURL: publicURL,
                logger: logger,
                registry: registry,
                metricsToken: metricsToken,
                tracing: tracing
            )
        case .postgres:
            // Several processes may serve one database: no lock file; the pool runs while the bridge does.
            try await EmbeddedStore.withConfiguredStore(file, migrate: !noMigrate, logger: logger) { s in
                if noMigrate, let pg = s as? PostgresStore {
                    let behind = try await pg.pendingMigrations()
                    guard behind.isEmpty else {
                        throw CLIError(
                            "--no-migrate: the database's schema lacks migration(s) \(behind.map(String.init).joined(separator: ", ")) of this version; run 'scim-bridge migrate --config \(config ?? "FILE")' first."
                        )
                    }
                }
                try await serve(
                    on: s,
                    file,
                    host: host,
                    port: port,
                    publicURL: publicURL,
                    logger: logger,
                    registry: registry,
                    metricsToken: metricsToken,
                    tracing: tracing
                )
            }
        }
    }

    /// The bridge on an open store, until SIGTERM or SIGINT.
    private func serve(
        on s: any BridgeStore,
        _ file: BridgeConfiguration,
        host: String,
        port: Int,
        publicURL: String?,
        logger: Logger,
        registry: PrometheusCollectorRegistry?,
        metricsToken: String?,
        tracing: (any Service)?
    ) async throws {
        try await TargetServices.applyChannels(file, store: s)
        try await TargetServices.prepare(file, store: s, logger: logger)
        let running = try await TargetServices.make(file, store: s, logger: logger)
        let (workers, activity) = (running.services, running.activity)
        for c in try await s.channels() {
            let groups = try await s.query(.group, in: c, ResourceQuery(count: 0)).totalResults
            if groups > 1000 {
                logger.warning(
                    "channel above PingOne's recommended maximum of 1,000 groups per rule",
                    metadata: ["channel": "\(c.name)", "groups": "\(groups)"]
                )
            }
        }
        if try await s.channels().isEmpty {
            let channel = try await s.createChannel(named: "default")
            let token = try await CredentialIssuer(store: s).issueBearerToken(for: channel)
            FileHandle.standardError.write(
                Data(
                    "No channel yet: created channel 'default' (/scim/v2/default). Its bearer token, shown once:\n".utf8
                )
            )
            FileHandle.standardOutput.write(Data((token + "\n").utf8))
        }
        var admin: AdminConfiguration? = nil
        if let secret = file.server.adminToken {
            do {
                admin = AdminConfiguration(
                    token: try secret.resolve(),
                    targets: file.targets.map(\.name),
                    operations: running.operations
                )
            } catch {
                throw CLIError("server.adminToken: \(error)")
            }
        }
        let observability = ObservabilityConfiguration(
            registry: registry,
            metricsToken: metricsToken,
            metricsPort: file.server.metrics.port,
            targets: file.targets.map(\.name),
            workers: {
                activity.map { WorkerStatus(target: $0.key, running: $0.value.running, idle: $0.value.idle) }
            }
        )
        var tls: TLSCertificates? = nil
        if let settings = file.server.tls {
            do { tls = try TLSCertificates(settings, logger: logger) } catch { throw CLIError("server.tls: \(error)") }
        }
        let scheme = tls == nil ? "http" : "https"
        let app = try buildApplication(
            configuration: ServerConfiguration(
                host: host,
                port: port,
                limits: file.server.limits,
                publicURL: publicURL.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 },
                recordDirectory: record,
                admin: admin,
                observability: observability,
                tls: tls,
                tracing: tracing != nil
            ),
            store: s,
            logger: logger,
            onServerRunning: { port in
                logger.notice("scim-bridge listening", metadata: ["url": "\(scheme)://\(host):\(port)/scim/v2/"])
            }
        )
        // Termination, deliberately: the HTTP server ending, with an error or not, ends the process (an
        // orchestrator restarts it; a bridge that cannot take inbound SCIM must not look alive). Target
        // services never end the process: each worker contains its delivery failures (TargetWorker),
        // and `RestartingService` starts a worker or reconciliation again should one end by a bug, so
        // one target's trouble never stops inbound SCIM or another target. Everything they do is durable.
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = []
        // First, so that it stops last: the spans of the final requests and deliveries are sent.
        if let tracing { services.append(.init(service: tracing)) }
        services.append(.init(service: app))
        if registry != nil, file.server.metrics.port != nil {
            let metricsApp = buildMetricsApplication(
                host: host,
                observability: observability,
                store: s,
                logger: logger,
                onServerRunning: { port in
                    logger.notice("metrics listening", metadata: ["metricsURL": "http://\(host):\(port)/metrics"])
                }
            )
            services.append(.init(service: metricsApp))
        }
        services += workers.map {
            .init(service: $0, successTerminationBehavior: .ignore, failureTerminationBehavior: .ignore)
        }
        if let retention = file.outboxRetention {
            // Like the workers: its failures are logged, and it never ends the process.
            services.append(
                .init(
                    service: RestartingService(
                        OutboxPruner(store: s, retention: retention, logger: logger),
                        name: "outbox pruning",
                        logger: logger
                    ),
                    successTerminationBehavior: .ignore,
                    failureTerminationBehavior: .ignore
                )
            )
        }
        var groupConfiguration = ServiceGroupConfiguration(
            services: services,
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger
        )
        // In-flight requests and target calls get `server.shutdownGrace`; then they are cancelled
        // (a cancelled delivery stays queued), and the process exits shortly after.
        groupConfiguration.maximumGracefulShutdownDuration = file.server.shutdownGrace
        groupConfiguration.maximumCancellationDuration = .seconds(5)
        let group = ServiceGroup(configuration: groupConfiguration)
        do {
            try await group.run()
        } catch let error as IOError where error.errnoCode == EADDRINUSE {
            throw CLIError("Port \(port) is already in use on \(host); stop the other process or pass --port.")
        } catch let error as IOError where error.errnoCode == EADDRNOTAVAIL {
            throw CLIError("Cannot listen on \(host): the address is not available on this machine (--host).")
        }
    }
}
