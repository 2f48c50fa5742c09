import Hummingbird
import Membership
import SCIM
import Store

// One user's or group's page: where it is on each target, its memberships, and its trail: each
// inbound change queued for a target and the calls the bridge made for it there.
extension ConsoleRoutes {
    func resourcePage(_ kind: ResourceKind, channel name: String, id: String, csrf: String) async throws -> Response {
        guard let channel = try await store.channel(named: name),
            let resource = try await store.get(kind, id: id, in: channel)
        else {
            return message(
                "There is no \(Self.path(kind)) \(id) in channel \(name).",
                back: "/admin/",
                alert: true,
                status: .notFound,
                csrf: csrf
            )
        }
        let nameKey = kind == .user ? "userName" : "displayName"
        let title = resource.attributes[nameKey]?.stringValue ?? id
        let key = "\(Self.path(kind)):\(id)"
        var targets: [[String: Any]] = []
        // Sorted by time below; the instant is kept beside the text for that.
        var trail: [(at: SCIMDateTime, row: [String: Any])] = []
        for target in admin.targets {
            let m = try await store.mapping(target: target, channel: channel, kind: kind, canonicalID: id)
            let history = try await store.outboxHistory(target: target, channel: channel, resourceKey: key, limit: 100)
            let latest = history.first
            targets.append([
                "target": target, "state": m.map { Self.words($0.origin) } ?? "not on the target (yet)",
                "targetID": m?.targetID ?? "", "detail": m?.detail ?? "",
                "lastChange": latest.map { "\($0.event.type) (\($0.state.rawValue))" } ?? "",
                "lastError": history.first(where: { $0.lastError != nil })?.lastError ?? "",
            ])
            for e in history {
                let at = e.created ?? .now
                trail.append(
                    (
                        at,
                        [
                            "time": at.iso8601, "target": target, "direction": "inbound change",
                            "action": "\(e.event.type): \(e.state.rawValue)",
                            "detail": e.lastError.map { "after \(e.attempts) attempt(s): \($0)" } ?? "",
                        ]
                    )
                )
            }
        }
        for e in try await store.auditLog(AuditQuery(resourceKey: key, limit: 200)) {
            trail.append(
                (
                    e.time,
                    [
                        "time": e.time.iso8601, "target": e.target, "direction": "call to the target",
                        "action": e.action, "detail": e.detail.serialized(),
                    ]
                )
            )
        }
        trail.sort { ($0.at.seconds, $0.at.nanoseconds) > ($1.at.seconds, $1.at.nanoseconds) }
        let related =
            kind == .user
            ? try await store.groups(ofMember: id, in: channel) : try await store.members(ofGroup: id, in: channel)
        let memberships = related.prefix(500).map { r -> [String: Any] in
            ["kind": Self.path(r.kind), "channel": name, "id": r.id, "name": r.display ?? r.id]
        }
        return page(
            title,
            "resource",
            [
                "kind": Self.path(kind), "id": id, "channel": name, "targets": targets,
                "trail": trail.prefix(300).map(\.row), "hasTrail": !trail.isEmpty, "memberships": memberships,
                "membershipTitle": kind == .user ? "Groups" : "Members",
                "auditHref": "/admin/audit?resource=\(Self.urlEncoded(key))",
            ],
            csrf: csrf
        )
    }

    /// A mapping's origin in the words of the resources' states (`synced`, `pending`, …), with how.
    static func words(_ origin: MappingOrigin) -> String {
        switch origin {
        case .created: "synced (created by the bridge)"
        case .adoptedMerge: "synced (adopted by merge)"
        case .adoptedOverwrite: "synced (adopted by overwrite)"
        case .blocked: "blocked"
        case .creating: "pending (being created)"
        case .deprovisioned: "deprovisioned"
        }
    }
}
