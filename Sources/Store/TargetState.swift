public import SCIM

/// What the store remembers of one target between runs: reconciliation, initial sync and health.
public struct TargetState: Sendable, Hashable {
    /// The target's name, as the configuration gives it.
    public var target: String
    /// When the last complete reconciliation ended; nil if none ever did.
    public var lastReconciled: SCIMDateTime?
    /// When the last initial sync started; nil if none did.
    public var initialSyncStarted: SCIMDateTime?
    /// When the last initial sync finished; nil while one runs (or if none did).
    public var initialSyncFinished: SCIMDateTime?
    public var health: TargetHealth
    /// The last error recorded with a health change, kept when the target recovers.
    public var lastError: String?
    public var lastErrorAt: SCIMDateTime?
    /// The last successful exchange with the target.
    public var lastSuccess: SCIMDateTime?

    public init(
        target: String, lastReconciled: SCIMDateTime? = nil, initialSyncStarted: SCIMDateTime? = nil,
        initialSyncFinished: SCIMDateTime? = nil, health: TargetHealth = .healthy, lastError: String? = nil,
        lastErrorAt: SCIMDateTime? = nil, lastSuccess: SCIMDateTime? = nil
    ) {
        self.target = target
        self.lastReconciled = lastReconciled
        self.initialSyncStarted = initialSyncStarted
        self.initialSyncFinished = initialSyncFinished
        self.health = health
        self.lastError = lastError
        self.lastErrorAt = lastErrorAt
        self.lastSuccess = lastSuccess
    }

    /// Whether an initial sync started and has not finished.
    public var initialSyncRunning: Bool { initialSyncStarted != nil && initialSyncFinished == nil }
}

/// How a target is doing, as the sync engine last found it (the `target_state.health` column).
public enum TargetHealth: String, Sendable, Hashable, CaseIterable {
    /// Deliveries succeed.
    case healthy
    /// Deliveries fail (the target errs or cannot be reached) and are retried.
    case failing
    /// The target refuses the bridge's credentials: someone must fix them.
    case unauthenticated
    /// Delivery is stopped on purpose.
    case paused
}
