internal import Hummingbird
internal import SCIM

/// The Slack emulator's test-control API: the SCIM emulator's endpoints but the rate limit (Slack's
/// tiers are configured), in Slack's JSON, errors rendered by `SlackMiddleware`; a seed may name
/// channels. `conformance/emulators/README.md` lists it.
struct SlackAdminRoutes: Sendable {
    let emulator: SlackEmulator

    func register(on router: Router<EmulatorRequestContext>) {
        let admin = AdminRouteBuilder(on: router) { SlackMiddleware.json($0, $1) }
        admin.state { emulator.state().json }
        admin.requests { .array(emulator.recordedRequests().map(\.json)) }
        admin.reset(emulator.reset)
        admin.resetCounters(emulator.resetCounters)
        admin.seed { body in
            let created = try emulator.seed(
                channels: AdminJSON.strings(body["channels"]),
                users: try AdminJSON.objects(body["users"], "users"),
                groups: try AdminJSON.objects(body["groups"], "groups")
            )
            return AdminJSON.created(users: created.users, groups: created.groups)
        }
        admin.faults(of: emulator)
        admin.faultRules(of: emulator)
    }
}
