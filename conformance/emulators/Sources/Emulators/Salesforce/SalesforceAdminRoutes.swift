internal import Hummingbird
internal import SCIM

/// The test-control API of the Salesforce emulator under `/_emulator/` (no authentication: bind the
/// emulator to loopback). `conformance/emulators/README.md` lists each endpoint.
struct SalesforceAdminRoutes: Sendable {
    let emulator: SalesforceEmulator

    func register(on router: Router<EmulatorRequestContext>) {
        let admin = router.group(RouterPath(AdminRoutes.prefix))
        admin.get("state") { _, _ in SalesforceAPI.json(200, emulator.state().json) }
        admin.get("requests") { _, _ in
            SalesforceAPI.json(
                200,
                .array(
                    emulator.recordedRequests.map { r in
                        [
                            "method": .string(r.method), "path": .string(r.path),
                            "soql": r.soql.map(JSONValue.string) ?? .null, "body": r.body ?? .null,
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
            let ids = try emulator.seed(
                users: try AdminRoutes.objects(body["users"], "users"),
                groups: try AdminRoutes.objects(body["groups"], "groups"),
                permissionSets: try AdminRoutes.objects(body["permissionSets"], "permissionSets")
            )
            emulator.takeUsernames((body["takenUsernames"]?.arrayValue ?? []).compactMap(\.stringValue))
            return SalesforceAPI.json(
                201,
                .object(JSONObject(ids.sorted { $0.key < $1.key }.map { ($0.key, JSONValue.string($0.value)) }))
            )
        }
        admin.post("tokens/expire") { _, _ in
            emulator.expireAllTokens()
            return Response(status: .noContent)
        }
        admin.get("faults") { _, _ in SalesforceAPI.json(200, emulator.faults.json) }
        admin.put("faults") { request, _ in
            emulator.setFaults(try FaultPlan(json: try await AdminRoutes.json(request)))
            return SalesforceAPI.json(200, emulator.faults.json)
        }
        admin.delete("faults") { _, _ in
            emulator.setFaults(.none)
            return Response(status: .noContent)
        }
        admin.post("faults/rules") { request, _ in
            let rule = try FaultPlan.Rule(json: try await AdminRoutes.json(request))
            emulator.failNext(rule.count, method: rule.method, pathPrefix: rule.pathPrefix, with: rule.fault)
            return SalesforceAPI.json(201, emulator.faults.json)
        }
        admin.get("request-limit") { _, _ in SalesforceAPI.json(200, emulator.requestLimit?.json ?? .null) }
        admin.put("request-limit") { request, _ in
            emulator.setRequestLimit(try RateLimit(json: try await AdminRoutes.json(request)))
            return SalesforceAPI.json(200, emulator.requestLimit?.json ?? .null)
        }
        admin.delete("request-limit") { _, _ in
            emulator.setRequestLimit(nil)
            return Response(status: .noContent)
        }
    }
}
