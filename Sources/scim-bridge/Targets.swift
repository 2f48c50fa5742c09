import ArgumentParser
import BridgeConfig
import Foundation
import SCIM
import Store

/// `scim-bridge targets`: acting on one target's delivery.
struct Targets: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Act on a target's delivery (resume a paused target).",
        subcommands: [Resume.self]
    )

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
            if let config {
                let file: BridgeConfiguration
                // Only the names are needed: secrets are not read.
                do { file = try ConfigurationLoader.load(file: config, readFile: { _ in "not read" }) } catch {
                    throw CLIError("\(error)")
                }
                guard file.targets.contains(where: { $0.name == name }) else {
                    throw CLIError(
                        "no target named '\(name)' in \(config); it has: \(file.targets.map(\.name).joined(separator: ", "))."
                    )
                }
            }
            let s = try EmbeddedStore.open(dataDir: store.dataDir, create: false)
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
