internal import Hummingbird
internal import SCIM

/// The Graph emulator's test-control API: the shared endpoints in Graph's JSON, with failures
/// answered here (no middleware renders them), plus the throttle's limits and the replication delay.
/// `conformance/emulators/README.md` lists each endpoint.
struct MSGraphAdminRoutes: Sendable {
    let emulator: MSGraphEmulator

    func register(on router: Router<EmulatorRequestContext>) {
        let admin = AdminRouteBuilder(on: router, respond: Self.json) { body in await Self.guarded(body) }
        admin.state { emulator.state().json }
        admin.requests { .array(emulator.recordedRequests.map(\.json)) }
        admin.reset(emulator.reset)
        admin.seed { body in
            let created = try emulator.seed(
                users: try AdminJSON.objects(body["users"], "users"),
                groups: try AdminJSON.objects(body["groups"], "groups")
            )
            return [
                "users": .array(created.users.map(JSONValue.string)),
                "groups": .array(created.groups.map(JSONValue.string)),
            ]
        }
        admin.faults(of: emulator)
        admin.faultRules(of: emulator)
        admin.tokenLifetime(emulator.setTokenLifetime)
        admin.expireTokens(emulator.expireAllTokens)
        // Unguarded, as before: a body that is not JSON fails these with 500.
        admin.routes.put("limits") { request, _ in
            let body = try await AdminJSON.body(of: request)
            emulator.setLimits(
                writesPerWindow: body["writesPerWindow"]?.integerValue.map { Int($0) },
                writeWindow: .seconds(body["writeWindowSeconds"]?.integerValue ?? 150),
                resourceUnitsPerWindow: body["resourceUnitsPerWindow"]?.integerValue.map { Int($0) }
            )
            return Response(status: .noContent)
        }
        admin.routes.put("replication-delay") { request, _ in
            let ms = try await AdminJSON.body(of: request)["milliseconds"]?.integerValue ?? 0
            emulator.setReplicationDelay(.milliseconds(max(0, ms)))
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
