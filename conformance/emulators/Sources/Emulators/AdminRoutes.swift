internal import Hummingbird
internal import NIOCore
internal import SCIM

/// The test-control API under `/_emulator/` (no authentication: bind the emulator to loopback).
/// `conformance/emulators/README.md` lists each endpoint with its JSON.
struct AdminRoutes: Sendable {
    static let prefix = "_emulator"
    let emulator: SCIMEmulator

    func register(on router: Router<EmulatorRequestContext>) {
        let admin = router.group(RouterPath(Self.prefix))
        admin.get("state") { _, _ in SCIMMessages.response(200, emulator.state().json) }
        admin.post("reset") { _, _ in
            emulator.reset()
            return Response(status: .noContent)
        }
        admin.post("counters/reset") { _, _ in
            emulator.resetCounters()
            return Response(status: .noContent)
        }
        admin.post("seed") { request, _ in
            let body = try await Self.json(request)
            let users = try Self.objects(body["users"], "users")
            let groups = try Self.objects(body["groups"], "groups")
            let created = try emulator.seed(users: users, groups: groups)
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
            emulator.setFaults(try FaultPlan(json: try await Self.json(request)))
            return SCIMMessages.response(200, emulator.faults.json)
        }
        admin.delete("faults") { _, _ in
            emulator.setFaults(FaultPlan.none)
            return Response(status: .noContent)
        }
        admin.post("faults/rules") { request, _ in
            emulator.addFaultRule(try FaultPlan.Rule(json: try await Self.json(request)))
            return SCIMMessages.response(201, emulator.faults.json)
        }
        admin.get("rate-limit") { _, _ in SCIMMessages.response(200, emulator.rateLimit?.json ?? .null) }
        admin.put("rate-limit") { request, _ in
            emulator.setRateLimit(try RateLimit(json: try await Self.json(request)))
            return SCIMMessages.response(200, emulator.rateLimit?.json ?? .null)
        }
        admin.delete("rate-limit") { _, _ in
            emulator.setRateLimit(nil)
            return Response(status: .noContent)
        }
    }

    /// The body as JSON whatever its Content-Type (`curl -d` sends a form type); empty is `{}`.
    static func json(_ request: Request) async throws -> JSONValue {
        let buffer = try await request.body.collect(upTo: SCIMMessages.bodyLimit)
        guard buffer.readableBytes > 0 else { return .object(JSONObject()) }
        do {
            return try JSONParser.parse(buffer.readableBytesView)
        } catch {
            throw SCIMError.invalidSyntax("The request body is not valid JSON: \(error).")
        }
    }

    static func objects(_ value: JSONValue?, _ name: String) throws(SCIMError) -> [JSONObject] {
        guard let value, !value.isNull else { return [] }
        guard let array = value.arrayValue else { throw .invalidValue("'\(name)' must be an array of resources.") }
        var out: [JSONObject] = []
        for element in array {
            guard let o = element.objectValue else { throw .invalidValue("Each of '\(name)' must be a JSON object.") }
            out.append(o)
        }
        return out
    }
}
