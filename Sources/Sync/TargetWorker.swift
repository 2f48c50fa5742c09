package import Connectors
import Foundation
package import Logging
package import Membership
import Metrics
package import SCIM
package import ServiceLifecycle
package import Store
import Synchronization
import Tracing

/// Drains one target's outbox: events of one resource in order, different resources concurrently up
/// to `concurrency`, failed deliveries retried with capped exponential backoff (honouring
/// `Retry-After`) and dead-lettered after `maxAttempts`. A `Service`: it stops at graceful shutdown,
/// and since entries are marked done only after delivery, a crash loses nothing; it resumes on restart.
///
/// No failure leaves `run()`: every error met while delivering an entry is classified (`Failure`),
/// recorded on the entry and logged with its type, and the worker goes on. A target the bridge cannot
/// authenticate to is reported (`health`) and probed with one entry at a time until it works again,
/// while inbound SCIM and the other targets carry on.
package struct TargetWorker: Service {
    package let target: String
    package let store: any SyncStore
    /// Applies each event to the target: a `GroupCentricSync` or a `UserCentricSync`.
    package let sync: any ChangeProcessor
    package let concurrency: Int
    package let maxAttempts: Int
    package let backoff: Backoff
    /// How long to sleep when the outbox has nothing due.
    package let idle: Duration
    /// How often, at most, a target that cannot authenticate is probed again.
    package let authenticationRetryCap: Duration
    package let logger: Logger
    /// The target's health as this worker last saw it (shared with whoever reports it).
    package let health: TargetHealthTracker
    /// The brake on mass deprovisioning the target's sync shares (`safety.maxDeprovisions`): while it
    /// holds, nothing is delivered until an administrator resumes the target. nil: none.
    package let brake: DeprovisionGate?
    /// Whether the loop runs, for `/readyz`.
    package let activity: WorkerActivity

    package init(
        target: String,
        store: any SyncStore,
        sync: any ChangeProcessor,
        concurrency: Int = 4,
        maxAttempts: Int = 10,
        backoff: Backoff = Backoff(),
        idle: Duration = .milliseconds(100),
        authenticationRetryCap: Duration = .seconds(30),
        health: TargetHealthTracker? = nil,
        brake: DeprovisionGate? = nil,
        activity: WorkerActivity = WorkerActivity(),
        logger: Logger
    ) {
        self.target = target
        self.store = store
        self.sync = sync
        self.concurrency = max(1, concurrency)
        self.maxAttempts = max(1, maxAttempts)
        self.backoff = backoff
        self.idle = idle
        self.authenticationRetryCap = authenticationRetryCap
        self.health = health ?? TargetHealthTracker(target: target, store: store, logger: logger)
        self.brake = brake
        self.activity = activity
        self.logger = logger
    }

    /// Runs until graceful shutdown: then it takes no new entry, lets the deliveries in flight finish
    /// (the service group cancels them once `server.shutdownGrace` has passed; a cancelled one stays
    /// pending and is delivered after the restart), and returns.
    package func run() async throws {
        activity.started()
        defer { activity.stopped() }
        let recorded = (try? await store.targetState(target)) ?? nil
        var initialSync = recorded?.initialSyncRunning ?? false
        // A pause outlives a restart: only an administrator ends it.
        brake?.restore(from: recorded)
        var quietRounds = 0
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            activity.round()
            let pause: Duration
            do {
                let worked = try await drainOnce()
                quietRounds = 0
                if initialSync, !worked { initialSync = try await finishInitialSyncIfDone() }
                pause =
                    health.isAuthenticating
                    ? health.authenticationRetryDelay(cap: authenticationRetryCap) : worked ? .zero : idle
            } catch is CancellationError {
                return
            } catch {
                // Reading the outbox failed (the store is busy or broken): wait, longer each time, and try again.
                quietRounds += 1
                logger.error(
                    "outbox could not be read",
                    metadata: ["target": "\(target)", "errorType": "\(type(of: error))", "error": "\(error)"]
                )
                pause = min(idle * (1 << min(quietRounds, 8)), .seconds(30))
            }
            if pause > .zero {
                // A wait ends early at shutdown; a delivery does not.
                do { try await cancelWhenGracefulShutdown { try await Task.sleep(for: pause) } } catch { return }
            }
        }
    }

    /// Records the end of the target's initial sync once nothing is pending; whether it still runs.
    func finishInitialSyncIfDone() async throws -> Bool {
        guard (try await store.outboxCounts(target: target)["pending"] ?? 0) == 0 else { return true }
        try await store.recordInitialSync(target: target, finished: Self.now())
        logger.notice("initial sync finished", metadata: ["target": "\(target)"])
        return false
    }

    /// Delivers every entry due now (one per resource key, concurrently); returns whether there was any.
    /// While the target cannot authenticate, one entry is tried (a probe), not a batch of failures.
    @discardableResult
    package func drainOnce() async throws -> Bool {
        if let brake, try await brake.isPaused() { return false }
        let limit = health.isAuthenticating ? 1 : concurrency * 8
        let due = try await store.dueOutboxEntries(target: target, limit: limit, now: Self.now())
        guard !due.isEmpty else { return false }
        let started = await withTaskGroup(of: Void.self) { group in
            var running = 0
            var started = 0
            for entry in due {
                if running >= concurrency {
                    await group.next()
                    running -= 1
                }
                // A batch read before the credential failed is not sent on after it, nor one read
                // before a graceful shutdown began.
                if health.isAuthenticating && limit > 1 { break }
                if Task.isShuttingDownGracefully { break }
                group.addTask { await deliver(entry) }
                running += 1
                started += 1
            }
            await group.waitForAll()
            return started
        }
        if started < due.count {
            // Given back at once: on a shared database another replica may take them now.
            do {
                try await store.releaseOutboxClaims(due[started...].map(\.seq))
            } catch {
                logger.warning(
                    "claims could not be given back; they return when their lease ends",
                    metadata: ["target": "\(target)", "error": "\(error)"]
                )
            }
        }
        return true
    }

    /// Why a delivery failed, as the worker acts on it.
    package enum Failure: Sendable, Equatable {
        /// Worth another attempt (429, 5xx, a lost answer), not before `after`.
        case retryable(after: Duration?)
        /// Retrying the same change cannot succeed: dead-letter it.
        case permanent
        /// The bridge cannot authenticate to the target: the change is not at fault and keeps its attempts.
        case unauthenticated
        /// A fault of the bridge itself (its store, a bug): retried with backoff, dead-lettered after `maxAttempts`.
        case bridge
        /// The target's brake on mass deprovisioning holds: the change waits for a resume and keeps its attempts.
        case paused

        /// The classification of any error thrown while delivering.
        package init(_ error: any Error) {
            switch error {
            case TargetError.retryable(_, let after): self = .retryable(after: after)
            case TargetError.permanent: self = .permanent
            case TargetError.unauthenticated: self = .unauthenticated
            case is DeprovisionsPaused: self = .paused
            default: self = .bridge
            }
        }
    }

    func deliver(_ entry: OutboxEntry) async {
        do {
            // A span of the request's trace (the entry carries its traceparent): the target calls made
            // here are its children, and carry it on to the target.
            try await withSpan(
                "deliver \(entry.event.type)",
                context: TraceParent.context(continuing: entry.traceParent),
                ofKind: .consumer
            ) { span in
                span.attributes["scim_bridge.target"] = target
                span.attributes["scim_bridge.resource"] = entry.resourceKey
                span.attributes["scim_bridge.outbox.seq"] = Int(entry.seq)
                span.attributes["scim_bridge.outbox.attempt"] = entry.attempts + 1
                try await sync.process(entry.event, channel: entry.channel)
            }
        } catch is CancellationError {
            return  // shutting down: the entry stays pending and is delivered after the restart
        } catch {
            return await failed(entry, error)
        }
        await health.succeeded()
        do {
            try await store.completeOutboxEntry(entry.seq)
        } catch {
            // Delivered but not recorded: it stays pending and is delivered again, which is idempotent.
            logger.error(
                "delivered change could not be marked done; it will be delivered again",
                metadata: [
                    "target": "\(target)", "resource": "\(entry.resourceKey)", "errorType": "\(type(of: error))",
                    "error": "\(error)",
                ]
            )
        }
    }

    func failed(_ entry: OutboxEntry, _ error: any Error) async {
        let failure = Failure(error)
        var attempts = entry.attempts + 1
        var dead = attempts >= maxAttempts
        var delay: Duration
        switch failure {
        case .retryable(let after):
            delay = backoff.delay(attempt: attempts, retryAfter: after, random: Double.random(in: 0..<1))
        case .permanent:
            dead = true
            delay = .zero
        case .unauthenticated:
            attempts = entry.attempts
            dead = false
            await health.cannotAuthenticate("\(error)")
            delay = health.authenticationRetryDelay(cap: authenticationRetryCap)
        case .bridge:
            delay = backoff.delay(attempt: attempts, retryAfter: nil, random: Double.random(in: 0..<1))
        case .paused:
            attempts = entry.attempts
            dead = false
            delay = .zero
        }
        let message = failure == .bridge ? "\(type(of: error)): \(error)" : "\(error)"
        // Only failures that say something about the target count toward `failing`: a permanent refusal
        // is about one change.
        switch failure {
        case .retryable, .bridge: await health.failed(message)
        case .permanent, .unauthenticated, .paused: break
        }
        do {
            try await store.failOutboxEntry(
                entry.seq,
                attempts: attempts,
                nextAttempt: Self.now(plus: delay),
                error: message,
                dead: dead
            )
        } catch {
            logger.error(
                "failed delivery could not be recorded; it will be tried again",
                metadata: [
                    "target": "\(target)", "resource": "\(entry.resourceKey)", "errorType": "\(type(of: error))",
                    "error": "\(error)",
                ]
            )
            return
        }
        if dead {
            Counter(label: "scim_bridge_outbox_dead_letters_total", dimensions: [("target", target)]).increment()
            logger.error(
                "delivery dead-lettered",
                metadata: [
                    "target": "\(target)", "resource": "\(entry.resourceKey)", "attempts": "\(attempts)",
                    "error": "\(message)",
                ]
            )
        } else if failure == .bridge {
            logger.error(
                "delivery failed inside the bridge; retrying",
                metadata: [
                    "target": "\(target)", "resource": "\(entry.resourceKey)", "errorType": "\(type(of: error))",
                    "error": "\(error)",
                ]
            )
        }
    }

    /// The current time (plus `delay`) as the store records it.
    package static func now(plus delay: Duration = .zero) -> SCIMDateTime {
        let t =
            Date().timeIntervalSince1970 + Double(delay.components.seconds) + Double(delay.components.attoseconds)
            / 1e18
        let s = t.rounded(.down)
        return SCIMDateTime(seconds: Int64(s), nanoseconds: Int32((t - s) * 1e9))
    }
}
