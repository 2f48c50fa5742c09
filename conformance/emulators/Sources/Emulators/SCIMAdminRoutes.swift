internal import Hummingbird
internal import SCIM

/// The SCIM emulator's test-control API: the shared endpoints with SCIM's media type, errors rendered
/// by `SCIMEmulatorMiddleware`. `conformance/emulators/README.md` lists each endpoint with its JSON.
struct SCIMAdminRoutes: Sendable {
    let emulator: SCIMEmulator

    func register(on router: Router<EmulatorRequestContext>) {
        let admin = AdminRouteBuilder(on: router) { SCIMMessages.response($0, $1) }
        admin.state { emulator.state().json }
        admin.reset(emulator.reset)
        admin.resetCounters(emulator.resetCounters)
        admin.seed { body in
            let created = try emulator.seed(
                users: try AdminJSON.objects(body["users"], "users"),
                groups: try AdminJSON.objects(body["groups"], "groups")
            )
            return AdminJSON.created(users: created.users, groups: created.groups)
        }
        admin.faults(of: emulator)
        admin.faultRules(of: emulator)
        admin.rateLimit(at: "rate-limit", get: { emulator.rateLimit }, set: emulator.setRateLimit)
    }
}
