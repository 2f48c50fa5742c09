package import Logging
package import Membership
import Metrics
package import ServiceLifecycle
package import Store

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

    /// One pass. Skipped while changes for the target are still queued: the worker is about to apply
    /// them, and a plan read now would race it. Failures are logged; the next period tries again.
    /// Returns the number of calls made, nil if skipped or failed.
    @discardableResult
    package func reconcileOnce() async -> Int? {
        let store = reconciler.store
        let target = reconciler.target
        do {
            if (try await store.outboxCounts(target: target)["pending"] ?? 0) > 0 {
                logger.debug(
                    "scheduled reconciliation skipped: changes still queued",
                    metadata: ["target": "\(target)"]
                )
                return nil
            }
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
            return steps.count
        } catch {
            logger.error("scheduled reconciliation failed", metadata: ["target": "\(target)", "error": "\(error)"])
            return nil
        }
    }
}
