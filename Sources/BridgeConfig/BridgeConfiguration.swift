/// The whole configuration file (`serve --config FILE`): server settings, inbound channels and outbound targets.
/// Every key is documented in docs/configuration.md; `ConfigurationLoader` reads and validates it.
public struct BridgeConfiguration: Sendable, Hashable {
    /// The `server:` section.
    public var server: ServerSettings
    /// The `channels:` list, in file order.
    public var channels: [ChannelSettings]
    /// The `targets:` list, in file order.
    public var targets: [TargetSettings]

    public init(
        server: ServerSettings = ServerSettings(),
        channels: [ChannelSettings] = [],
        targets: [TargetSettings] = []
    ) {
        self.server = server
        self.channels = channels
        self.targets = targets
    }

    /// The target called `name`, if any.
    public func target(named name: String) -> TargetSettings? { targets.first { $0.name == name } }

    /// The channel called `name`, if any.
    public func channel(named name: String) -> ChannelSettings? { channels.first { $0.name == name } }

    /// The targets a channel fans out to, in the channel's order.
    public func targets(of channel: ChannelSettings) -> [TargetSettings] { channel.targets.compactMap(target(named:)) }
}
