public import Hummingbird

/// The GitHub emulator as a servable target: its middleware (recording, faults, rate limit, auth,
/// enterprise slug), the SCIM routes under `/scim/v2/enterprises/<slug>` and the admin API.
extension GitHubEMUEmulator: EmulatedTarget {
    public func register(on router: Router<EmulatorRequestContext>) {
        router.add(middleware: GitHubEMUMiddleware(emulator: self))
        GitHubEMURoutes(emulator: self).register(on: router)
        GitHubEMUAdminRoutes(emulator: self).register(on: router)
    }
}
