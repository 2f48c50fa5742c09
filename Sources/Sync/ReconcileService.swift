package import Logging
package import Membership
import Metrics
package import ServiceLifecycle
package import Store
import Synchronization

/// Reconciles one target on a schedule while `serve` runs (`reconcileEvery`): repairs drift made on
/// the target behind the bridge's back. A `Service`; it stops at graceful shutdown.
package struct ReconcileService<R: TargetReconciler>: Service {
    package let reconciler: R
    /// The channels fanning out to the target, by name (resolved at each pass, so a channel created
    /// later is included).
    package let channelNames: [String]
    package let period: Duration
    package let logger: Logger

    package init(reconciler: R, channelNames: [String], period: Duration, logger: Logger) {
        self.reconciler = reconciler
        self.channelNames = channelNames
        self.period = period
        self.logger = logger
    }

    package func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do { try await Task.sleep(for: period) } catch { return }
                await reconcileOnce()
            }
        }
    }

    /// One pass, as `pass()`; returns the number of calls made, nil if skipped or failed.
    @discardableResult
    package func reconcileOnce() async -> Int? {
        switch await pass() {
        case .repaired(let calls, _, _): calls
        case .queuedChanges, .heldElsewhere, .failed: nil
        }
    }

    /// One pass. Skipped while changes for the target are still queued (the worker is about to apply
    /// them, and a plan read now would race it) and while another pass of the target runs, here or on
    /// another replica (the store's reconciliation lock). Failures are logged; the next period tries again.
    package func pass() async -> ReconcilePass {
        let store = reconciler.store
        let target = reconciler.target
        do {
            if (try await store.outboxCounts(target: target)["pending"] ?? 0) > 0 {
                logger.debug(
                    "scheduled reconciliation skipped: changes still queued",
                    metadata: ["target": "\(target)"]
                )
                return .queuedChanges
            }
            let outcome = Mutex<ReconcilePass>(.heldElsewhere)
            let ran = try await store.withReconciliationLock(target: target) {
                let result = try await locked()
                outcome.withLock { $0 = result }
            }
            if !ran {
                logger.debug(
                    "reconciliation skipped: another pass of the target is running",
                    metadata: ["target": "\(target)"]
                )
            }
            return outcome.withLock { $0 }
        } catch {
            logger.error("scheduled reconciliation failed", metadata: ["target": "\(target)", "error": "\(error)"])
            return .failed("\(error)")
        }
    }

    /// The pass itself, run holding the target's reconciliation lock.
    private func locked() async throws -> ReconcilePass {
        let store = reconciler.store
        let target = reconciler.target
        var channels: [Channel] = []
        for name in channelNames {
            if let c = try await store.channel(named: name) { channels.append(c) }
        }
        let (steps, blocked) = try await reconciler.plan(channels: channels)
        Counter(label: "scim_bridge_reconcile_drift_found_total", dimensions: [("target", target)])
            .increment(by: steps.count)
        if !steps.isEmpty {
            logger.notice(
                "scheduled reconciliation repairs drift",
                metadata: ["target": "\(target)", "calls": "\(steps.count)"]
            )
            try await reconciler.execute(steps, channels: channels) { _, _ in }
            Counter(label: "scim_bridge_reconcile_drift_repaired_total", dimensions: [("target", target)])
                .increment(by: steps.count)
        }
        // The whole plan ran: what it looked at is in sync, so its dead letters are moot.
        let settled = try await reconciler.settleDeadLetters(channels: channels)
        if settled > 0 {
            logger.notice(
                "dead letters settled by reconciliation",
                metadata: ["target": "\(target)", "settled": "\(settled)"]
            )
        }
        try await store.recordReconciled(target: target, at: TargetWorker.now())
        if !blocked.isEmpty {
            logger.warning(
                "groups blocked on target",
                metadata: ["target": "\(target)", "blocked": "\(blocked.count)"]
            )
        }
        return .repaired(calls: steps.count, settled: settled, blocked: blocked.count)
    }
}

/// How one reconciliation pass of a target ended.
package enum ReconcilePass: Sendable, Hashable {
    /// The pass ran: `calls` repairs made, `settled` dead letters settled, `blocked` groups left blocked.
    case repaired(calls: Int, settled: Int, blocked: Int)
    /// Skipped: changes for the target are still queued, and its worker applies them first.
    case queuedChanges
    /// Skipped: another pass of the target is running, in this process or on another replica.
    case heldElsewhere
    /// The pass failed; the next one tries again.
    case failed(String)
}
