import AsyncHTTPClient
import BridgeConfig
import Connectors
import Foundation
import Logging
import Membership
import Server
import ServiceLifecycle
import Store
import Sync

/// Builds one outbox worker per configured target (and its scheduled reconciliation), and points each
/// configured channel at its targets.
enum TargetServices {
    static func make(
        _ config: BridgeConfiguration, store: SQLiteStore, logger: Logger
    ) async throws -> [any Service] {
        var workers: [any Service] = []
        for (i, t) in config.targets.enumerated() {
            let sync = try groupCentricSync(t, index: i, store: store, logger: logger)
            workers.append(
                TargetWorker(
                    target: t.name, store: store, sync: sync, concurrency: t.concurrency, maxAttempts: t.maxAttempts,
                    logger: logger))
            if let period = t.reconcileEvery {
                let channels = config.channels.filter { $0.targets.contains(t.name) }.map(\.name)
                workers.append(ReconcileService(reconciler: Reconciler(sync: sync), channelNames: channels, period: period, logger: logger))
            }
        }
        return workers
    }

    /// The processor for one configured target; an error names the key of a kind or auth not available yet.
    static func groupCentricSync(_ t: TargetSettings, index i: Int, store: SQLiteStore, logger: Logger) throws -> GroupCentricSync {
        GroupCentricSync(
            target: t.name, store: store, connector: try connector(t, index: i),
            policy: Membership.CollisionPolicy(rawValue: t.onNameCollision.rawValue) ?? .fail,
            userRemoval: t.removeAction == .delete ? .delete : .disable, logger: logger)
    }

    /// The connector of one configured target, speaking the vendor's API through a rate-limited transport.
    static func connector(_ t: TargetSettings, index i: Int) throws -> any GroupCentricConnector {
        guard t.kind == .scim else {
            throw CLIError(
                "targets[\(i)].kind: '\(t.kind.rawValue)' connectors are not available yet in this version; only 'scim' is.")
        }
        return SCIMConnector(transport: try transport(t, index: i))
    }

    /// The HTTP transport of a target with a static credential (bearer or basic).
    static func transport(_ t: TargetSettings, index i: Int) throws -> HTTPTransport {
        let authorization: @Sendable () throws -> String
        switch t.auth {
        case .bearer(let secret):
            authorization = { "Bearer \(try secret.resolve())" }
        case .basic(let user, let password):
            authorization = { "Basic " + Data("\(user):\(try password.resolve())".utf8).base64EncodedString() }
        default:
            throw CLIError("targets[\(i)].auth: only bearer and basic authentication are available for kind '\(t.kind.rawValue)' yet.")
        }
        return HTTPTransport(
            client: HTTPClient.shared, baseURL: t.baseURL,
            bucket: TokenBucket(requestsPerMinute: t.rateLimit.requestsPerMinute, burst: t.rateLimit.burst),
            timeout: t.timeout, authorization: authorization)
    }

    /// Creates configured channels that do not exist yet (printing each new token once) and sets their targets.
    static func applyChannels(_ config: BridgeConfiguration, store: SQLiteStore) async throws {
        for c in config.channels {
            let channel: Channel
            if let existing = try await store.channel(named: c.name) {
                channel = existing
            } else {
                channel = try await store.createChannel(named: c.name)
                let token = try await CredentialIssuer(store: store).issueBearerToken(for: channel)
                FileHandle.standardError.write(Data("Created channel '\(c.name)' (/scim/v2/\(c.name)). Its bearer token, shown once:\n".utf8))
                FileHandle.standardOutput.write(Data((token + "\n").utf8))
            }
            try await store.setTargets(c.targets, for: channel)
        }
    }
}
