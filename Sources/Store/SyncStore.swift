package import Membership
package import SCIM

/// What the sync engine needs of the store: the outbox, the per-target mapping of canonical ids to
/// target ids, the memberships the bridge created on each target, and the audit log.
package protocol SyncStore: Store {
    /// Sets the targets a channel fans out to; later writes to the channel enqueue one outbox entry per target.
    func setTargets(_ targets: [String], for channel: Channel) async throws
    /// The next deliverable entries of a target: due, pending, and the oldest pending one of each resource key.
    func dueOutboxEntries(target: String, limit: Int, now: SCIMDateTime) async throws -> [OutboxEntry]
    /// Marks an entry delivered.
    func completeOutboxEntry(_ seq: Int64) async throws
    /// Records a failed attempt: retried at `nextAttempt`, or dead-lettered when `dead`.
    func failOutboxEntry(_ seq: Int64, attempts: Int, nextAttempt: SCIMDateTime, error: String, dead: Bool) async throws
    /// Gives back claimed entries this process will not deliver (it is stopping, or the target stopped
    /// taking its credential), so that another replica takes them now rather than when the lease ends.
    func releaseOutboxClaims(_ seqs: [Int64]) async throws
    /// Deletes up to `limit` delivered or settled outbox entries last changed before `before`, oldest
    /// first, and returns how many it deleted. Pending and dead entries are never deleted.
    func pruneOutbox(finishedBefore before: SCIMDateTime, limit: Int) async throws -> Int
    /// Counts of entries by state for a target.
    func outboxCounts(target: String) async throws -> [String: Int]
    /// Entries in the dead-letter state (newest first).
    func deadOutboxEntries(target: String, limit: Int) async throws -> [OutboxEntry]
    /// Delivery state of each resource on a target (`status --resources`, `GET /admin/targets/{name}/resources`),
    /// optionally only those in `state`, ordered by resource key.
    func resourceStatuses(target: String, state: ResourceSyncStatus.State?, limit: Int) async throws
        -> [ResourceSyncStatus]
    /// Puts a target's dead-lettered entries back in the queue with a fresh attempt count; returns how many.
    func retryDeadOutboxEntries(target: String) async throws -> Int
    /// The resource keys of a channel with at least one dead-lettered entry on a target: what a
    /// reconciliation may settle once it has found the target right.
    func deadResourceKeys(target: String, channel: Channel) async throws -> Set<String>
    /// Moves the target's dead entries of these resource keys to `settled` (a reconciliation made them
    /// moot: kept for the audit, no longer dead, never delivered); returns them as settled, by `seq`.
    func settleDeadOutboxEntries(target: String, channel: Channel, resourceKeys: [String]) async throws -> [OutboxEntry]
    /// Queues every resource of the channel for the target, as `backfill`, when the target holds
    /// nothing of the channel yet: no mapping and no pending entry. Returns how many it queued, or nil
    /// when the channel is synced or being synced. Atomic: replicas starting together, or a restart
    /// while the first sync is under way, queue it once.
    func initialBackfill(target: String, channel: Channel) async throws -> Int?
    /// Enqueues events for one target (reconciliation and tests).
    func enqueue(_ events: [ChangeEvent], target: String, channel: Channel) async throws
    /// Enqueues an upsert of every user, then every group, of the channel for one target (its initial sync).
    func backfill(target: String, channel: Channel, groupsOnly: Bool) async throws -> Int

    func mapping(target: String, channel: Channel, kind: ResourceKind, canonicalID: String) async throws
        -> TargetMapping?
    func setMapping(_ mapping: TargetMapping) async throws
    func removeMapping(target: String, channel: Channel, kind: ResourceKind, canonicalID: String) async throws
    func mappings(target: String) async throws -> [TargetMapping]

    /// Canonical member ids the bridge itself added to a target group.
    func bridgeAddedMembers(target: String, channel: Channel, group: String) async throws -> Set<String>
    func recordBridgeAdded(target: String, channel: Channel, group: String, members: [String]) async throws
    func forgetBridgeAdded(target: String, channel: Channel, group: String, members: [String]?) async throws

    /// What is known of a target's reconciliation, initial sync and health; nil if nothing was recorded.
    func targetState(_ target: String) async throws -> TargetState?
    /// The state of every target something was recorded for, by name.
    func targetStates() async throws -> [TargetState]
    /// Records a complete reconciliation of the target that ended at `at`.
    func recordReconciled(target: String, at: SCIMDateTime) async throws
    /// Records that an initial sync of the target started (and clears when the last one finished).
    func recordInitialSync(target: String, started: SCIMDateTime) async throws
    /// Records that the initial sync of the target finished.
    func recordInitialSync(target: String, finished: SCIMDateTime) async throws
    /// Records the target's health; an `error` becomes the last error, at `at` (nil keeps the last one).
    func recordHealth(target: String, health: TargetHealth, error: String?, at: SCIMDateTime) async throws
    /// Records that the target's worker paused itself, and why; it stays paused until `recordResume`.
    func recordPause(target: String, reason: String, at: SCIMDateTime) async throws
    /// Ends a pause: an administrator looked and lets the target's changes through.
    func recordResume(target: String, at: SCIMDateTime) async throws
    /// Records a successful exchange with the target at `at`.
    func recordSuccess(target: String, at: SCIMDateTime) async throws

    /// The administrator's merge or overwrite for one group blocked on `target`, if any.
    func collisionDecision(target: String, channel: Channel, group: String) async throws -> CollisionDecision?
    /// Records a decision (replacing an earlier one) with its audit entry, and queues the group's
    /// upsert for the target's worker, which applies it.
    func recordCollisionDecision(_ decision: CollisionDecision) async throws

    func appendAudit(target: String, channel: Channel, action: String, resourceKey: String, detail: JSONValue)
        async throws
    func auditEntries(target: String) async throws -> [AuditEntry]
    /// Audit entries newest first, filtered and paged (the console's audit log and a resource's trail).
    func auditLog(_ query: AuditQuery) async throws -> [AuditEntry]
    /// The outbox entries of one resource for one target, newest first: each inbound change the
    /// target was to receive, and where its delivery stands.
    func outboxHistory(target: String, channel: Channel, resourceKey: String, limit: Int) async throws -> [OutboxEntry]

    /// Runs `body` if no one else (another task here, or another replica on the same database) is
    /// reconciling `target`, holding that right until it returns; false, without running it, if
    /// someone is.
    func withReconciliationLock(target: String, _ body: @Sendable () async throws -> Void) async throws -> Bool
}

