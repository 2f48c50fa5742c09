package import BridgeConfig
package import BridgeRuntime
package import Membership
package import Server
package import Sync

/// What a `SyncHarness` varies: the target's configuration entry, connector tuning and the bridge's server.
package struct SyncOptions: Sendable {
    /// The target's name.
    package var target: String
    package var policy: CollisionPolicy = .fail
    package var removal: UserRemoval = .disable
    /// The connector's token bucket; scaled up by default so that only tests about limits meet it.
    package var rateLimit = RateLimit(requestsPerMinute: 60_000, burst: 1000)
    package var concurrency = 4
    package var maxAttempts = 50
    /// The worker's retry delays: milliseconds, so that retries do not slow the tests down.
    package var backoff = Backoff(base: .milliseconds(5), cap: .milliseconds(50))
    /// The target's `auth:`, when not the credentials the emulator accepts.
    package var auth: TargetAuth? = nil
    package var timeout: Duration = .seconds(5)
    package var tuning = ConnectorTuning()
    /// The `salesforce:` keys, when not the emulator's defaults.
    package var salesforce: SalesforceSettings? = nil
    package var limits = LimitSettings()
    /// `safety.maxDeprovisions`; nil: off.
    package var maxDeprovisions: Int? = TargetSettings.defaultMaxDeprovisions
    package var admin: AdminConfiguration? = nil
    /// A last change to the target's entry once the emulator listens (an auth form that needs its URL).
    package var settings: (@Sendable (inout TargetSettings) -> Void)? = nil

    package init(target: String) { self.target = target }

    /// Writes the target's keys of these options into `settings`.
    func apply(to settings: inout TargetSettings) {
        settings.onNameCollision = policy
        settings.acknowledgeNameCollision = policy != .fail
        settings.removeAction = removal
        settings.rateLimit = rateLimit
        settings.concurrency = concurrency
        settings.maxAttempts = maxAttempts
        settings.timeout = timeout
        settings.maxDeprovisions = maxDeprovisions
        if let salesforce { settings.salesforce = salesforce }
        if let auth { settings.auth = auth }
        // The harness drains the outbox itself; no scheduled reconciliation.
        settings.reconcileEvery = nil
        self.settings?(&settings)
    }
}
