// swift-tools-version:6.1
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("InternalImportsByDefault"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "scim-bridge",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "SCIM", targets: ["SCIM"]),
        .executable(name: "scim-bridge", targets: ["scim-bridge"]),
        .library(name: "Emulators", targets: ["Emulators"]),
        .executable(name: "scim-bridge-emulator", targets: ["scim-bridge-emulator"]),
        .executable(name: "scim-conformance", targets: ["scim-conformance"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/adam-fowler/compress-nio", from: "1.5.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/vapor/jwt-kit", from: "5.7.1"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-distributed-tracing", from: "1.7.3"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        // OTLP over HTTP only: the gRPC exporter would add grpc-swift to every build for nothing.
        .package(url: "https://github.com/swift-otel/swift-otel", from: "1.6.0", traits: ["OTLPHTTP"]),
        // Without the trait, Swift 6.3 on Linux wants a runtime interposer package that is not available.
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        // RFC 7643/7644 as pure values: no I/O, no HTTP or SQL types.
        .target(
            name: "SCIM",
            swiftSettings: swiftSettings,
            // rounded()/trunc come from libm, which Foundation would otherwise pull in.
            linkerSettings: [.linkedLibrary("m", .when(platforms: [.linux]))]
        ),
        // The canonical membership model: change events, collision policies, the planners. Pure.
        .target(name: "Membership", dependencies: ["SCIM"], swiftSettings: swiftSettings),
        // Persistence: the Store protocol, its SQLite implementation (GRDB) and its PostgreSQL one (postgres-nio).
        .target(
            name: "Store",
            dependencies: [
                "SCIM", "Membership", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "_ConnectionPoolModule", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Instrumentation", package: "swift-distributed-tracing"),
            ],
            swiftSettings: swiftSettings
        ),
        // The configuration file (YAML): server settings, channels and targets, secret references.
        // (Not "Configuration": apple/swift-configuration, in the graph through Hummingbird, has that target.)
        .target(
            name: "BridgeConfig",
            dependencies: ["Membership", .product(name: "Yams", package: "Yams")],
            swiftSettings: swiftSettings
        ),
        // One connector per target kind, behind one protocol; transport, auth and rate limiting.
        .target(
            name: "Connectors",
            dependencies: [
                "SCIM", "Membership", "BridgeConfig",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: swiftSettings
        ),
        // Durable delivery: outbox workers per target, retries, dead letters, reconciliation.
        .target(
            name: "Sync",
            dependencies: [
                "SCIM", "Membership", "Store", "Connectors",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
            ],
            swiftSettings: swiftSettings
        ),
        // The inbound SCIM HTTP server (Hummingbird 2).
        .target(
            name: "Server",
            dependencies: [
                "SCIM", "Store", "BridgeConfig",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Mustache", package: "swift-mustache"),
            ],
            swiftSettings: swiftSettings
        ),
        // The production wiring: connectors, workers and reconciliation built from the configuration.
        // (Not "Runtime": the toolchain has a module of that name, which the benchmark package imports.)
        .target(
            name: "BridgeRuntime",
            dependencies: [
                "BridgeConfig", "Connectors", "Sync", "Store", "Membership", "Server",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "scim-bridge",
            dependencies: [
                "BridgeRuntime", "Server", "Store", "Sync", "Connectors", "Membership", "BridgeConfig",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "OTel", package: "swift-otel"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
            ],
            swiftSettings: swiftSettings
        ),
        // Target emulators for connector tests: real HTTP servers with fault injection.
        .target(
            name: "Emulators",
            dependencies: [
                "SCIM",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Yams", package: "Yams"),
            ],
            path: "conformance/emulators/Sources/Emulators",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "scim-bridge-emulator",
            dependencies: [
                "Emulators",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "conformance/emulators/Sources/scim-bridge-emulator",
            swiftSettings: swiftSettings
        ),
        // The conformance harness (conformance/README.md): scenarios, expectations and reports as pure
        // values, and the `scim-conformance` tool that runs them against any SCIM server.
        .target(
            name: "ConformanceKit",
            dependencies: ["SCIM"],
            path: "conformance/Sources/ConformanceKit",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "scim-conformance",
            dependencies: [
                "ConformanceKit", "SCIM",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "conformance/Sources/scim-conformance",
            swiftSettings: swiftSettings
        ),
        // Benchmarks (ordo-one/benchmark): `swift package benchmark`; see BENCHMARKS.md.
        .executableTarget(
            name: "SCIMBenchmarks",
            dependencies: ["SCIM", .product(name: "Benchmark", package: "benchmark")],
            path: "Benchmarks/SCIMBenchmarks",
            swiftSettings: swiftSettings,
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "StoreBenchmarks",
            dependencies: ["SCIM", "Store", "Membership", .product(name: "Benchmark", package: "benchmark")],
            path: "Benchmarks/StoreBenchmarks",
            swiftSettings: swiftSettings,
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        // The load driver's parts (conformance/bench): the machine's ceiling and a seeder; the IdP-style
        // client is `scim-conformance load`.
        .executableTarget(
            name: "bench-hello",
            dependencies: [.product(name: "Hummingbird", package: "hummingbird")],
            path: "conformance/bench/Sources/bench-hello",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "bench-seed",
            dependencies: ["SCIM", "Store", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "conformance/bench/Sources/bench-seed",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SCIMTests",
            dependencies: ["SCIM"],
            resources: [.copy("Golden")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "BridgeConfigTests",
            dependencies: ["BridgeConfig", "Membership", "SCIM"],
            swiftSettings: swiftSettings
        ),
        // What the test targets share: a bridge on a temporary store served over loopback, one end-to-end
        // harness (bridge, emulator, the target wired as production wires it), child processes, test keys.
        .target(
            name: "TestSupport",
            dependencies: [
                "SCIM", "Server", "Store", "Sync", "Connectors", "Membership", "BridgeConfig", "BridgeRuntime",
                "Emulators",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            path: "Tests/TestSupport",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "StoreTests",
            dependencies: [
                "TestSupport", "SCIM", "Store", "Membership", .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "MembershipTests",
            dependencies: ["SCIM", "Membership"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ConnectorsTests",
            dependencies: [
                "TestSupport", "SCIM", "BridgeConfig", "BridgeRuntime", "Connectors", "Membership", "Store", "Sync",
                "Emulators",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SyncTests",
            dependencies: [
                "TestSupport", "SCIM", "BridgeConfig", "Server", "Store", "Sync", "Connectors", "Membership",
                "Emulators",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ServerTests",
            dependencies: [
                "TestSupport", "SCIM", "ConformanceKit", "BridgeConfig", "BridgeRuntime", "Server", "Store", "Sync",
                "Connectors", "Membership",
                "Emulators",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // Tests that run the `scim-bridge` executable as a child process (it must be built first).
        .testTarget(
            name: "CLITests",
            dependencies: [
                "TestSupport", "SCIM", "Connectors", "Membership", "Emulators",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "EmulatorTests",
            dependencies: [
                "Emulators", "SCIM", "TestSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "JWTKit", package: "jwt-kit"),
            ],
            path: "conformance/emulators/Tests/EmulatorTests",
            swiftSettings: swiftSettings
        ),
        // The conformance harness's pure parts, and `scim-conformance` run as a process against a bridge
        // and against a server that answers wrongly.
        .testTarget(
            name: "ConformanceTests",
            dependencies: [
                "ConformanceKit", "SCIM", "TestSupport", "Server", "Store",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            path: "conformance/Tests/ConformanceTests",
            swiftSettings: swiftSettings
        ),
    ],
    swiftLanguageModes: [.v6]
)