/// One change event waiting for (or done with) delivery to one target.
package struct OutboxEntry: Sendable, Hashable {
    package var seq: Int64
    package var channel: Channel
    package var target: String
    package var resourceKey: String
    package var event: ChangeEvent
    package var attempts: Int
    package var state: OutboxState
    package var lastError: String?
    /// The W3C `traceparent` of the span that caused the change; its delivery continues that trace.
    package var traceParent: String? = nil
    /// When the change was queued (read by `outboxHistory`; nil where a caller did not ask for it).
    package var created: SCIMDateTime? = nil
}

/// How a canonical resource is known on a target.
package struct TargetMapping: Sendable, Hashable {
    package var target: String
    package var channel: Channel
    package var kind: ResourceKind
    package var canonicalID: String
    /// The target's id; nil while blocked.
    package var targetID: String?
    package var origin: MappingOrigin
    /// Why it is blocked, or the last name synced.
    package var detail: String?

    package init(
        target: String,
        channel: Channel,
        kind: ResourceKind,
        canonicalID: String,
        targetID: String?,
        origin: MappingOrigin,
        detail: String? = nil
    ) {
        self.target = target
        self.channel = channel
        self.kind = kind
        self.canonicalID = canonicalID
        self.targetID = targetID
        self.origin = origin
        self.detail = detail
    }
}

/// An adoption or other decision recorded for people to audit.
package struct AuditEntry: Sendable, Hashable {
    /// Its place in the log, for paging (`AuditQuery.before`).
    package var seq: Int64 = 0
    package var time: SCIMDateTime
    package var target: String
    package var action: String
    package var resourceKey: String
    package var detail: JSONValue
}

/// Where one canonical resource stands on one target: the outbox and the mapping, read together.
package struct ResourceSyncStatus: Sendable, Hashable {
    /// The resource's delivery state; a resource in several is reported in the first that applies.
    package enum State: String, Sendable, CaseIterable {
        /// A change was dead-lettered after its attempts ran out: someone must look.
        case failed
        /// Changes wait for delivery (possibly after failed attempts that will be retried).
        case pending
        /// The group collides with a same-named group on the target and the policy is `fail`.
        case blocked
        /// The target holds it, as the mapping says.
        case synced
        /// The user was deprovisioned on the target (disabled or deleted).
        case deprovisioned
    }

    package var channel: String
    /// `user:ID` or `group:ID`.
    package var resourceKey: String
    package var state: State
    package var targetID: String?
    /// How the bridge holds it.
    package var origin: MappingOrigin?
    /// Changes not yet delivered (pending or dead).
    package var undelivered: Int
    /// Most attempts of an undelivered change.
    package var attempts: Int
    package var lastError: String?
    /// The reason it is blocked.
    package var detail: String?

    package init(
        channel: String,
        resourceKey: String,
        state: State,
        targetID: String? = nil,
        origin: MappingOrigin? = nil,
        undelivered: Int = 0,
        attempts: Int = 0,
        lastError: String? = nil,
        detail: String? = nil
    ) {
        self.channel = channel
        self.resourceKey = resourceKey
        self.state = state
        self.targetID = targetID
        self.origin = origin
        self.undelivered = undelivered
        self.attempts = attempts
        self.lastError = lastError
        self.detail = detail
    }
}
