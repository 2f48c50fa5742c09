import Foundation
import Hummingbird
import Membership
import SCIM
import Store

// A target's page (its resources by state, blocked groups with the target's same-named group, failed
// changes) and what an administrator does from it: settle a collision, retry dead letters, resume a
// paused target, look at the plan and run a reconciliation now.
extension ConsoleRoutes {
    func targetPage(_ target: String, _ query: Parameters, csrf: String) async throws -> Response {
        var facts = try await targetFacts(target)
        facts["csrf"] = csrf
        facts["canReconcile"] = admin.operations != nil
        facts["blocked"] = try await blockedGroups(target, csrf: csrf)
        let failed = try await store.deadOutboxEntries(target: target, limit: 50).map { e -> [String: Any] in
            ["resource": e.resourceKey, "attempts": e.attempts, "error": e.lastError ?? ""]
        }
        if !failed.isEmpty { facts["failed"] = failed }
        facts.merge(try await resources(target, query)) { _, new in new }
        return page(target, "target", facts, csrf: csrf)
    }

    /// Each blocked group with its settle form and, read from the target, the same-named group there.
    func blockedGroups(_ target: String, csrf: String) async throws -> [[String: Any]] {
        var blocked: [[String: Any]] = []
        let statuses = try await store.resourceStatuses(target: target, state: .blocked, limit: 200)
        var knownUsers: [String: (Channel, String)]? = nil
        for s in statuses {
            guard let (kind, id) = Self.parseKey(s.resourceKey), kind == .group,
                let channel = try await store.channel(named: s.channel)
            else { continue }
            let name = try await store.get(.group, id: id, in: channel)?.attributes["displayName"]?.stringValue ?? id
            var entry: [String: Any] = [
                "target": target, "csrf": csrf, "id": id, "channel": s.channel, "displayName": name,
                "reason": s.detail ?? "", "merge": CollisionResolution.consequence(of: .merge),
                "overwrite": CollisionResolution.consequence(of: .overwrite),
            ]
            // The target is read for the first groups only: a page must not cost a call per blocked group.
            if let operations = admin.operations, blocked.count < 10 {
                do {
                    let found = try await operations.sameNamedGroups(target: target, displayName: name)
                    if knownUsers == nil { knownUsers = try await userNames(target) }
                    var groups: [[String: Any]] = []
                    for g in found {
                        var members: [[String: Any]] = []
                        for m in g.members.prefix(100) {
                            guard let (channel, id) = knownUsers?[m] else {
                                members.append(["id": m, "foreign": true])
                                continue
                            }
                            let userName = try await store.get(.user, id: id, in: channel)?.attributes["userName"]?
                                .stringValue
                            members.append([
                                "id": m, "name": userName ?? id, "href": "/admin/user/\(channel.name)/\(id)",
                            ])
                        }
                        groups.append([
                            "id": g.id, "displayName": g.displayName, "count": g.members.count,
                            "members": members, "more": g.members.count > 100,
                        ])
                    }
                    entry["onTarget"] = groups
                } catch {
                    entry["readError"] = "\(error)"
                }
            }
            blocked.append(entry)
        }
        return blocked
    }

    /// The target's ids of the users the bridge provisioned there, with where each is in the bridge.
    func userNames(_ target: String) async throws -> [String: (Channel, String)] {
        var known: [String: (Channel, String)] = [:]
        for m in try await store.mappings(target: target) where m.kind == .user {
            if let targetID = m.targetID { known[targetID] = (m.channel, m.canonicalID) }
        }
        return known
    }

    /// A page of the target's resources in one state, optionally only those a search names.
    func resources(_ target: String, _ query: Parameters) async throws -> [String: Any] {
        let state = query["state"].flatMap { ResourceSyncStatus.State(rawValue: String($0)) } ?? .failed
        let page = max(query["page"].flatMap { Int(String($0)) } ?? 1, 1)
        let search = query["q"].map(String.init)?.trimmingCharacters(in: .whitespaces) ?? ""
        var all = try await store.resourceStatuses(target: target, state: state, limit: .max)
        if !search.isEmpty {
            let keys = Set(try await find(search).map { "\(Self.path($0.kind)):\($0.id)" })
            all = all.filter { keys.contains($0.resourceKey) || $0.targetID == search }
        }
        let slice = all.dropFirst((page - 1) * Self.pageSize).prefix(Self.pageSize)
        var rows: [[String: Any]] = []
        for s in slice {
            guard let (kind, id) = Self.parseKey(s.resourceKey) else { continue }
            var name = id
            if let channel = try await store.channel(named: s.channel),
                let r = try await store.get(kind, id: id, in: channel)
            {
                name = r.attributes[kind == .user ? "userName" : "displayName"]?.stringValue ?? id
            }
            rows.append([
                "kind": Self.path(kind), "id": id, "channel": s.channel, "name": name,
                "targetID": s.targetID ?? "", "attempts": s.attempts, "note": s.lastError ?? s.detail ?? "",
            ])
        }
        let base = "/admin/target/\(Self.urlEncoded(target))?state=\(state.rawValue)&q=\(Self.urlEncoded(search))"
        var values: [String: Any] = [
            "tabs": ResourceSyncStatus.State.allCases.map { s -> [String: Any] in
                [
                    "state": s.rawValue, "current": s == state,
                    "href": "/admin/target/\(Self.urlEncoded(target))?state=\(s.rawValue)",
                ]
            },
            "stateShown": state.rawValue, "rows": rows, "total": all.count, "hasRows": !rows.isEmpty,
            "from": all.isEmpty ? 0 : (page - 1) * Self.pageSize + 1,
            "to": (page - 1) * Self.pageSize + rows.count,
        ]
        // An empty string would still open the template's `{{#search}}` section.
        if !search.isEmpty { values["search"] = search }
        if page > 1 { values["previous"] = "\(base)&page=\(page - 1)" }
        if page * Self.pageSize < all.count { values["next"] = "\(base)&page=\(page + 1)" }
        return values
    }

