package import Logging
package import SCIM
package import Store
import Synchronization

/// One target's `DeprovisionBrake`, shared by its worker, its sync code and its reconciler: every user
/// removal and group deletion goes through `perform`, which makes the call only if the brake lets it,
/// so that concurrent deliveries never pass the limit together. A pause is recorded in the store
/// (where `status` and the admin API read it, and where a restart finds it) and logged.
package final class DeprovisionGate: Sendable {
    package let target: String
    let store: any SyncStore
    let logger: Logger
    private let state: Mutex<(brake: DeprovisionBrake, pausedAt: SCIMDateTime?)>

    package init(target: String, limit: Int, store: any SyncStore, logger: Logger) {
        self.target = target
        self.store = store
        self.logger = logger
        self.state = Mutex((DeprovisionBrake(limit: limit), nil))
    }

    /// The limit (`safety.maxDeprovisions`).
    package var limit: Int { state.withLock { $0.brake.limit } }

    /// Why the target is paused; nil while it runs.
    package var pausedReason: String? { state.withLock { $0.brake.pausedReason } }

    /// The deprovisions counted within the last hour.
    package var count: Int { state.withLock { $0.brake.count(at: .now) } }

    /// Makes the deprovision `call` if the brake lets it, else throws `DeprovisionsPaused` without
    /// calling; a call that fails is not counted.
    package func perform<T>(_ call: () async throws -> T) async throws -> T {
        let now = ContinuousClock.now
        try await obey(state.withLock { $0.brake.admit(at: now) })
        do {
            return try await call()
        } catch {
            state.withLock { $0.brake.release(admittedAt: now) }
            throw error
        }
    }

    /// Throws `DeprovisionsPaused` when a plan with `planned` deprovisions must not start.
    package func allow(planned: Int) async throws {
        try await obey(state.withLock { $0.brake.allow(planned: planned, at: .now) })
    }

    private func obey(_ decision: DeprovisionBrake.Decision) async throws {
        switch decision {
        case .proceed:
            return
        case .pause(let reason):
            let at = SCIMDateTime.now
            state.withLock { $0.pausedAt = at }
            logger.error(
                "target paused: too many deprovisions; an administrator must resume it",
                metadata: ["target": "\(target)", "reason": "\(reason)", "limit": "\(limit)"]
            )
            do {
                try await store.recordPause(target: target, reason: reason, at: at)
            } catch {
                logger.error(
                    "target pause could not be recorded",
                    metadata: ["target": "\(target)", "errorType": "\(type(of: error))", "error": "\(error)"]
                )
            }
            throw DeprovisionsPaused(target: target, reason: reason)
        case .hold(let reason):
            throw DeprovisionsPaused(target: target, reason: reason)
        }
    }

    /// Holds the brake for a pause the store recorded before a restart (and not resumed since).
    package func restore(from recorded: TargetState?) {
        guard let recorded, let reason = recorded.pausedReason else { return }
        state.withLock {
            _ = $0.brake.pause(reason)
            $0.pausedAt = recorded.lastErrorAt
        }
    }

    /// Whether the target is paused, after looking whether an administrator resumed it since it
    /// paused (`recordResume`); a resume lets the changes through, the count starting from zero.
    package func isPaused() async throws -> Bool {
        guard pausedReason != nil else { return false }
        let recorded = try await store.targetState(target)
        let pausedAt = state.withLock { $0.pausedAt }
        guard recorded?.pausedReason == nil, let resumed = recorded?.resumedAt, pausedAt.map({ resumed >= $0 }) ?? true
        else { return true }
        let held = try await store.outboxCounts(target: target)["pending"] ?? 0
        state.withLock {
            $0.brake.resume(approving: held, at: .now)
            $0.pausedAt = nil
        }
        logger.notice(
            "target resumed by an administrator",
            metadata: ["target": "\(target)", "heldChanges": "\(held)"]
        )
        return false
    }
}

/// A deprovision the target's brake held back: the change stays queued until an administrator resumes the target.
package struct DeprovisionsPaused: Error, Sendable, CustomStringConvertible {
    package var target: String
    package var reason: String

    package var description: String {
        "target \(target) paused: \(reason); check the changes, then resume it with `scim-bridge targets resume \(target)` or POST /admin/targets/\(target)/resume"
    }
}

extension Optional where Wrapped == DeprovisionGate {
    /// `call` through the gate, or directly when the target has no brake (`safety.maxDeprovisions: off`).
    package func perform<T>(_ call: () async throws -> T) async throws -> T {
        switch self {
        case .some(let gate): try await gate.perform(call)
        case .none: try await call()
        }
    }
}
