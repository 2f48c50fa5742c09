internal import Hummingbird
internal import SCIM

/// The GitHub emulator's test-control API: the SCIM emulator's endpoints, plus `requests` (what
/// arrived) and `group-patch-status` (204 or 200). `conformance/emulators/README.md` lists them.
struct GitHubEMUAdminRoutes: Sendable {
    let emulator: GitHubEMUEmulator

    func register(on router: Router<EmulatorRequestContext>) {
        let admin = AdminRouteBuilder(on: router) { SCIMMessages.response($0, $1) }
        admin.state { emulator.state().json }
        admin.requests { .array(emulator.requests.map(\.json)) }
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
        admin.routes.put("group-patch-status") { request, _ in
            let body = try await AdminJSON.body(of: request)
            guard let status = body["status"]?.integerValue,
                let answer = GitHubEMUEmulator.GroupPatchAnswer(rawValue: Int(status))
            else {
                throw SCIMError.invalidValue(#"Send {"status": 204} or {"status": 200}."#)
            }
            emulator.setGroupPatchAnswer(answer)
            return SCIMMessages.response(200, ["status": .integer(Int64(answer.rawValue))])
        }
    }
}
