import ArgumentParser
import BridgeConfig
import BridgeRuntime
import Connectors
import Foundation
import Membership
import SCIM
import Store

/// `scim-bridge mapping`: what a target receives for the canonical model.
struct MappingCommands: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mapping",
        abstract: "Show how a target's attribute mappings shape what it receives.",
        subcommands: [Preview.self]
    )

    /// `scim-bridge mapping preview --target NAME --user USERNAME`: the body the target would receive
    /// for one stored user, with each mapped attribute. Nothing is sent.
    struct Preview: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print what a target would receive for one stored user (nothing is sent)."
        )
        @Option(help: "Configuration file (YAML) that defines the target; see docs/configuration.md.") var config:
            String
        @Option(help: "The target's name in the configuration.") var target: String
        @Option(help: "The user's userName (case-insensitive), as the identity provider sent it.") var user: String
        @OptionGroup var store: StoreOptions

        func run() async throws {
            let file: BridgeConfiguration
            do { file = try ConfigurationLoader.load(file: config) } catch { throw CLIError("\(error)") }
            guard let index = file.targets.firstIndex(where: { $0.name == target }) else {
                throw CLIError(
                    "--target: no target named '\(target)' in \(config); it has: \(file.targets.map(\.name).joined(separator: ", "))."
                )
            }
            let settings = file.targets[index]
            let found = try await store.withStore(file) { s in
                try await Self.find(user, in: file, target: target, store: s)
            }
            guard let (channel, stored) = found else {
                throw CLIError("--user: no user named '\(user)' in the channels that fan out to target '\(target)'.")
            }
            // The connector is built as `serve` builds it, but never called: the preview is pure.
            let connector = try TargetServices.connector(settings, index: index, patience: nil)
            let directory = connector.userDirectory.mapped(settings.mapping)
            print("target \(settings.name) (\(settings.kind.rawValue)), user \(user) in channel \(channel)")
            if settings.mapping.isEmpty {
                print("mapping: none (the kind's default derivations)")
            } else {
                print("mapping:")
                for rule in settings.mapping.rules {
                    let value = rule.template.render(stored.attributes).map { JSONValue.string($0).serialized() }
                    print(
                        "  \(rule.path): \(rule.template.text) -> \(value ?? "(nothing: the attribute stays as it is)")"
                    )
                }
            }
            print(
                "match key: \(directory.matchKey(of: stored.attributes) ?? "(none: the target cannot match this user)")"
            )
            do {
                print(try directory.preview(of: stored.attributes).serialized(pretty: true, sortedKeys: true))
            } catch let error as TargetError {
                throw CLIError("the target would refuse this user: \(error)")
            }
        }

        /// The user of this `userName` in the first channel (in configuration order) that fans out to the target.
        static func find(_ userName: String, in file: BridgeConfiguration, target: String, store: any BridgeStore)
            async throws -> (String, StoredResource)?
        {
            guard let schema = SchemaRegistry.standard.resourceSchema(for: "User") else { return nil }
            let filter = try FilterResolver.resolve(
                "userName eq \(JSONValue.string(userName).serialized())",
                against: schema
            )
            for c in file.channels where c.targets.contains(target) {
                guard let channel = try await store.channel(named: c.name) else { continue }
                let found = try await store.query(.user, in: channel, ResourceQuery(filter: filter, count: 1))
                if let first = found.resources.first { return (c.name, first) }
            }
            return nil
        }
    }
}
