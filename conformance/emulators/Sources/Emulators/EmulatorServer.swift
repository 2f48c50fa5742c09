public import Foundation
public import Hummingbird
public import Logging
internal import NIOCore
public import ServiceLifecycle

/// One emulated vendor API (generic SCIM, GitHub EMU, Slack, …) that `EmulatorServer` can serve.
public protocol EmulatedTarget: AnyObject, Sendable {
    /// The path of the API's base URL on the emulator, e.g. `/scim/v2`.
    var basePath: String { get }
    /// Adds the vendor's routes, its middleware and the `/_emulator` admin routes.
    func register(on router: Router<EmulatorRequestContext>)
    /// Told the full base URL once the server listens (for `Location` and `$ref` values).
    func setBaseURL(_ url: String)
}

/// Serves an `EmulatedTarget` over HTTP as a Hummingbird application: a `Service` that can join the
/// bridge's `ServiceGroup` in a test, or run alone (`scim-bridge-emulator scim`).
public struct EmulatorServer<Target: EmulatedTarget>: Service {
    public let emulator: Target
    public let host: String
    /// 0 picks a free port; `onServerRunning` receives the base URL with the real one.
    public let port: Int
    private let logger: Logger
    private let onServerRunning: @Sendable (URL) async -> Void

    public init(
        emulator: Target,
        host: String = "127.0.0.1",
        port: Int = 0,
        logger: Logger = quietEmulatorLogger,
        onServerRunning: @escaping @Sendable (URL) async -> Void = { _ in }
    ) {
        self.emulator = emulator
        self.host = host
        self.port = port
        self.logger = logger
        self.onServerRunning = onServerRunning
    }

    /// Runs until cancelled or shut down gracefully.
    public func run() async throws {
        let router = Router(context: EmulatorRequestContext.self)
        emulator.register(on: router)
        let emulator = emulator
        let host = host
        let port = port
        let onServerRunning = onServerRunning
        let app = Application(
            router: router,
            configuration: .init(address: .hostname(host, port: port), serverName: "scim-bridge-emulator"),
            onServerRunning: { channel in
                let bound = channel.localAddress?.port ?? port
                let hostPart = host.contains(":") ? "[\(host)]" : host
                let url = URL(string: "http://\(hostPart):\(bound)\(emulator.basePath)")!
                emulator.setBaseURL(url.absoluteString)
                await onServerRunning(url)
            },
            logger: logger
        )
        try await app.run()
    }
}

/// A logger that only reports critical problems, so that tests stay quiet.
public var quietEmulatorLogger: Logger {
    var logger = Logger(label: "scim-bridge-emulator")
    logger.logLevel = .critical
    return logger
}

/// Runs `emulator` on a free loopback port for the duration of `body`, which receives the API's
/// base URL (`http://127.0.0.1:PORT/scim/v2` for SCIM) and the emulator; the server stops when `body` returns.
public func withRunningEmulator<E: EmulatedTarget, T: Sendable>(
    _ emulator: E,
    host: String = "127.0.0.1",
    logger: Logger = quietEmulatorLogger,
    _ body: (URL, E) async throws -> T
) async throws -> T {
    let (urls, continuation) = AsyncStream.makeStream(of: URL.self)
    let server = EmulatorServer(emulator: emulator, host: host, port: 0, logger: logger) { url in
        continuation.yield(url)
        continuation.finish()
    }
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask {
            // A server that fails to start ends the stream, so that the wait below ends too.
            defer { continuation.finish() }
            try await server.run()
        }
        var iterator = urls.makeAsyncIterator()
        guard let url = await iterator.next() else {
            _ = try await group.next()
            throw CancellationError()
        }
        do {
            let result = try await body(url, emulator)
            group.cancelAll()
            return result
        } catch {
            group.cancelAll()
            throw error
        }
    }
}