    func resolve(_ request: Request, _ context: SCIMRequestContext) async throws -> Response {
        let target = try context.parameters.require("target")
        guard let (_, form) = try await verified(request) else { return forbidden() }
        guard admin.targets.contains(target) else { return notFound(target, csrf: csrf(of: request)) }
        let back = "/admin/target/\(Self.urlEncoded(target))"
        guard let policy = form["policy"].flatMap(CollisionPolicy.init(rawValue:)) else {
            return message(
                "Choose merge or overwrite.",
                back: back,
                alert: true,
                status: .badRequest,
                csrf: csrf(of: request)
            )
        }
        do {
            let settled = try await CollisionResolution.resolve(
                store: store,
                target: target,
                group: form["group"] ?? "",
                policy: policy,
                acknowledged: form["acknowledge"] == "yes",
                by: "admin console"
            )
            return message(
                "\(settled.displayName) is set to \(policy.rawValue) on \(target); the target's worker applies it now.",
                back: back,
                alert: false,
                status: .ok,
                csrf: csrf(of: request)
            )
        } catch let refusal as CollisionResolution.Refusal {
            return message(refusal.description, back: back, alert: true, status: .badRequest, csrf: csrf(of: request))
        }
    }

    /// Puts the target's dead letters back in the queue.
    func retry(_ request: Request, _ context: SCIMRequestContext) async throws -> Response {
        let target = try context.parameters.require("target")
        guard try await verified(request) != nil else { return forbidden() }
        guard admin.targets.contains(target) else { return notFound(target, csrf: csrf(of: request)) }
        let n = try await store.retryDeadOutboxEntries(target: target)
        return message(
            n == 0
                ? "\(target) has no failed change to retry." : "\(n) failed change(s) of \(target) are queued again.",
            back: "/admin/target/\(Self.urlEncoded(target))",
            alert: false,
            status: .ok,
            csrf: csrf(of: request)
        )
    }

    /// Lets through what the brake on mass deprovisioning held back.
    func resume(_ request: Request, _ context: SCIMRequestContext) async throws -> Response {
        let target = try context.parameters.require("target")
        guard try await verified(request) != nil else { return forbidden() }
        guard admin.targets.contains(target) else { return notFound(target, csrf: csrf(of: request)) }
        let reason = try await store.targetState(target)?.pausedReason
        if reason != nil { try await store.recordResume(target: target, at: .now) }
        return message(
            reason == nil ? "\(target) is not paused." : "\(target) resumes; its worker goes on within a moment.",
            back: "/admin/target/\(Self.urlEncoded(target))",
            alert: false,
            status: .ok,
            csrf: csrf(of: request)
        )
    }

    /// The calls a reconciliation would make now, with the button that runs one.
    func planPage(_ target: String, csrf: String) async throws -> Response {
        guard let operations = admin.operations else {
            return message(
                "Plans are read by a running serve only.",
                back: "/admin/",
                alert: true,
                status: .notFound,
                csrf: csrf
            )
        }
        var values: [String: Any] = ["target": target, "csrf": csrf]
        do {
            let plan = try await operations.plan(target: target)
            values["calls"] = plan.calls.prefix(1000).map { ["line": $0] }
            values["count"] = plan.calls.count
            values["hasCalls"] = !plan.calls.isEmpty
            values["blocked"] = plan.blocked.map { ["line": $0] }
            values["hasBlocked"] = !plan.blocked.isEmpty
            values["more"] = plan.calls.count > 1000
        } catch {
            values["error"] = "\(error)"
        }
        return page("Plan for \(target)", "plan", values, csrf: csrf)
    }

    /// Starts a reconciliation pass now.
    func reconcile(_ request: Request, _ context: SCIMRequestContext) async throws -> Response {
        let target = try context.parameters.require("target")
        guard try await verified(request) != nil else { return forbidden() }
        guard admin.targets.contains(target), let operations = admin.operations else {
            return notFound(target, csrf: csrf(of: request))
        }
        let outcome = await operations.reconcileNow(target: target)
        return message(
            outcome,
            back: "/admin/target/\(Self.urlEncoded(target))",
            alert: false,
            status: .ok,
            csrf: csrf(of: request)
        )
    }

    /// `user:ID` or `group:ID` as a kind and an id.
    static func parseKey(_ key: String) -> (ResourceKind, String)? {
        guard let colon = key.firstIndex(of: ":") else { return nil }
        let id = String(key[key.index(after: colon)...])
        switch key[..<colon] {
        case "user": return (.user, id)
        case "group": return (.group, id)
        default: return nil
        }
    }

    static func urlEncoded(_ s: String) -> String {
        s.addingPercentEncoding(
            withAllowedCharacters: .urlQueryAllowed.subtracting(CharacterSet(charactersIn: "&=+#?"))
        )
            ?? s
    }
}
