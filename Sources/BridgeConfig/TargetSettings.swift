package import Membership

/// One entry of `targets:`: a connection to a SaaS app the bridge provisions, with its policies and delivery settings.
package struct TargetSettings: Sendable, Hashable {
    /// Unique among targets; 1-64 of `a-z0-9_-`, not starting with `-`.
    package var name: String
    package var kind: TargetKind
    /// Absolute `http(s)` URL without a trailing `/`. Default: the kind's `defaultBaseURL`, if it has one.
    package var baseURL: String
    package var auth: TargetAuth
    /// Default `fail`.
    package var onNameCollision: CollisionPolicy
    /// Must be `true` when `onNameCollision` is `merge` or `overwrite`. Default `false`.
    package var acknowledgeNameCollision: Bool
    /// Default `disable`; `delete` only where `kind.supportedUserRemovals` has it.
    package var removeAction: UserRemoval
    /// Default: `kind.defaultRateLimit`.
    package var rateLimit: RateLimit
    /// Most requests in flight to this target at once. Default 4.
    package var concurrency: Int
    /// Period of scheduled reconciliation; `nil` (`off`) for on demand only. Default 1 hour.
    package var reconcileEvery: Duration?
    /// Delivery attempts of one change before it is dead-lettered. Default 10.
    package var maxAttempts: Int
    /// Time limit of one request to the target. Default 30 seconds.
    package var timeout: Duration
    /// Present exactly when `kind == .google`.
    package var google: GoogleSettings?
    /// Present exactly when `kind == .salesforce`.
    package var salesforce: SalesforceSettings?
    /// Present exactly when `kind == .msgraph`.
    package var msgraph: MSGraphSettings?
    /// The groups of its channels this target receives. Default: every group.
    package var scope: TargetScope
    /// How this target's view of a user differs from the canonical user (`mapping.user`). Default: none.
    package var mapping: AttributeMapping
    /// How this target names a group (`mapping.group.displayName`). Default: its canonical name.
    package var groupMapping: AttributeMapping
    /// `safety.maxDeprovisions`: the most users disabled or deleted, or groups deleted, on this target
    /// within an hour before its worker pauses for an administrator; nil (`off`): no brake. Default 500.
    package var maxDeprovisions: Int?

    /// Default of `concurrency`.
    package static let defaultConcurrency = 4
    /// Default of `reconcileEvery`.
    package static let defaultReconcileEvery: Duration = .seconds(3600)
    /// Default of `maxAttempts`.
    package static let defaultMaxAttempts = 10
    /// Default of `timeout`.
    package static let defaultTimeout: Duration = .seconds(30)
    /// Default of `maxDeprovisions`, the threshold of Entra's accidental-deletions prevention.
    package static let defaultMaxDeprovisions = 500

    package init(
        name: String,
        kind: TargetKind,
        baseURL: String,
        auth: TargetAuth,
        onNameCollision: CollisionPolicy = .fail,
        acknowledgeNameCollision: Bool = false,
        removeAction: UserRemoval = .disable,
        rateLimit: RateLimit? = nil,
        concurrency: Int = TargetSettings.defaultConcurrency,
        reconcileEvery: Duration? = TargetSettings.defaultReconcileEvery,
        maxAttempts: Int = TargetSettings.defaultMaxAttempts,
        timeout: Duration = TargetSettings.defaultTimeout,
        google: GoogleSettings? = nil,
        salesforce: SalesforceSettings? = nil,
        msgraph: MSGraphSettings? = nil,
        scope: TargetScope = .everything,
        mapping: AttributeMapping = .none,
        groupMapping: AttributeMapping = .none,
        maxDeprovisions: Int? = TargetSettings.defaultMaxDeprovisions
    ) {
        self.name = name
        self.kind = kind
        self.baseURL = baseURL
        self.auth = auth
        self.onNameCollision = onNameCollision
        self.acknowledgeNameCollision = acknowledgeNameCollision
        self.removeAction = removeAction
        self.rateLimit = rateLimit ?? kind.defaultRateLimit
        self.concurrency = concurrency
        self.reconcileEvery = reconcileEvery
        self.maxAttempts = maxAttempts
        self.timeout = timeout
        self.google = google
        self.salesforce = salesforce
        self.msgraph = msgraph ?? (kind == .msgraph ? MSGraphSettings() : nil)
        self.scope = scope
        self.mapping = mapping
        self.groupMapping = groupMapping
        self.maxDeprovisions = maxDeprovisions
    }
}
