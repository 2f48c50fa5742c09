internal import Hummingbird
internal import SCIM

/// The GitHub emulator's test-control API under `/_emulator/` (no authentication: bind to
/// loopback). The same endpoints as the SCIM emulator's, plus `requests` (what arrived) and
/// `group-patch-status` (204 or 200). `conformance/emulators/README.md` lists them.
struct GitHubEMUAdminRoutes: Sendable {
    let emulator: GitHubEMUEmulator

    func register(on router: Router<EmulatorRequestContext>) {
        let admin = router.group(RouterPath(AdminRoutes.prefix))
        admin.get("state") { _, _ in SCIMMessages.response(200, emulator.state().json) }
        admin.get("requests") { _, _ in SCIMMessages.response(200, .array(emulator.requests.map(\.json))) }
        admin.post("reset") { _, _ in
            emulator.reset()
            return Response(status: .noContent)
        }
        admin.post("counters/reset") { _, _ in
            emulator.resetCounters()
            return Response(status: .noContent)
        }
        admin.post("seed") { request, _ in
            let body = try await AdminRoutes.json(request)
            let created = try emulator.seed(
                users: try AdminRoutes.objects(body["users"], "users"),
                groups: try AdminRoutes.objects(body["groups"], "groups")
            )
            return SCIMMessages.response(
                201,
                [
                    "users": .array(created.users.map(JSONValue.object)),
                    "groups": .array(created.groups.map(JSONValue.object)),
                ]
            )
        }
        admin.get("faults") { _, _ in SCIMMessages.response(200, emulator.faults.json) }
        admin.put("faults") { request, _ in
            emulator.setFaults(try FaultPlan(json: try await AdminRoutes.json(request)))
            return SCIMMessages.response(200, emulator.faults.json)
        }
        admin.delete("faults") { _, _ in
            emulator.setFaults(.none)
            return Response(status: .noContent)
        }
        admin.post("faults/rules") { request, _ in
            emulator.addFaultRule(try FaultPlan.Rule(json: try await AdminRoutes.json(request)))
            return SCIMMessages.response(201, emulator.faults.json)
        }
        admin.get("rate-limit") { _, _ in SCIMMessages.response(200, emulator.rateLimit?.json ?? .null) }
        admin.put("rate-limit") { request, _ in
            emulator.setRateLimit(try RateLimit(json: try await AdminRoutes.json(request)))
            return SCIMMessages.response(200, emulator.rateLimit?.json ?? .null)
        }
        admin.delete("rate-limit") { _, _ in
            emulator.setRateLimit(nil)
            return Response(status: .noContent)
        }
        admin.put("group-patch-status") { request, _ in
            let body = try await AdminRoutes.json(request)
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
