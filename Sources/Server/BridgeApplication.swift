package import BridgeConfig
package import Hummingbird
import HummingbirdTLS
package import Logging
package import SCIM
package import Store

/// Settings of the inbound SCIM server.
package struct ServerConfiguration: Sendable {
    package var host: String
    package var port: Int
    package var limits: LimitSettings
    /// Absolute URL clients reach the bridge at (for `meta.location`), when behind a proxy.
    package var publicURL: String?
    /// Folder to write redacted request/response fixtures to (`serve --record DIR`).
    package var recordDirectory: String?
    /// The admin API's token and targets; nil serves no admin API.
    package var admin: AdminConfiguration?
    /// `/readyz` and `/metrics`: the targets, their workers and the metrics registry.
    package var observability: ObservabilityConfiguration
    /// `server.tls`: HTTPS with these (reloading) certificates; nil serves plain HTTP.
    package var tls: TLSCertificates?
    /// `server.tracing.enabled`: a server span per request, continuing the caller's `traceparent`.
    package var tracing: Bool

    package init(
        host: String = "127.0.0.1",
        port: Int = 8080,
        limits: LimitSettings = LimitSettings(),
        publicURL: String? = nil,
        recordDirectory: String? = nil,
        admin: AdminConfiguration? = nil,
        observability: ObservabilityConfiguration = ObservabilityConfiguration(),
        tls: TLSCertificates? = nil,
        tracing: Bool = false
    ) {
        self.host = host
        self.port = port
        self.limits = limits
        self.publicURL = publicURL
        self.recordDirectory = recordDirectory
        self.admin = admin
        self.observability = observability
        self.tls = tls
        self.tracing = tracing
    }
}

/// The composition root: the Hummingbird application serving SCIM for every channel of `store`.
/// `serve` and the tests build the bridge with this one function.
package func buildApplication(
    configuration: ServerConfiguration,
    store: any Store,
    registry: SchemaRegistry = .standard,
    logger: Logger,
    onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
) throws -> some ApplicationProtocol {
    let router = Router(context: SCIMRequestContext.self)
    // Outermost, so that it times the whole request and sees the status the client gets.
    router.add(middleware: InboundMetricsMiddleware())
    if configuration.tracing {
        // Filters name users (`userName eq "…"`): a trace backend is no place for them.
        router.add(
            middleware: TracingMiddleware(
                recordingHeaders: [RequestIDMiddleware.header],
                redactingQueryParameters: ["filter"]
            )
        )
    }
    router.add(middleware: RequestIDMiddleware())
    router.add(middleware: SCIMErrorMiddleware())
    if let dir = configuration.recordDirectory {
        router.add(middleware: try TrafficRecorder(directory: dir, publicURL: configuration.publicURL))
    }
    router.add(middleware: CompressionMiddleware())

    let accessTokens = AccessTokens()
    let authCache = AuthCache()
    let authenticator = ChannelAuthenticator(store: store, accessTokens: accessTokens, cache: authCache)
    let limits = configuration.limits
    let paging = PaginationConfiguration(
        cursor: true,
        index: true,
        defaultPaginationMethod: .index,
        defaultPageSize: limits.defaultPageSize,
        maxPageSize: limits.maxResults,
        cursorTimeout: nil
    )

    ObservabilityRoutes(store: store, configuration: configuration.observability).register(on: router)
    TokenEndpoint(authenticator: authenticator, accessTokens: accessTokens).register(on: router)

    let spConfig = ServiceProviderConfig(
        documentationUri: "https://github.com/scim-bridge/scim-bridge#readme",
        patch: true,
        bulk: .init(
            supported: true,
            maxOperations: limits.bulkMaxOperations,
            maxPayloadSize: limits.bulkMaxPayloadBytes
        ),
        filter: .init(supported: true, maxResults: limits.maxResults),
        changePassword: false,
        sort: true,
        etag: true,
        authenticationSchemes: [
            .oauthBearerToken(primary: true),
            .init(
                type: "httpbasic",
                name: "HTTP Basic",
                description: "Authentication with a channel's user name and password",
                specUri: "https://www.rfc-editor.org/info/rfc7617",
                primary: false
            ),
        ]
    )
    if let admin = configuration.admin {
        guard let syncStore = store as? any SyncStore else {
            throw SCIMError(status: 500, detail: "The admin API needs a store that keeps the outbox.")
        }
        let group = router.group("admin").add(
            middleware: StaticBearerTokenMiddleware(token: admin.token, opens: ("The admin API", "server.adminToken"))
        )
        AdminRoutes(store: syncStore, targets: admin.targets).register(on: group)
        ConsoleRoutes(
            store: syncStore,
            admin: admin,
            sessions: ConsoleSessions(),
            secure: configuration.tls != nil || configuration.publicURL?.hasPrefix("https://") == true
        )
        .register(on: router)
    }

    let discovery = router.group("scim/v2/:channel").add(
        middleware: ChannelExistsMiddleware(store: store, cache: authCache)
    )
    DiscoveryRoutes(registry: registry, config: spConfig, paging: paging, publicURL: configuration.publicURL).register(
        on: discovery
    )

    let scim = router.group("scim/v2/:channel").add(
        middleware: ChannelAuthMiddleware(
            authenticator: authenticator,
            activity: ChannelActivity(store: store, logger: logger)
        )
    )
    let service = ResourceService(store: store, registry: registry, limits: limits, publicURL: configuration.publicURL)
    ResourceRoutes(service: service, paging: paging).register(on: scim)
    BulkRoutes(service: service).register(on: scim)
    DiscoveryRoutes.registerMe(on: scim)

    return Application(
        router: router,
        server: try configuration.tls.map { try .tls(.http1(), tlsConfiguration: $0.serverConfiguration) } ?? .http1(),
        configuration: .init(
            address: .hostname(configuration.host, port: configuration.port),
            serverName: "scim-bridge"
        ),
        // The certificates' file watch runs with the server, and ends with it.
        services: configuration.tls.map { [$0] } ?? [],
        onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? configuration.port) },
        logger: logger
    )
}

/// `/metrics` alone on a listener of its own (`server.metrics.port`), so that the main port can be
/// exposed to the identity provider while the metrics stay on an internal network.
package func buildMetricsApplication(
    host: String,
    observability: ObservabilityConfiguration,
    store: any Store,
    logger: Logger,
    onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
) -> some ApplicationProtocol {
    let router = Router(context: SCIMRequestContext.self)
    router.add(middleware: SCIMErrorMiddleware())
    ObservabilityRoutes(store: store, configuration: observability).registerMetrics(on: router)
    let port = observability.metricsPort ?? 0
    return Application(
        router: router,
        configuration: .init(address: .hostname(host, port: port), serverName: "scim-bridge-metrics"),
        onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? port) },
        logger: logger
    )
}
