import BridgeConfig
import Connectors
import Logging
import Membership
import Server
import Store
import Sync

/// The console's view of the targets (`TargetOperations`), from the same rate-limit state as each
/// target's worker: its recent calls, a plan, a reconciliation pass now, and a group as the target
/// holds it.
final class ConsoleTargets: TargetOperations {
    /// One configured target, as the console reaches it.
    struct Entry: Sendable {
        let bucket: TokenBucket
        let connector: TargetServices.TargetConnector
        let pass: @Sendable () async -> ReconcilePass
        let plan: @Sendable () async throws -> TargetPlan
    }

    let entries: [String: Entry]
    let logger: Logger

    init(entries: [String: Entry], logger: Logger) {
        self.entries = entries
        self.logger = logger
    }

    func calls(target: String) -> TargetCalls? {
        guard let e = entries[target] else { return nil }
        let pause = e.bucket.pauseRemaining.components
        return TargetCalls(
            perMinute: e.bucket.callsPerMinute,
            limitPerMinute: e.bucket.requestsPerMinute,
            throttledFor: Int(pause.seconds) + (pause.attoseconds > 0 ? 1 : 0)
        )
    }

    func plan(target: String) async throws -> TargetPlan {
        guard let e = entries[target] else { return TargetPlan(calls: [], blocked: []) }
        return try await e.plan()
    }

    /// Waits up to 20 s for the pass, so that a small target's answer is on the page; a longer pass
    /// goes on in the background and its result is in the log and the target's "last reconciled".
    func reconcileNow(target: String) async -> String {
        guard let e = entries[target] else { return "There is no target named \(target)." }
        let pass = Task { await e.pass() }
        let finished = await withTaskGroup(of: ReconcilePass?.self) { group in
            group.addTask { await pass.value }
            group.addTask {
                try? await Task.sleep(for: .seconds(20))
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
        switch finished {
        case nil:
            return
                "The reconciliation of \(target) is running; it goes on in the background. Its result is in the log and in the target's last reconciliation time."
        case .repaired(let calls, let settled, let blocked)?:
            return
                "Reconciled \(target): \(calls) call(s) made, \(settled) failed change(s) settled, \(blocked) group(s) left blocked."
        case .queuedChanges?:
            return
                "Not reconciled: changes for \(target) are still queued, and its worker applies them first. Try again when the queue is empty."
        case .heldElsewhere?:
            return "Not reconciled: a reconciliation of \(target) is already running (here or on another replica)."
        case .failed(let why)?:
            return "The reconciliation of \(target) failed: \(why)"
        }
    }

    func sameNamedGroups(target: String, displayName: String) async throws -> [TargetGroupView] {
        guard let e = entries[target] else { return [] }
        switch e.connector {
        case .groupCentric(let c):
            return try await c.findGroups(displayName: displayName).map {
                TargetGroupView(id: $0.id, displayName: $0.displayName, members: $0.members.sorted())
            }
        case .userCentric(let c):
            guard let g = try await c.findGroup(displayName: displayName) else { return [] }
            return [
                TargetGroupView(id: g.id, displayName: g.name, members: try await c.members(ofGroup: g.id).sorted())
            ]
        }
    }
}
