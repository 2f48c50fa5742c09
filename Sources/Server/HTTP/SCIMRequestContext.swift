package import Hummingbird
package import Membership
package import Store

/// The per-request context: Hummingbird's core storage plus the channel the request authenticated to.
package struct SCIMRequestContext: RequestContext {
    package var coreContext: CoreRequestContextStorage
    /// Set by the authentication middleware.
    package var channel: Channel?
    /// The peer's IP address (the proxy's, behind one): what the console's sign-in throttle counts by.
    package var remoteAddress: String?

    package init(source: Source) {
        self.coreContext = .init(source: source)
        self.channel = nil
        self.remoteAddress = source.channel.remoteAddress?.ipAddress
    }
}
