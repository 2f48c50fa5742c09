package import SCIM

/// What the store remembers of one target between runs: reconciliation, initial sync and health.
package struct TargetState: Sendable, Hashable {
    /// The target's name, as the configuration gives it.
    package var target: String
    /// When the last complete reconciliation ended; nil if none ever did.
    package var lastReconciled: SCIMDateTime?
    /// When the last initial sync started; nil if none did.
    package var initialSyncStarted: SCIMDateTime?
    /// When the last initial sync finished; nil while one runs (or if none did).
    package var initialSyncFinished: SCIMDateTime?
    package var health: TargetHealth
    /// The last error recorded with a health change, kept when the target recovers.
    package var lastError: String?
    package var lastErrorAt: SCIMDateTime?
    /// The last successful exchange with the target.
    package var lastSuccess: SCIMDateTime?
    /// Why the target's worker paused itself (`safety.maxDeprovisions`); nil while it runs.
    package var pausedReason: String?
    /// When an administrator last resumed the target.
    package var resumedAt: SCIMDateTime?

    package init(
        target: String,
        lastReconciled: SCIMDateTime? = nil,
        initialSyncStarted: SCIMDateTime? = nil,
        initialSyncFinished: SCIMDateTime? = nil,
        health: TargetHealth = .healthy,
        lastError: String? = nil,
        lastErrorAt: SCIMDateTime? = nil,
        lastSuccess: SCIMDateTime? = nil,
        pausedReason: String? = nil,
        resumedAt: SCIMDateTime? = nil
    ) {
        self.target = target
        self.lastReconciled = lastReconciled
        self.initialSyncStarted = initialSyncStarted
        self.initialSyncFinished = initialSyncFinished
        self.health = health
        self.lastError = lastError
        self.lastErrorAt = lastErrorAt
        self.lastSuccess = lastSuccess
        self.pausedReason = pausedReason
        self.resumedAt = resumedAt
    }

    /// Whether an initial sync started and has not finished.
    package var initialSyncRunning: Bool { initialSyncStarted != nil && initialSyncFinished == nil }
}

/// How a target is doing, as the sync engine last found it (the `target_state.health` column).
package enum TargetHealth: String, Sendable, Hashable, CaseIterable {
    /// Deliveries succeed.
    case healthy
    /// Deliveries fail (the target errs or cannot be reached) and are retried.
    case failing
    /// The target refuses the bridge's credentials: someone must fix them.
    case unauthenticated
    /// Delivery is stopped on purpose (`safety.maxDeprovisions`) until an administrator resumes it.
    case paused
}
