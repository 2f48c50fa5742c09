public import Connectors
import Foundation
public import Logging
public import Membership
public import SCIM
public import ServiceLifecycle
public import Store

/// Drains one target's outbox: events of one resource in order, different resources concurrently up
/// to `concurrency`, failed deliveries retried with capped exponential backoff (honouring
/// `Retry-After`) and dead-lettered after `maxAttempts`. A `Service`: it stops at graceful shutdown,
/// and since entries are marked done only after delivery, a crash loses nothing; it resumes on restart.
public struct TargetWorker: Service {
    public let target: String
    public let store: any SyncStore
    /// Applies each event to the target: a `GroupCentricSync` or a `UserCentricSync`.
    public let sync: any ChangeProcessor
    public let concurrency: Int
    public let maxAttempts: Int
    public let backoff: Backoff
    /// How long to sleep when the outbox has nothing due.
    public let idle: Duration
    public let logger: Logger

    public init(
        target: String, store: any SyncStore, sync: any ChangeProcessor, concurrency: Int = 4, maxAttempts: Int = 10,
        backoff: Backoff = Backoff(), idle: Duration = .milliseconds(100), logger: Logger
    ) {
        self.target = target
        self.store = store
        self.sync = sync
        self.concurrency = max(1, concurrency)
        self.maxAttempts = max(1, maxAttempts)
        self.backoff = backoff
        self.idle = idle
        self.logger = logger
    }

    public func run() async throws {
        try await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                let worked = try await drainOnce()
                if !worked { try await Task.sleep(for: idle) }
            }
        }
    }

    /// Delivers every entry due now (one per resource key, concurrently); returns whether there was any.
    @discardableResult
    public func drainOnce() async throws -> Bool {
        let due = try await store.dueOutboxEntries(target: target, limit: concurrency * 8, now: Self.now())
        guard !due.isEmpty else { return false }
        try await withThrowingTaskGroup(of: Void.self) { group in
            var running = 0
            for entry in due {
                if running >= concurrency {
                    try await group.next()
                    running -= 1
                }
                group.addTask { try await deliver(entry) }
                running += 1
            }
            try await group.waitForAll()
        }
        return true
    }

    func deliver(_ entry: OutboxEntry) async throws {
        do {
            try await sync.process(entry.event, channel: entry.channel)
            try await store.completeOutboxEntry(entry.seq)
        } catch let error as TargetError {
            let attempts = entry.attempts + 1
            var dead = attempts >= maxAttempts
            var retryAfter: Duration? = nil
            switch error {
            case .permanent: dead = true  // retrying the same request cannot succeed
            case .retryable(_, let after): retryAfter = after
            }
            let delay = backoff.delay(attempt: attempts, retryAfter: retryAfter, random: Double.random(in: 0..<1))
            try await store.failOutboxEntry(
                entry.seq, attempts: attempts, nextAttempt: Self.now(plus: delay), error: error.description, dead: dead)
            if dead {
                logger.error(
                    "delivery dead-lettered",
                    metadata: ["target": "\(target)", "resource": "\(entry.resourceKey)", "attempts": "\(attempts)", "error": "\(error)"])
            }
        }
    }

    static func now(plus delay: Duration = .zero) -> SCIMDateTime {
        let t = Date().timeIntervalSince1970 + Double(delay.components.seconds) + Double(delay.components.attoseconds) / 1e18
        let s = t.rounded(.down)
        return SCIMDateTime(seconds: Int64(s), nanoseconds: Int32((t - s) * 1e9))
    }
}
