/// The whole configuration file (`serve --config FILE`): server settings, storage, inbound channels and outbound targets.
/// Every key is documented in docs/configuration.md; `ConfigurationLoader` reads and validates it.
package struct BridgeConfiguration: Sendable, Hashable {
    /// The `server:` section.
    package var server: ServerSettings
    /// The `channels:` list, in file order.
    package var channels: [ChannelSettings]
    /// The `targets:` list, in file order.
    package var targets: [TargetSettings]
    /// The `storage:` key: SQLite in `server.dataDir` unless it names PostgreSQL.
    package var storage: StorageSettings
    /// `storage.outboxRetention`: how long a delivered (or settled) outbox entry is kept; nil (`off`)
    /// keeps every one.
    package var outboxRetention: Duration?

    /// Thirty days: a month of each resource's deliveries on the console, in a bounded outbox.
    package static let defaultOutboxRetention: Duration = .seconds(30 * 86_400)

    package init(
        server: ServerSettings = ServerSettings(),
        channels: [ChannelSettings] = [],
        targets: [TargetSettings] = [],
        storage: StorageSettings = .sqlite,
        outboxRetention: Duration? = BridgeConfiguration.defaultOutboxRetention
    ) {
        self.server = server
        self.channels = channels
        self.targets = targets
        self.storage = storage
        self.outboxRetention = outboxRetention
    }

    /// The target called `name`, if any.
    package func target(named name: String) -> TargetSettings? { targets.first { $0.name == name } }

    /// The channel called `name`, if any.
    package func channel(named name: String) -> ChannelSettings? { channels.first { $0.name == name } }

    /// The targets a channel fans out to, in the channel's order.
    package func targets(of channel: ChannelSettings) -> [TargetSettings] { channel.targets.compactMap(target(named:)) }
}
