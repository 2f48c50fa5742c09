import ArgumentParser
import BridgeConfig
import BridgeRuntime
import Connectors
import Foundation
import Logging
import Membership
import SCIM
import Store
import Sync

/// Options of the commands that act on one configured target.
struct TargetOptions: ParsableArguments {
    @Option(help: "Configuration file (YAML) that defines the target; see docs/configuration.md.") var config: String
    @Option(help: "The target's name in the configuration.") var target: String
    @OptionGroup var store: StoreOptions

    /// Runs `body` with the configured store, the target's reconciler and the channels that fan out to it.
    func withOpened<T>(_ body: (any BridgeStore, any TargetReconciler, [Channel]) async throws -> T) async throws -> T {
        let file: BridgeConfiguration
        do {
            file = try ConfigurationLoader.load(file: config)
        } catch {
            throw CLIError("\(error)")
        }
        guard let index = file.targets.firstIndex(where: { $0.name == target }) else {
            throw CLIError(
                "--target: no target named '\(target)' in \(config); it has: \(file.targets.map(\.name).joined(separator: ", "))."
            )
        }
        return try await store.withStore(file) { s in
            try await body(s, try reconciler(file, index, s), channels(file, s))
        }
    }

    /// The target's reconciler on store `s`.
    func reconciler(_ file: BridgeConfiguration, _ index: Int, _ s: any BridgeStore) throws -> any TargetReconciler {
        var logger = Logger(label: "scim-bridge")
        logger.logLevel = .warning
        let settings = file.targets[index]
        let reconciler: any TargetReconciler
        // Throttling and short outages are waited out (bounded), with a line on standard error.
        let patience = HTTPTransport.Patience(budget: .seconds(600)) { line in
            FileHandle.standardError.write(Data("waiting: \(line)\n".utf8))
        }
        // On PostgreSQL, calls are taken from the budget the serving replicas share.
        let connector = try TargetServices.connector(
            settings,
            index: index,
            bucket: TargetServices.bucket(settings, store: s),
            patience: patience
        )
        switch TargetServices.reconciler(settings, connector, store: s, logger: logger) {
        case .groupCentric(let r): reconciler = r
        case .userCentric(let r): reconciler = r
        }
        return reconciler
    }

    /// The channels of the configuration that fan out to the target, as the store knows them.
    func channels(_ file: BridgeConfiguration, _ s: any BridgeStore) async throws -> [Channel] {
        var channels: [Channel] = []
        for c in file.channels where c.targets.contains(target) {
            if let channel = try await s.channel(named: c.name) { channels.append(channel) }
        }
        return channels
    }
}

/// `scim-bridge plan --target NAME`: reads the target, diffs it against the canonical model and prints
/// the exact calls a sync would make. Nothing is changed.
struct Plan: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the calls that would bring a target in line (dry run)."
    )
    @OptionGroup var options: TargetOptions

    func run() async throws {
        try await options.withOpened { _, reconciler, channels in try await show(reconciler, channels) }
    }

    func show<R: TargetReconciler>(_ reconciler: R, _ channels: [Channel]) async throws {
        let (steps, blocked) = try await reconciler.plan(channels: channels)
        for b in blocked { print("blocked: \(b)") }
        if steps.isEmpty {
            print("Nothing to do: target '\(options.target)' matches the canonical model.")
        } else {
            print("\(steps.count) call(s) for target '\(options.target)':")
            for s in steps { print("  \(s)") }
        }
    }
}

/// `scim-bridge sync --target NAME`: executes the plan, with a progress bar on standard error.
struct SyncCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "Bring a target in line with the canonical model now."
    )
    @OptionGroup var options: TargetOptions

    func run() async throws {
        try await options.withOpened { s, reconciler, channels in
            // One pass of the target at a time, whoever runs it: serve's schedule, the console, sync.
            let ran = try await s.withReconciliationLock(target: options.target) {
                try await repair(reconciler, channels)
            }
            if !ran {
                throw CLIError(
                    "A reconciliation of target '\(options.target)' is running (serve's schedule or the console); try again when it ends."
                )
            }
        }
    }

    func repair<R: TargetReconciler>(_ reconciler: R, _ channels: [Channel]) async throws {
        let (steps, _) = try await reconciler.plan(channels: channels)
        guard !steps.isEmpty else {
            print("Nothing to do: target '\(options.target)' matches the canonical model.")
            try await settle(reconciler, channels)
            return
        }
        try await reconciler.execute(steps, channels: channels) { done, total in
            let width = 30
            let filled = width * done / max(total, 1)
            let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
            FileHandle.standardError.write(Data("\r[\(bar)] \(done)/\(total)".utf8))
        }
        FileHandle.standardError.write(Data("\n".utf8))
        print("Executed \(steps.count) call(s) on target '\(options.target)'.")
        try await settle(reconciler, channels)
    }

    /// After the whole plan ran: dead letters of what is now in sync are settled.
    func settle<R: TargetReconciler>(_ reconciler: R, _ channels: [Channel]) async throws {
        let settled = try await reconciler.settleDeadLetters(channels: channels)
        if settled > 0 { print("Settled \(settled) dead letter(s) of resources now in sync.") }
        try await reconciler.store.recordReconciled(target: options.target, at: TargetWorker.now())
    }
}

