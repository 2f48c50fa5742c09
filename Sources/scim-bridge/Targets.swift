import ArgumentParser
import BridgeConfig
import Foundation
import Membership
import SCIM
import Store

/// `scim-bridge targets`: acting on one target's delivery.
struct Targets: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Act on a target's delivery (resume a paused target, settle a blocked group).",
        subcommands: [Resume.self, Resolve.self]
    )

    /// With `--config`, that the file names the target (only names are read, not secrets); returns
    /// the configuration, whose `storage:` names the store.
    @discardableResult
    static func checkExists(_ name: String, in config: String?) throws -> BridgeConfiguration? {
        guard let config else { return nil }
        let file: BridgeConfiguration
        do { file = try ConfigurationLoader.load(file: config, readFile: { _ in "not read" }) } catch {
            throw CLIError("\(error)")
        }
        guard file.targets.contains(where: { $0.name == name }) else {
            throw CLIError(
                "no target named '\(name)' in \(config); it has: \(file.targets.map(\.name).joined(separator: ", "))."
            )
        }
        return file
    }

    /// `scim-bridge targets resume NAME`: lets the changes a target's brake on mass deprovisioning
    /// (`safety.maxDeprovisions`) held back through, after an administrator has looked at them.
    struct Resume: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Resume a target paused by safety.maxDeprovisions; its held changes are delivered."
        )
        @Argument(help: "The target's name.") var name: String
        @Option(help: "Configuration file (YAML), to check that the target exists.") var config: String?
        @OptionGroup var store: StoreOptions

        func run() async throws {
            let file = try Targets.checkExists(name, in: config)
            try await store.withStore(file) { s in
                guard let reason = try await s.targetState(name)?.pausedReason else {
                    print("Target '\(name)' is not paused; nothing to resume.")
                    return
                }
                try await s.recordResume(target: name, at: .now)
                print("Resumed target '\(name)', which was paused: \(reason).")
                print("A running serve delivers its held changes within a second; the count starts again from zero.")
            }
        }
    }

    /// `scim-bridge targets resolve NAME --group DISPLAYNAME --policy merge|overwrite --acknowledge`:
    /// settles one group that a same-named group on the target blocked under `onNameCollision: fail`.
    struct Resolve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Adopt the target's same-named group for one blocked group (merge or overwrite).",
            discussion: """
                The target's onNameCollision stays the default for every other group. The choice is stored
                with who made it, written to the audit log, and applied by the target's worker (a running
                serve within a second, else at its next start).
                """
        )
        @Argument(help: "The target's name.") var name: String
        @Option(help: "The blocked group: its displayName or its id.") var group: String
        @Option(
            help: "merge (keep the target group's members and add the group's) or overwrite (make them the group's)."
        )
        var policy: CollisionPolicy
        @Flag(help: "I understand what the policy does to the target's group and want to continue.")
        var acknowledge = false
        @Option(help: "Configuration file (YAML), to check that the target exists.") var config: String?
        @OptionGroup var store: StoreOptions

        func run() async throws {
            let file = try Targets.checkExists(name, in: config)
            guard acknowledge else {
                throw CLIError(CollisionResolution.consequence(of: policy) + " Pass --acknowledge to continue.")
            }
            try await store.withStore(file) { s in try await resolve(in: s) }
        }

        func resolve(in s: any BridgeStore) async throws {
            let user = ProcessInfo.processInfo.environment["USER"] ?? "unknown"
            do {
                let settled = try await CollisionResolution.resolve(
                    store: s,
                    target: name,
                    group: group,
                    policy: policy,
                    acknowledged: acknowledge,
                    by: "targets resolve (user \(user))"
                )
                print(
                    "Group '\(settled.displayName)' (\(settled.id), channel \(settled.channel)) is set to \(policy.rawValue) on target '\(name)'."
                )
                print("A running serve applies it within a second; otherwise the next start of serve does.")
            } catch let refusal as CollisionResolution.Refusal {
                throw CLIError(refusal.description)
            }
        }
    }
}

extension CollisionPolicy: ExpressibleByArgument {}
