public import Hummingbird

/// The Slack emulator as a servable target: its middleware, the SCIM v2 routes under `/scim/v2`
/// and the admin API.
extension SlackEmulator: EmulatedTarget {
    public var basePath: String { Self.basePath }

    public func register(on router: Router<EmulatorRequestContext>) {
        router.add(middleware: SlackMiddleware(emulator: self))
        SlackRoutes(emulator: self).register(on: router)
        SlackAdminRoutes(emulator: self).register(on: router)
    }
}
