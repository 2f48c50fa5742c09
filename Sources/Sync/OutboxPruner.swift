package import Logging
package import SCIM
package import ServiceLifecycle
package import Store

/// Deletes outbox entries delivered or settled longer ago than `storage.outboxRetention`, so that the
/// outbox holds what is still to do plus a bounded history. A `Service`: a pass shortly after start,
/// then one every `period`, in batches, each its own short transaction; it stops at graceful shutdown.
/// Several replicas may run it at once: each skips the rows another is deleting.
package struct OutboxPruner: Service {
    package let store: any SyncStore
    package let retention: Duration
    package let period: Duration
    package let firstPassAfter: Duration
    package let batchSize: Int
    package let logger: Logger

    package init(
        store: any SyncStore,
        retention: Duration,
        period: Duration = .seconds(3600),
        firstPassAfter: Duration = .seconds(60),
        batchSize: Int = 1000,
        logger: Logger
    ) {
        self.store = store
        self.retention = retention
        self.period = period
        self.firstPassAfter = firstPassAfter
        self.batchSize = max(1, batchSize)
        self.logger = logger
    }

    package func run() async throws {
        await cancelWhenGracefulShutdown {
            var wait = firstPassAfter
            while !Task.isCancelled {
                do { try await Task.sleep(for: wait) } catch { return }
                await pruneOnce()
                wait = period
            }
        }
    }

    /// One pass: batches until one deletes fewer than `batchSize` entries (or the task is cancelled).
    /// Returns how many entries it deleted; a store that fails is logged, and the next pass tries again.
    @discardableResult
    package func pruneOnce(now: SCIMDateTime = .now) async -> Int {
        let cutoff = Self.cutoff(now: now, retention: retention)
        var deleted = 0
        do {
            while !Task.isCancelled {
                let batch = try await store.pruneOutbox(finishedBefore: cutoff, limit: batchSize)
                deleted += batch
                if batch < batchSize { break }
            }
        } catch {
            logger.warning("outbox pruning failed", metadata: ["error": "\(error)", "deleted": "\(deleted)"])
            return deleted
        }
        if deleted > 0 {
            logger.info(
                "outbox pruned",
                metadata: ["deleted": "\(deleted)", "finishedBefore": "\(cutoff.iso8601)"]
            )
        }
        return deleted
    }

    /// `now` less `retention`, to the second.
    static func cutoff(now: SCIMDateTime, retention: Duration) -> SCIMDateTime {
        SCIMDateTime(seconds: now.seconds - retention.components.seconds, nanoseconds: now.nanoseconds)
    }
}
