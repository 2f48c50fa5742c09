public import Hummingbird

/// The generic SCIM emulator as a servable target: its middleware (auth, faults, rate limit), the
/// RFC 7644 routes under `/scim/v2` and the admin API.
extension SCIMEmulator: EmulatedTarget {
    public var basePath: String { Self.basePath }

    public func register(on router: Router<EmulatorRequestContext>) {
        router.add(middleware: SCIMEmulatorMiddleware(emulator: self))
        SCIMRoutes(emulator: self).register(on: router)
        SCIMAdminRoutes(emulator: self).register(on: router)
    }
}
