public import Hummingbird
public import Store

/// The per-request context: Hummingbird's core storage plus the channel the request authenticated to.
public struct SCIMRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Set by the authentication middleware.
    public var channel: Channel?

    public init(source: Source) {
        self.coreContext = .init(source: source)
        self.channel = nil
    }
}
