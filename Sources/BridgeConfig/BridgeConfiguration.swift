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

    package init(
        server: ServerSettings = ServerSettings(),
        channels: [ChannelSettings] = [],
        targets: [TargetSettings] = [],
        storage: StorageSettings = .sqlite
    ) {
        self.server = server
        self.channels = channels
        self.targets = targets
        self.storage = storage
    }

    /// The target called `name`, if any.
    package func target(named name: String) -> TargetSettings? { targets.first { $0.name == name } }

    /// The channel called `name`, if any.
    package func channel(named name: String) -> ChannelSettings? { channels.first { $0.name == name } }

    /// The targets a channel fans out to, in the channel's order.
    package func targets(of channel: ChannelSettings) -> [TargetSettings] { channel.targets.compactMap(target(named:)) }
}
