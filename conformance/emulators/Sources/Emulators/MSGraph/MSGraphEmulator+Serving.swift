public import Hummingbird
internal import Synchronization

/// The Graph emulator as a servable target: the token endpoint, Graph under `/v1.0`, the admin API.
/// Paths start at the host, as Microsoft's do (`/{tenant}/oauth2/v2.0/token`, `/v1.0/users`).
extension MSGraphEmulator: EmulatedTarget {
    public var basePath: String { "" }

    public func setBaseURL(_ url: String) {
        box.withLock { $0.baseURL = url.hasSuffix("/") ? String(url.dropLast()) : url }
    }

    public func register(on router: Router<EmulatorRequestContext>) {
        MSGraphTokenEndpoint(emulator: self).register(on: router)
        MSGraphRoutes(emulator: self).register(on: router)
        MSGraphAdminRoutes(emulator: self).register(on: router)
    }
}
