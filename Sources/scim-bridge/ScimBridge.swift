import ArgumentParser

/// The `scim-bridge` command line: `serve` runs the bridge, `channels` manages inbound endpoints.
@main
struct ScimBridge: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scim-bridge",
        abstract: "A SCIM 2.0 bridge: identity providers push users and groups in, SaaS apps receive them.",
        subcommands: [
            Serve.self, Channels.self, Plan.self, SyncCommand.self, Status.self, Doctor.self, MappingCommands.self,
            Targets.self, Migrate.self, StoreCommand.self,
        ]
    )
}

/// Options shared by every command that opens the embedded store.
struct StoreOptions: ParsableArguments {
    static let defaultDataDir = "./data"
    @Option(name: .long, help: "Folder holding the bridge's SQLite database (created if missing).")
    var dataDir: String = StoreOptions.defaultDataDir
}
