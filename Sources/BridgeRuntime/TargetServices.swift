import AsyncHTTPClient
package import BridgeConfig
package import Connectors
import Foundation
package import Logging
package import Membership
import SCIM
package import Server
package import ServiceLifecycle
package import Store
package import Sync

/// Builds one outbox worker per configured target (and its scheduled reconciliation), and points each
/// configured channel at its targets.
package enum TargetServices {
    /// What `serve` runs for its targets: each target's worker and, when `reconcileEvery` is set, its
    /// reconciliation; each worker's activity (for `/readyz`); and the console's view of the targets.
    package struct Running: Sendable {
        package var services: [any Service]
        package var activity: [String: WorkerActivity]
        package var operations: any TargetOperations
    }

    /// Builds what `serve` runs for the configured targets (`Running`).
    package static func make(
        _ config: BridgeConfiguration,
        store: any BridgeStore,
        logger: Logger
    ) async throws -> Running {
        var activity: [String: WorkerActivity] = [:]
        var workers: [any Service] = []
        var console: [String: ConsoleTargets.Entry] = [:]
        for (i, t) in config.targets.enumerated() {
            // One rate-limit state per target, shared by its worker, its reconciliation and the console
            // (and, on PostgreSQL, with the other replicas).
            let bucket = bucket(t, store: store)
            let connector = try connector(t, index: i, bucket: bucket)
            activity[t.name] = WorkerActivity()
            // One brake per target, shared by its worker and its reconciliation.
            let brake = t.maxDeprovisions.map {
                DeprovisionGate(target: t.name, limit: $0, store: store, logger: logger)
            }
            workers.append(
                RestartingService(
                    TargetWorker(
                        target: t.name,
                        store: store,
                        sync: processor(t, connector, store: store, brake: brake, logger: logger),
                        concurrency: t.concurrency,
                        maxAttempts: t.maxAttempts,
                        brake: brake,
                        activity: activity[t.name, default: WorkerActivity()],
                        logger: logger
                    ),
                    name: "worker \(t.name)",
                    logger: logger
                )
            )
            let channels = config.channels.filter { $0.targets.contains(t.name) }.map(\.name)
            let period = t.reconcileEvery
            // Reconciliation waits out throttling within its pass instead of giving up on the first 429.
            let patience = HTTPTransport.Patience(budget: min(period ?? .seconds(300), .seconds(300))) { line in
                logger.info("reconciliation waits", metadata: ["target": "\(t.name)", "reason": "\(line)"])
            }
            let patient = try self.connector(t, index: i, bucket: bucket, patience: patience)
            let scheduled: (any Service)?
            switch reconciler(t, patient, store: store, brake: brake, logger: logger) {
            case .groupCentric(let r):
                (scheduled, console[t.name]) = reconciling(
                    r,
                    t,
                    channels,
                    bucket,
                    patient,
                    store: store,
                    logger: logger
                )
            case .userCentric(let r):
                (scheduled, console[t.name]) = reconciling(
                    r,
                    t,
                    channels,
                    bucket,
                    patient,
                    store: store,
                    logger: logger
                )
            }
            if let scheduled { workers.append(scheduled) }
        }
        return Running(
            services: workers,
            activity: activity,
            operations: ConsoleTargets(entries: console, logger: logger)
        )
    }

    /// A target's scheduled reconciliation (when `reconcileEvery` is set) and what the console reaches
    /// it by: both run the same passes, under the store's reconciliation lock.
    static func reconciling<R: TargetReconciler>(
        _ r: R,
        _ t: TargetSettings,
        _ channels: [String],
        _ bucket: TokenBucket,
        _ connector: TargetConnector,
        store: any BridgeStore,
        logger: Logger
    ) -> (scheduled: (any Service)?, console: ConsoleTargets.Entry) {
        let service = ReconcileService(
            reconciler: r,
            channelNames: channels,
            period: t.reconcileEvery ?? .seconds(3600),
            logger: logger
        )
        let scheduled =
            t.reconcileEvery == nil
            ? nil : RestartingService(service, name: "reconciliation \(t.name)", logger: logger) as any Service
        let entry = ConsoleTargets.Entry(
            bucket: bucket,
            connector: connector,
            pass: { await service.pass() },
            plan: { try await Self.plan(r, channels, store: store) }
        )
        return (scheduled, entry)
    }

    /// The plan of `reconciler` for the channels named, as lines.
    static func plan<R: TargetReconciler>(_ reconciler: R, _ names: [String], store: any BridgeStore) async throws
        -> TargetPlan
    {
        var channels: [Channel] = []
        for name in names {
            if let c = try await store.channel(named: name) { channels.append(c) }
        }
        let (steps, blocked) = try await reconciler.plan(channels: channels)
        return TargetPlan(calls: steps.map(\.description), blocked: blocked)
    }

    /// A target's connector, by the projection its vendor needs.
    package enum TargetConnector: Sendable {
        case groupCentric(any GroupCentricConnector)
        case userCentric(any UserCentricConnector)

        package func testConnection() async throws { try await userDirectory.testConnection() }

        /// The user half, whichever side memberships live on.
        package var userDirectory: any TargetUserDirectory {
            switch self {
            case .groupCentric(let c): c
            case .userCentric(let c): c
            }
        }
    }

    /// What applies outbox events to the target; `brake` holds back mass deprovisioning.
    package static func processor(
        _ t: TargetSettings,
        _ connector: TargetConnector,
        store: any BridgeStore,
        brake: DeprovisionGate? = nil,
        logger: Logger
    ) -> any ChangeProcessor {
        switch connector {
        case .groupCentric(let c): return groupCentricSync(t, c, store: store, brake: brake, logger: logger)
        case .userCentric(let c): return userCentricSync(t, c, store: store, brake: brake, logger: logger)
        }
    }

    /// The processor of a group-centric target (SCIM, Slack, GitHub EMU).
    package static func groupCentricSync(
        _ t: TargetSettings,
        _ c: any GroupCentricConnector,
        store: any BridgeStore,
        brake: DeprovisionGate? = nil,
        logger: Logger
    ) -> GroupCentricSync {
        GroupCentricSync(
            target: t.name,
            store: store,
            connector: c,
            policy: policy(t),
            userRemoval: removal(t),
            scope: t.scope,
            mapping: t.mapping,
            groupMapping: t.groupMapping,
            brake: brake,
            logger: logger
        )
    }

    /// The processor of a user-centric target (Google, Salesforce).
    package static func userCentricSync(
        _ t: TargetSettings,
        _ c: any UserCentricConnector,
        store: any BridgeStore,
        brake: DeprovisionGate? = nil,
        logger: Logger
    ) -> UserCentricSync {
        UserCentricSync(
            target: t.name,
            store: store,
            connector: c,
            policy: policy(t),
            userRemoval: removal(t),
            scope: t.scope,
            mapping: t.mapping,
            groupMapping: t.groupMapping,
            brake: brake,
            logger: logger
        )
    }

    /// A target's reconciler, by the projection its vendor needs.
    package enum AnyReconciler {
        case groupCentric(Reconciler)
        case userCentric(UserCentricReconciler)
    }

    /// The reconciler of a target, for `plan`, `sync` and `reconcileEvery`; with `brake`, a plan of
    /// more deprovisions than it allows pauses the target before the first.
    package static func reconciler(
        _ t: TargetSettings,
        _ connector: TargetConnector,
        store: any BridgeStore,
        brake: DeprovisionGate? = nil,
        logger: Logger
    ) -> AnyReconciler {
        switch connector {
        case .groupCentric(let c):
            return .groupCentric(Reconciler(sync: groupCentricSync(t, c, store: store, brake: brake, logger: logger)))
        case .userCentric(let c):
            return .userCentric(
                UserCentricReconciler(sync: userCentricSync(t, c, store: store, brake: brake, logger: logger))
            )
        }
    }

    /// The target's `onNameCollision`, as the planners take it.
    package static func policy(_ t: TargetSettings) -> CollisionPolicy { t.onNameCollision }

    /// The target's `removeAction`, as the processors take it.
    package static func removal(_ t: TargetSettings) -> UserRemoval { t.removeAction }

    /// The connector of one configured target, speaking the vendor's API through a rate-limited transport.
    /// `bucket` is the target's rate-limit state (a new one when nil); `patience` is set for callers
    /// that wait out throttling instead of failing (`plan`, `sync`, `doctor`, scheduled reconciliation).
    package static func connector(
        _ t: TargetSettings,
        index i: Int,
        bucket shared: TokenBucket? = nil,
        patience: HTTPTransport.Patience? = nil,
        tuning: ConnectorTuning = ConnectorTuning()
    ) throws -> TargetConnector {
        try signedIn(t, index: i, bucket: shared, patience: patience, tuning: tuning).connector
    }

    /// A target's connector and the count of access tokens its sign-in has obtained (always 0 for a
    /// static credential), for tests and benchmarks that check tokens are cached and refreshed.
    package struct SignedInConnector: Sendable {
        package let connector: TargetConnector
        package let tokensIssued: @Sendable () async -> Int
    }

    /// The connector of one configured target (as `connector`), with its token count.
    package static func signedIn(
        _ t: TargetSettings,
        index i: Int,
        bucket shared: TokenBucket? = nil,
        patience: HTTPTransport.Patience? = nil,
        tuning: ConnectorTuning = ConnectorTuning()
    ) throws -> SignedInConnector {
        let bucket = shared ?? bucket(t)
        let connector: TargetConnector
        switch t.kind {
        case .scim:
            connector = .groupCentric(
                SCIMConnector(transport: try transport(t, index: i, bucket: bucket).patient(patience))
            )
        case .slack:
            let transport = try transport(t, index: i, bucket: bucket).patient(patience)
            connector = .groupCentric(
                tuning.slackBatchSize.map { SlackConnector(transport: transport, batchSize: $0) }
                    ?? SlackConnector(transport: transport)
            )
        case .githubEMU:
            connector = .groupCentric(
                GitHubEMUConnector(transport: try transport(t, index: i, bucket: bucket).patient(patience))
            )
        case .google:
            let built = try google(t, index: i, bucket: bucket, patience: patience, tuning: tuning)
            return SignedInConnector(
                connector: .userCentric(built.connector),
                tokensIssued: { await built.tokens.tokensIssued }
            )
        case .salesforce:
            let built = try salesforce(t, index: i, bucket: bucket, patience: patience, tuning: tuning)
            return SignedInConnector(
                connector: .userCentric(built.connector),
                tokensIssued: { await built.tokens.tokensIssued }
            )
        case .msgraph:
            let built = try msgraph(t, index: i, bucket: bucket, patience: patience, tuning: tuning)
            return SignedInConnector(
                connector: .groupCentric(built.connector),
                tokensIssued: { await built.tokens.tokensIssued }
            )
        }
        return SignedInConnector(connector: connector, tokensIssued: { 0 })
    }

    /// A Google target's connector, with the token provider it signs in through (service-account JWT).
    package static func google(
        _ t: TargetSettings,
        index i: Int,
        bucket: TokenBucket,
        patience: HTTPTransport.Patience? = nil,
        tuning: ConnectorTuning = ConnectorTuning()
    ) throws -> (connector: GoogleConnector, tokens: ServiceAccountTokenProvider) {
        guard case .googleServiceAccount(let keySecret, let subject, let tokenURL, let scopes) = t.auth else {
            throw TargetWiringError("targets[\(i)].auth", "kind 'google' needs { serviceAccountKey, subject, scopes }.")
        }
        let key: ServiceAccountKey
        do {
            key = try ServiceAccountKey(json: try keySecret.resolve())
        } catch {
            throw TargetWiringError("targets[\(i)].auth.serviceAccountKey", "\(error)")
        }
        let provider = ServiceAccountTokenProvider(
            key: key,
            subject: subject,
            scopes: scopes,
            tokenURL: tokenURL,
            client: HTTPClient.shared
        )
        let transport = HTTPTransport(
            client: HTTPClient.shared,
            baseURL: t.baseURL,
            bucket: bucket,
            timeout: t.timeout,
            tokens: provider
        ).patient(patience)
        let customer = t.google?.customer ?? "my_customer"
        let connector =
            tuning.googleCreationGrace.map {
                GoogleConnector(transport: transport, customer: customer, domain: t.google?.domain, creationGrace: $0)
            } ?? GoogleConnector(transport: transport, customer: customer, domain: t.google?.domain)
        return (connector, provider)
    }

    /// A Salesforce target's connector, with the token provider it opens sessions through (JWT bearer flow).
    package static func salesforce(
        _ t: TargetSettings,
        index i: Int,
        bucket: TokenBucket,
        patience: HTTPTransport.Patience? = nil,
        tuning: ConnectorTuning = ConnectorTuning()
    ) throws -> (connector: SalesforceConnector, tokens: SalesforceTokenProvider) {
        guard case .salesforceJWT(let clientID, let username, let privateKey, let tokenURL, let audience) = t.auth
        else {
            throw TargetWiringError("targets[\(i)].auth", "kind 'salesforce' needs { clientId, username, privateKey }.")
        }
        let id: String
        let pem: String
        do {
            id = try clientID.resolve()
            pem = try privateKey.resolve()
        } catch {
            throw TargetWiringError("targets[\(i)].auth", "\(error)")
        }
        let options = t.salesforce ?? SalesforceSettings()
        let tokens = SalesforceTokenProvider(
            clientID: id,
            username: username,
            privateKeyPEM: pem,
            tokenURL: tokenURL,
            audience: audience,
            client: HTTPClient.shared
        )
        let connector =
            tuning.salesforceRequestLimitPause.map {
                SalesforceConnector(
                    client: HTTPClient.shared,
                    tokens: tokens,
                    bucket: bucket,
                    options: options,
                    timeout: t.timeout,
                    requestLimitPause: $0,
                    patience: patience
                )
            }
            ?? SalesforceConnector(
                client: HTTPClient.shared,
                tokens: tokens,
                bucket: bucket,
                options: options,
                timeout: t.timeout,
                patience: patience
            )
        return (connector, tokens)
    }

    /// A Microsoft Graph target's connector, with the token provider it signs in through (client
    /// credentials, with a secret or a certificate).
    package static func msgraph(
        _ t: TargetSettings,
        index i: Int,
        bucket: TokenBucket,
        patience: HTTPTransport.Patience? = nil,
        tuning: ConnectorTuning = ConnectorTuning()
    ) throws -> (connector: MSGraphConnector, tokens: MSGraphTokenProvider) {
        let clientID: String
        let proof: MSGraphTokenProvider.Proof
        let tokenURL: String
        let scopes: [String]
        do {
            switch t.auth {
            case .oauthClientCredentials(let id, let secret, let url, let s):
                (clientID, proof, tokenURL, scopes) = (try id.resolve(), .secret(try secret.resolve()), url, s)
            case .oauthClientCertificate(let id, let certificate, let key, let url, let s):
                let pem = try certificate.resolve()
                // Checked now, so that a wrong file stops start-up instead of every delivery.
                _ = try CertificateThumbprints(certificatePEM: pem)
                (clientID, proof, tokenURL, scopes) = (
                    try id.resolve(), .certificate(certificatePEM: pem, privateKeyPEM: try key.resolve()), url, s
                )
            default:
                throw TargetWiringError(
                    "targets[\(i)].auth",
                    "kind 'msgraph' needs { clientId, clientSecret, tokenURL } or { clientId, certificate, privateKey, tokenURL }."
                )
            }
        } catch let error as TargetWiringError {
            throw error
        } catch {
            throw TargetWiringError("targets[\(i)].auth", "\(error)")
        }
        let tokens = MSGraphTokenProvider(
            clientID: clientID,
            proof: proof,
            tokenURL: tokenURL,
            scopes: scopes,
            client: HTTPClient.shared,
            timeout: t.timeout
        )
        let transport = HTTPTransport(
            client: HTTPClient.shared,
            baseURL: t.baseURL,
            bucket: bucket,
            timeout: t.timeout,
            tokens: tokens
        ).patient(patience)
        let settings = t.msgraph ?? MSGraphSettings()
        let connector =
            tuning.msgraphBatchSize.map { MSGraphConnector(transport: transport, settings: settings, batchSize: $0) }
            ?? MSGraphConnector(transport: transport, settings: settings)
        return (connector, tokens)
    }

    /// A new rate-limit state for the target's `rateLimit`; on PostgreSQL, one that also takes every
    /// call from the budget all replicas share.
    package static func bucket(_ t: TargetSettings, store: (any BridgeStore)? = nil) -> TokenBucket {
        TokenBucket(
            requestsPerMinute: t.rateLimit.requestsPerMinute,
            burst: t.rateLimit.burst,
            target: t.name,
            shared: (store as? PostgresStore).map { PostgresRateBudget(store: $0, settings: t) }
        )
    }

    /// The HTTP transport of a target with a static credential (bearer or basic).
    package static func transport(_ t: TargetSettings, index i: Int, bucket: TokenBucket) throws -> HTTPTransport {
        let authorization: @Sendable () throws -> String
        switch t.auth {
        case .bearer(let secret):
            authorization = { "Bearer \(try secret.resolve())" }
        case .basic(let user, let password):
            authorization = { "Basic " + Data("\(user):\(try password.resolve())".utf8).base64EncodedString() }
        default:
            throw TargetWiringError(
                "targets[\(i)].auth",
                "only bearer and basic authentication are available for kind '\(t.kind.rawValue)' yet."
            )
        }
        return HTTPTransport(
            client: HTTPClient.shared,
            baseURL: t.baseURL,
            bucket: bucket,
            timeout: t.timeout,
            authorization: authorization
        )
    }

    /// Before the workers start. A target that holds nothing of a channel yet (new in the
    /// configuration, or just added to the channel's `targets`) gets everything the channel holds,
    /// through its outbox: its initial sync starts at once instead of at the next reconciliation.
    /// Groups blocked under `fail` are queued again when the target's policy now allows adoption.
    package static func prepare(_ config: BridgeConfiguration, store: any BridgeStore, logger: Logger) async throws {
        for t in config.targets {
            try await applyScope(t, config, store: store, logger: logger)
            let mappings = try await store.mappings(target: t.name)
            for c in config.channels where c.targets.contains(t.name) {
                guard let channel = try await store.channel(named: c.name) else { continue }
                let held = mappings.filter { $0.channel.key == channel.key }
                if held.isEmpty {
                    // Nil: another replica queued it, or a sync begun before a restart is under way.
                    if let queued = try await store.initialBackfill(target: t.name, channel: channel), queued > 0 {
                        try await store.recordInitialSync(target: t.name, started: TargetWorker.now())
                        logger.notice(
                            "initial sync queued",
                            metadata: ["target": "\(t.name)", "channel": "\(c.name)", "changes": "\(queued)"]
                        )
                    }
                    continue
                }
                guard t.onNameCollision != .fail else { continue }
                let blocked = held.filter { $0.kind == .group && $0.origin == .blocked }
                guard !blocked.isEmpty else { continue }
                try await store.enqueue(
                    blocked.map { .groupUpserted(id: $0.canonicalID) },
                    target: t.name,
                    channel: channel
                )
                logger.notice(
                    "blocked groups queued for adoption under the new policy",
                    metadata: [
                        "target": "\(t.name)", "channel": "\(c.name)", "groups": "\(blocked.count)",
                        "policy": "\(t.onNameCollision.rawValue)",
                    ]
                )
            }
        }
    }

    /// A target whose `scope` changed since it was last applied gets an upsert of every group of its
    /// channels: each group that entered the scope is linked, each that left it unlinked, by the
    /// target's worker (and `plan` shows the same before `serve` runs).
    static func applyScope(
        _ t: TargetSettings,
        _ config: BridgeConfiguration,
        store: any BridgeStore,
        logger: Logger
    ) async throws {
        let applied = try await store.appliedScope(target: t.name) ?? TargetScope.everything.fingerprint
        guard applied != t.scope.fingerprint else { return }
        if let limit = t.maxDeprovisions {
            var channels: [Channel] = []
            for c in config.channels where c.targets.contains(t.name) {
                if let channel = try await store.channel(named: c.name) { channels.append(channel) }
            }
            let planned = try await t.scope.deprovisions(applied: t.name, in: channels, store)
            if planned > limit {
                // Paused before the first: the worker starts paused, and `plan` shows what is held.
                let reason =
                    "a scope change plans \(planned) deprovisions (users disabled or deleted, groups deleted): above safety.maxDeprovisions \(limit)"
                try await store.recordPause(target: t.name, reason: reason, at: .now)
                logger.error(
                    "target paused: too many deprovisions; an administrator must resume it",
                    metadata: ["target": "\(t.name)", "reason": "\(reason)", "limit": "\(limit)"]
                )
            }
        }
        for c in config.channels where c.targets.contains(t.name) {
            guard let channel = try await store.channel(named: c.name),
                !(try await store.mappings(target: t.name).filter { $0.channel.key == channel.key }.isEmpty)
            else { continue }
            let queued = try await store.backfill(target: t.name, channel: channel, groupsOnly: true)
            logger.notice(
                "scope changed: every group queued to be linked or unlinked",
                metadata: ["target": "\(t.name)", "channel": "\(c.name)", "groups": "\(queued)"]
            )
        }
        try await store.recordAppliedScope(target: t.name, t.scope.fingerprint)
    }

    /// Creates configured channels that do not exist yet (printing each new token once) and sets their targets.
    package static func applyChannels(_ config: BridgeConfiguration, store: any BridgeStore) async throws {
        for c in config.channels {
            let channel: Channel
            if let existing = try await store.channel(named: c.name) {
                channel = existing
            } else {
                do {
                    channel = try await store.createChannel(named: c.name)
                } catch let error as SCIMError where error.status == 409 {
                    // Another replica starting at the same moment created it first: its token was printed there.
                    guard let created = try await store.channel(named: c.name) else { throw error }
                    try await store.setTargets(c.targets, for: created)
                    continue
                }
                let token = try await CredentialIssuer(store: store).issueBearerToken(for: channel)
                FileHandle.standardError.write(
                    Data("Created channel '\(c.name)' (/scim/v2/\(c.name)). Its bearer token, shown once:\n".utf8)
                )
                FileHandle.standardOutput.write(Data((token + "\n").utf8))
            }
            try await store.setTargets(c.targets, for: channel)
        }
    }
}