/// `scim-bridge status`: delivery state per target (outbox by state, blocked groups, dead letters).
struct Status: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show delivery status per target: pending, synced, blocked, failed."
    )
    @Option(help: "Configuration file (YAML) listing the targets.") var config: String
    @Option(help: "Only this target.") var target: String?
    @Option(
        help: ArgumentHelp(
            "List resources one per line, optionally only those in a state.",
            discussion: "States: failed, pending, blocked, synced, deprovisioned; 'all' lists every resource."
        )
    )
    var resources: String?
    @OptionGroup var store: StoreOptions

    func validate() throws {
        if let r = resources, r != "all", ResourceSyncStatus.State(rawValue: r) == nil {
            throw ValidationError(
                "--resources must be 'all' or one of: \(ResourceSyncStatus.State.allCases.map(\.rawValue).joined(separator: ", "))."
            )
        }
    }

    func run() async throws {
        let file: BridgeConfiguration
        // `status` reads the store only: a secret file it cannot read (being rotated, or readable by
        // the service's user alone) does not stop it; reporting that target's health is its job.
        do { file = try ConfigurationLoader.load(file: config, readFile: { _ in "not read by status" }) } catch {
            throw CLIError("\(error)")
        }
        try await store.withStore(file) { s in try await report(file, s) }
    }

    func report(_ file: BridgeConfiguration, _ s: any BridgeStore) async throws {
        for t in file.targets where target == nil || t.name == target {
            let counts = try await s.outboxCounts(target: t.name)
            let mappings = try await s.mappings(target: t.name)
            print("target \(t.name) (\(t.kind.rawValue), onNameCollision=\(t.onNameCollision.rawValue))")
            let state = try await s.targetState(t.name)
            print("  health: \(Self.health(state))")
            if let state, state.initialSyncRunning {
                print(
                    "  initial sync: in progress since \(state.initialSyncStarted.map(\.iso8601) ?? "?"), \(counts["pending"] ?? 0) change(s) pending"
                )
            }
            if let reconciled = state?.lastReconciled { print("  last reconciled: \(reconciled.iso8601)") }
            print(
                "  outbox: pending \(counts["pending"] ?? 0), delivered \(counts["done"] ?? 0), failed (dead) \(counts["dead"] ?? 0)"
                    + ((counts["settled"] ?? 0) > 0 ? ", settled by reconciliation \(counts["settled"] ?? 0)" : "")
            )
            print(
                "  synced: \(mappings.filter { $0.targetID != nil && $0.kind == .user }.count) user(s), \(mappings.filter { $0.targetID != nil && $0.kind == .group }.count) group(s)"
            )
            for m in mappings where m.origin == .blocked {
                if t.onNameCollision == .fail || GroupCentricPlanner.isSameNamedBlock(m.detail ?? "") {
                    print("  blocked: group \(m.canonicalID) in \(m.channel.name): \(m.detail ?? "")")
                } else {
                    // The stored reason speaks of the policy it was blocked under; say what happens now.
                    print(
                        "  blocked: group \(m.canonicalID) in \(m.channel.name) was blocked under onNameCollision 'fail'; "
                            + "now '\(t.onNameCollision.rawValue)': it is adopted at the next start of serve, reconciliation or sync"
                    )
                }
            }
            if t.onNameCollision == .fail, mappings.contains(where: { $0.origin == .blocked }) {
                print(
                    "  to adopt one blocked group alone: scim-bridge targets resolve \(t.name) --group DISPLAYNAME --policy merge|overwrite --acknowledge"
                )
            }
            for e in try await s.deadOutboxEntries(target: t.name, limit: 20) {
                print("  failed: \(e.resourceKey) after \(e.attempts) attempt(s): \(e.lastError ?? "")")
            }
            if let r = resources {
                for st in try await s.resourceStatuses(
                    target: t.name,
                    state: ResourceSyncStatus.State(rawValue: r),
                    limit: .max
                ) {
                    print("  " + Self.line(st))
                }
            }
        }
        for c in try await s.channels() {
            let groups = try await s.query(.group, in: c, ResourceQuery(count: 0)).totalResults
            if groups > 1000 {
                print(
                    "warning: channel \(c.name) has \(groups) groups, above PingOne's recommended maximum of 1,000 per rule"
                )
            }
        }
    }

    /// The target's health as its worker last recorded it.
    static func health(_ state: TargetState?) -> String {
        guard let state else { return "healthy (nothing recorded yet)" }
        switch state.health {
        case .healthy: return "healthy"
        case .unauthenticated:
            return
                "cannot authenticate since \(state.lastErrorAt.map(\.iso8601) ?? "?"): \(state.lastError ?? "") (changes wait and are retried)"
        case .failing: return "failing since \(state.lastErrorAt.map(\.iso8601) ?? "?"): \(state.lastError ?? "")"
        case .paused:
            return
                "paused since \(state.lastErrorAt.map(\.iso8601) ?? "?"): \(state.pausedReason ?? state.lastError ?? ""); "
                + "changes wait; after checking them, run `scim-bridge targets resume \(state.target)`"
        }
    }

    /// One resource: `pending   pingone/group:ID  3 change(s), 2 attempt(s), last error: …`.
    static func line(_ s: ResourceSyncStatus) -> String {
        var parts = [
            "\(s.state.rawValue.padding(toLength: 13, withPad: " ", startingAt: 0)) \(s.channel)/\(s.resourceKey)"
        ]
        if let t = s.targetID { parts.append("target id \(t)") }
        if let o = s.origin, o != .blocked, o != .deprovisioned { parts.append(o.rawValue) }
        if s.undelivered > 0 { parts.append("\(s.undelivered) change(s) undelivered") }
        if s.attempts > 0 { parts.append("\(s.attempts) attempt(s)") }
        if let e = s.lastError { parts.append("last error: \(e)") }
        if let d = s.detail { parts.append(d) }
        return parts.joined(separator: ", ")
    }
}
