internal import Hummingbird
internal import SCIM

/// The Slack emulator's test-control API under `/_emulator/` (no authentication: bind to loopback),
/// shaped like the generic emulator's; `conformance/emulators/README.md` lists it.
struct SlackAdminRoutes: Sendable {
    let emulator: SlackEmulator

    func register(on router: Router<EmulatorRequestContext>) {
        let admin = router.group(RouterPath(AdminRoutes.prefix))
        admin.get("state") { _, _ in SlackMiddleware.json(200, emulator.state().json) }
        admin.get("requests") { _, _ in
            SlackMiddleware.json(
                200,
                .array(
                    emulator.recordedRequests().map { r in
                        var o: JSONObject = ["method": .string(r.method), "path": .string(r.path)]
                        o["body"] = r.body ?? .null
                        o["status"] = r.status.map { .integer(Int64($0)) } ?? .null
                        return .object(o)
                    }
                )
            )
        }
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
            let channels = (body["channels"]?.arrayValue ?? []).compactMap(\.stringValue)
            let created = try emulator.seed(
                channels: channels,
                users: try AdminRoutes.objects(body["users"], "users"),
                groups: try AdminRoutes.objects(body["groups"], "groups")
            )
            return SlackMiddleware.json(
                201,
                [
                    "users": .array(created.users.map(JSONValue.object)),
                    "groups": .array(created.groups.map(JSONValue.object)),
                ]
            )
        }
        admin.get("faults") { _, _ in SlackMiddleware.json(200, emulator.faults.json) }
        admin.put("faults") { request, _ in
            emulator.setFaults(try FaultPlan(json: try await AdminRoutes.json(request)))
            return SlackMiddleware.json(200, emulator.faults.json)
        }
        admin.delete("faults") { _, _ in
            emulator.setFaults(.none)
            return Response(status: .noContent)
        }
        admin.post("faults/rules") { request, _ in
            emulator.addFaultRule(try FaultPlan.Rule(json: try await AdminRoutes.json(request)))
            return SlackMiddleware.json(201, emulator.faults.json)
        }
    }
}
