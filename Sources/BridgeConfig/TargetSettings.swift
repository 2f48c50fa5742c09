public import Membership
/// One entry of `targets:`: a connection to a SaaS app the bridge provisions, with its policies and delivery settings.
public struct TargetSettings: Sendable, Hashable {
    /// Unique among targets; 1-64 of `a-z0-9_-`, not starting with `-`.
    public var name: String
    public var kind: TargetKind
    /// Absolute `http(s)` URL without a trailing `/`. Default: the kind's `defaultBaseURL`, if it has one.
    public var baseURL: String
    public var auth: TargetAuth
    /// Default `fail`.
    public var onNameCollision: CollisionPolicy
    /// Must be `true` when `onNameCollision` is `merge` or `overwrite`. Default `false`.
    public var acknowledgeNameCollision: Bool
    /// Default `disable`; `delete` only where `kind.supportedUserRemovals` has it.
    public var removeAction: UserRemoval
    /// Default: `kind.defaultRateLimit`.
    public var rateLimit: RateLimit
    /// Most requests in flight to this target at once. Default 4.
    public var concurrency: Int
    /// Period of scheduled reconciliation; `nil` (`off`) for on demand only. Default 1 hour.
    public var reconcileEvery: Duration?
    /// Delivery attempts of one change before it is dead-lettered. Default 10.
    public var maxAttempts: Int
    /// Time limit of one request to the target. Default 30 seconds.
    public var timeout: Duration
    /// Present exactly when `kind == .google`.
    public var google: GoogleSettings?
    /// Present exactly when `kind == .salesforce`.
    public var salesforce: SalesforceSettings?

    /// Default of `concurrency`.
    public static let defaultConcurrency = 4
    /// Default of `reconcileEvery`.
    public static let defaultReconcileEvery: Duration = .seconds(3600)
    /// Default of `maxAttempts`.
    public static let defaultMaxAttempts = 10
    /// Default of `timeout`.
    public static let defaultTimeout: Duration = .seconds(30)

    public init(
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
        salesforce: SalesforceSettings? = nil
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
    }
}
