internal import Hummingbird
internal import SCIM

/// The Salesforce emulator's test-control API: the shared endpoints in Salesforce's JSON, errors
/// rendered by `SalesforceAPI`; a seed also takes permission sets and taken usernames, and the
/// request allocation is `request-limit`. `conformance/emulators/README.md` lists each endpoint.
struct SalesforceAdminRoutes: Sendable {
    let emulator: SalesforceEmulator

    func register(on router: Router<EmulatorRequestContext>) {
        let admin = AdminRouteBuilder(on: router, respond: SalesforceAPI.json)
        admin.state { emulator.state().json }
        admin.requests { .array(emulator.recordedRequests.map(\.json)) }
        admin.reset(emulator.reset)
        admin.seed { body in
            let ids = try emulator.seed(
                users: try AdminJSON.objects(body["users"], "users"),
                groups: try AdminJSON.objects(body["groups"], "groups"),
                permissionSets: try AdminJSON.objects(body["permissionSets"], "permissionSets")
            )
            emulator.takeUsernames(AdminJSON.strings(body["takenUsernames"]))
            return .object(JSONObject(ids.sorted { $0.key < $1.key }.map { ($0.key, JSONValue.string($0.value)) }))
        }
        admin.expireTokens(emulator.expireAllTokens)
        admin.faults(of: emulator)
        admin.faultRules(of: emulator)
        admin.rateLimit(at: "request-limit", get: { emulator.requestLimit }, set: emulator.setRequestLimit)
    }
}
