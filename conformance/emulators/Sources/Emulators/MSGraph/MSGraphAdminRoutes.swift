internal import Hummingbird
internal import SCIM

/// The test-control API of the Graph emulator under `/_emulator/` (no authentication: bind the
/// emulator to loopback). `conformance/emulators/README.md` lists each endpoint.
struct MSGraphAdminRoutes: Sendable {
    let emulator: MSGraphEmulator

    func register(on router: Router<EmulatorRequestContext>) {
        let admin = router.group(RouterPath(AdminRoutes.prefix))
        admin.get("state") { _, _ in Self.json(200, emulator.state().json) }
        admin.get("requests") { _, _ in Self.json(200, .array(emulator.recordedRequests.map(\.json))) }
        admin.post("reset") { _, _ in
            emulator.reset()
            return Response(status: .noContent)
        }
        admin.post("seed") { request, _ in
            await Self.guarded {
                let body = try await AdminRoutes.json(request)
                let created = try emulator.seed(
                    users: try AdminRoutes.objects(body["users"], "users"),
                    groups: try AdminRoutes.objects(body["groups"], "groups")
                )
                return Self.json(
                    201,
                    [
                        "users": .array(created.users.map(JSONValue.string)),
                        "groups": .array(created.groups.map(JSONValue.string)),
                    ]
                )
            }
        }
        admin.get("faults") { _, _ in Self.json(200, emulator.faults.json) }
        admin.put("faults") { request, _ in
            await Self.guarded {
                emulator.setFaults(try FaultPlan(json: try await AdminRoutes.json(request)))
                return Self.json(200, emulator.faults.json)
            }
        }
        admin.delete("faults") { _, _ in
            emulator.setFaults(.none)
            return Response(status: .noContent)
        }
        admin.post("faults/rules") { request, _ in
            await Self.guarded {
                emulator.addFaultRule(try FaultPlan.Rule(json: try await AdminRoutes.json(request)))
                return Self.json(201, emulator.faults.json)
            }
        }
        admin.put("limits") { request, _ in
            let body = try await AdminRoutes.json(request)
            emulator.setLimits(
                writesPerWindow: body["writesPerWindow"]?.integerValue.map { Int($0) },
                writeWindow: .seconds(body["writeWindowSeconds"]?.integerValue ?? 150),
                resourceUnitsPerWindow: body["resourceUnitsPerWindow"]?.integerValue.map { Int($0) }
            )
            return Response(status: .noContent)
        }
        admin.put("replication-delay") { request, _ in
            let ms = try await AdminRoutes.json(request)["milliseconds"]?.integerValue ?? 0
            emulator.setReplicationDelay(.milliseconds(max(0, ms)))
            return Response(status: .noContent)
        }
        admin.put("token-lifetime") { request, _ in
            await Self.guarded {
                guard let seconds = try await AdminRoutes.json(request)["seconds"]?.integerValue, seconds > 0 else {
                    throw SCIMError.invalidValue("Send {\"seconds\": N} with N > 0.")
                }
                emulator.setTokenLifetime(.seconds(seconds))
                return Response(status: .noContent)
            }
        }
        admin.post("tokens/expire") { _, _ in
            emulator.expireAllTokens()
            return Response(status: .noContent)
        }
    }

    /// The response of `body`, or its failure as 400 (or the Graph error's status) with a message.
    static func guarded(_ body: () async throws -> Response) async -> Response {
        do {
            return try await body()
        } catch let error as MSGraphError {
            return json(error.status, ["error": ["code": .string(error.code), "message": .string(error.message)]])
        } catch let error as SCIMError {
            return json(error.status, ["error": ["code": "BadRequest", "message": .string(error.detail)]])
        } catch {
            return json(400, ["error": ["code": "BadRequest", "message": .string("\(error)")]])
        }
    }

    static func json(_ status: Int, _ value: JSONValue) -> Response {
        MSGraphRoutes.response(MSGraphResponse(status: status, body: value))
    }
}
