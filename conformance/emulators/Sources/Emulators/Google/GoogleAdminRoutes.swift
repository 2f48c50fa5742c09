internal import Hummingbird
internal import SCIM

/// The test-control API of the Google emulator under `/_emulator/` (no authentication: bind the
/// emulator to loopback). `conformance/emulators/README.md` lists each endpoint.
struct GoogleAdminRoutes: Sendable {
    let emulator: GoogleEmulator

    func register(on router: Router<EmulatorRequestContext>) {
        let admin = router.group(RouterPath(AdminRoutes.prefix))
        admin.get("state") { _, _ in GoogleRoutes.json(200, emulator.state().json) }
        admin.get("requests") { _, _ in
            GoogleRoutes.json(
                200,
                .array(
                    emulator.recordedRequests.map { r in
                        [
                            "method": .string(r.method), "path": .string(r.path),
                            "parameters": .array(r.parameters.map(JSONValue.string)),
                        ]
                    }
                )
            )
        }
        admin.post("reset") { _, _ in
            emulator.reset()
            return Response(status: .noContent)
        }
        admin.post("seed") { request, _ in
            let body = try await AdminRoutes.json(request)
            let created = try emulator.seed(
                users: try AdminRoutes.objects(body["users"], "users"),
                groups: try AdminRoutes.objects(body["groups"], "groups")
            )
            return GoogleRoutes.json(
                201,
                [
                    "users": .array(created.users.map(JSONValue.object)),
                    "groups": .array(created.groups.map(JSONValue.object)),
                ]
            )
        }
        admin.get("faults") { _, _ in GoogleRoutes.json(200, emulator.faults.json) }
        admin.put("faults") { request, _ in
            emulator.setFaults(try FaultPlan(json: try await AdminRoutes.json(request)))
            return GoogleRoutes.json(200, emulator.faults.json)
        }
        admin.delete("faults") { _, _ in
            emulator.setFaults(.none)
            return Response(status: .noContent)
        }
        admin.put("quota") { request, _ in
            let body = try await AdminRoutes.json(request)
            emulator.setQuota(perMinute: body["requestsPerMinute"]?.integerValue.map { Int($0) })
            return Response(status: .noContent)
        }
        admin.put("token-lifetime") { request, _ in
            guard let seconds = try await AdminRoutes.json(request)["seconds"]?.integerValue, seconds > 0 else {
                throw SCIMError.invalidValue("Send {\"seconds\": N} with N > 0.")
            }
            emulator.setTokenLifetime(.seconds(seconds))
            return Response(status: .noContent)
        }
        admin.post("tokens/expire") { _, _ in
            emulator.expireAllTokens()
            return Response(status: .noContent)
        }
        admin.put("propagation-delay") { request, _ in
            let ms = try await AdminRoutes.json(request)["milliseconds"]?.integerValue ?? 0
            emulator.setGroupPropagationDelay(.milliseconds(max(0, ms)))
            return Response(status: .noContent)
        }
    }
}
