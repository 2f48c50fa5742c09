public import Hummingbird
internal import NIOCore

/// The per-request context of an emulator: Hummingbird's core storage plus the connection, which a
/// dropped-connection fault closes without answering.
public struct EmulatorRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    private let channel: any Channel

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }

    /// Closes the connection: the client sees EOF or a reset instead of a response.
    func dropConnection() async {
        try? await channel.close(mode: .all)
    }
}
