internal import Hummingbird
internal import SCIM

/// The Google emulator's test-control API: the shared endpoints in Google's JSON, errors rendered by
/// `GoogleMiddleware`, plus the quota, token lifetime and propagation delay.
/// `conformance/emulators/README.md` lists each endpoint.
struct GoogleAdminRoutes: Sendable {
    let emulator: GoogleEmulator

    func register(on router: Router<EmulatorRequestContext>) {
        let admin = AdminRouteBuilder(on: router, respond: GoogleRoutes.json)
        admin.state { emulator.state().json }
        admin.requests { .array(emulator.recordedRequests.map(\.json)) }
        admin.reset(emulator.reset)
        admin.seed { body in
            let created = try emulator.seed(
                users: try AdminJSON.objects(body["users"], "users"),
                groups: try AdminJSON.objects(body["groups"], "groups")
            )
            return AdminJSON.created(users: created.users, groups: created.groups)
        }
        admin.faults(of: emulator)
        admin.tokenLifetime(emulator.setTokenLifetime)
        admin.expireTokens(emulator.expireAllTokens)
        admin.routes.put("quota") { request, _ in
            let body = try await AdminJSON.body(of: request)
            emulator.setQuota(perMinute: body["requestsPerMinute"]?.integerValue.map { Int($0) })
            return Response(status: .noContent)
        }
        admin.routes.put("propagation-delay") { request, _ in
            let ms = try await AdminJSON.body(of: request)["milliseconds"]?.integerValue ?? 0
            emulator.setGroupPropagationDelay(.milliseconds(max(0, ms)))
            return Response(status: .noContent)
        }
    }
}
