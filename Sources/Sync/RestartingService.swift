package import Logging
package import ServiceLifecycle

/// Runs a target's service (its worker, its scheduled reconciliation) and starts it again if it ever
/// ends with an error, after a pause that grows with each restart. The services contain their own
/// failures, so an error reaching here is a bug; it must still not stop inbound SCIM or another target.
package struct RestartingService<Inner: Service>: Service {
    package let inner: Inner
    package let name: String
    package let logger: Logger
    package let maxPause: Duration

    package init(_ inner: Inner, name: String, logger: Logger, maxPause: Duration = .seconds(60)) {
        self.inner = inner
        self.name = name
        self.logger = logger
        self.maxPause = maxPause
    }

    package func run() async throws {
        var restarts = 0
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                try await inner.run()
                return
            } catch is CancellationError {
                return
            } catch {
                restarts += 1
                let pause = min(.seconds(1) * (1 << min(restarts, 10)), maxPause)
                logger.critical(
                    "service ended with an error; restarting it",
                    metadata: [
                        "service": "\(name)", "errorType": "\(type(of: error))", "error": "\(error)",
                        "restartIn": "\(pause)",
                    ]
                )
                do {
                    try await cancelWhenGracefulShutdown { try await Task.sleep(for: pause) }
                } catch {
                    return  // shutting down
                }
            }
        }
    }
}
