import Hummingbird
import Membership
import SCIM
import Store

/// The JSON admin API: delivery status per target and per resource, the audit log, requeueing of
/// dead letters, resuming a target its brake on mass deprovisioning paused, and settling a group a
/// same-named group on a target blocked. Read by operators and monitoring; the same facts `scim-bridge status` prints.
struct AdminRoutes {
    let store: any SyncStore
    let targets: [String]

    /// PingOne's recommended maximum of groups per provisioning rule; above it, status warns.
    static let groupWarningThreshold = 1000

    func register(on group: RouterGroup<SCIMRequestContext>) {
        group.get("status") { _, _ in try await status() }
        group.get("targets/:target/resources") { request, context in
            let target = try known(context)
            let q = request.uri.queryParameters
            var state: ResourceSyncStatus.State? = nil
            if let s = q["state"].map(String.init) {
                guard let parsed = ResourceSyncStatus.State(rawValue: s) else {
                    let allowed = ResourceSyncStatus.State.allCases.map(\.rawValue).joined(separator: ", ")
                    throw SCIMError.badRequest("Query parameter 'state' must be one of: \(allowed).")
                }
                state = parsed
            }
            var limit = 1000
            if let c = q["count"].map(String.init) {
                guard let n = Int(c), n >= 0 else {
                    throw SCIMError.badRequest("Query parameter 'count' must be a non-negative integer.")
                }
                limit = min(n, 10_000)
            }
            let list = try await store.resourceStatuses(target: target, state: state, limit: limit)
            return Response.scim(.ok, ["target": .string(target), "resources": .array(list.map(\.adminJSON))])
        }
        group.get("targets/:target/audit") { _, context in
            let target = try known(context)
            let entries = try await store.auditEntries(target: target)
            return Response.scim(
                .ok,
                [
                    "target": .string(target),
                    "entries": .array(entries.map(\.adminJSON)),
                ]
            )
        }
        group.post("targets/:target/retry") { _, context in
            let target = try known(context)
            let n = try await store.retryDeadOutboxEntries(target: target)
            return Response.scim(.ok, ["target": .string(target), "requeued": .integer(Int64(n))])
        }
        // An administrator looked at what the brake held back and lets it through; the worker
        // notices within a moment. Resuming a target that is not paused changes nothing.
        group.post("targets/:target/resolve") { request, context in try await resolve(request, context) }
        group.post("targets/:target/resume") { _, context in
            let target = try known(context)
            let reason = try await store.targetState(target)?.pausedReason
            if reason != nil { try await store.recordResume(target: target, at: .now) }
            var o: JSONObject = ["target": .string(target), "resumed": .bool(reason != nil)]
            if let reason { o["pausedFor"] = .string(reason) }
            return Response.scim(.ok, JSONValue.object(o))
        }
    }

    /// `POST /admin/targets/{name}/resolve` with `{"group": …, "policy": "merge"|"overwrite",
    /// "acknowledge": true}`: the administrator's choice for one blocked group.
    func resolve(_ request: Request, _ context: SCIMRequestContext) async throws -> Response {
        let target = try known(context)
        let usage = #"Send {"group": "<displayName or id>", "policy": "merge" or "overwrite", "acknowledge": true}."#
        let bytes = try await request.body.collect(upTo: 64 << 10)
        guard let body = try? JSONParser.parse(bytes.readableBytesView), body.objectValue != nil else {
            throw SCIMError.invalidSyntax("The body is not a JSON object. \(usage)")
        }
        guard let group = body["group"]?.stringValue, !group.isEmpty else {
            throw SCIMError.badRequest("'group' is missing. \(usage)")
        }
        guard let policy = body["policy"]?.stringValue.flatMap(CollisionPolicy.init(rawValue:)) else {
            throw SCIMError.badRequest("'policy' must be \"merge\" or \"overwrite\". \(usage)")
        }
        do {
            let settled = try await CollisionResolution.resolve(
                store: store,
                target: target,
                group: group,
                policy: policy,
                acknowledged: body["acknowledge"]?.boolValue == true,
                by: "admin API"
            )
            return Response.scim(
                .ok,
                [
                    "target": .string(target), "channel": .string(settled.channel), "group": .string(settled.id),
                    "displayName": .string(settled.displayName), "policy": .string(settled.policy.rawValue),
                ]
            )
        } catch let refusal as CollisionResolution.Refusal {
            throw SCIMError.badRequest(refusal.description)
        }
    }

    func known(_ context: SCIMRequestContext) throws -> String {
        let name = try context.parameters.require("target")
        guard targets.contains(name) else {
            throw SCIMError.notFound(
                "There is no target named '\(name)'; configured targets: \(targets.joined(separator: ", "))."
            )
        }
        return name
    }

    func status() async throws -> Response {
        var list: [JSONValue] = []
        for t in targets {
            let counts = try await store.outboxCounts(target: t)
            let resources = try await store.resourceStatuses(target: t, state: nil, limit: .max)
            var byState: JSONObject = [:]
            for s in ResourceSyncStatus.State.allCases {
                byState[s.rawValue] = .integer(Int64(resources.filter { $0.state == s }.count))
            }
            var entry: JSONObject = [
                "name": .string(t),
                "outbox": [
                    "pending": .integer(Int64(counts["pending"] ?? 0)),
                    "delivered": .integer(Int64(counts["done"] ?? 0)),
                    "dead": .integer(Int64(counts["dead"] ?? 0)), "settled": .integer(Int64(counts["settled"] ?? 0)),
                ],
                "resources": .object(byState),
            ]
            let state = try await store.targetState(t)
            var health: JSONObject = ["state": .string((state?.health ?? .healthy).rawValue)]
            if let e = state?.lastError { health["lastError"] = .string(e) }
            if let at = state?.lastErrorAt { health["lastErrorAt"] = .string(at.iso8601) }
            if let reason = state?.pausedReason { health["pausedReason"] = .string(reason) }
            entry["health"] = .object(health)
            if let state {
                entry["initialSync"] = .string(
                    state.initialSyncRunning ? "running" : state.initialSyncFinished != nil ? "finished" : "none"
                )
                if let at = state.lastReconciled { entry["lastReconciled"] = .string(at.iso8601) }
            }
            list.append(.object(entry))
        }
        var channels: [JSONValue] = []
        let lastRequests = try await store.lastRequests()
        for c in try await store.channels() {
            let groups = try await store.query(.group, in: c, ResourceQuery(count: 0)).totalResults
            var o: JSONObject = ["name": .string(c.name), "groups": .integer(Int64(groups))]
            if let at = lastRequests[c.name] { o["lastRequest"] = .string(at.iso8601) }
            if groups > Self.groupWarningThreshold {
                o["warning"] = .string(
                    "\(groups) groups: above PingOne's recommended maximum of \(Self.groupWarningThreshold) groups per provisioning rule"
                )
            }
            channels.append(.object(o))
        }
        return Response.scim(.ok, ["targets": .array(list), "channels": .array(channels)])
    }
}
