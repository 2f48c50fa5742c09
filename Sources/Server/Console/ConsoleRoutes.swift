import Foundation
import HTTPTypes
import Hummingbird
import Membership
import Mustache
import SCIM
import Store

/// The admin console: server-rendered pages under `/admin/` for a browser, signed in with the admin
/// token once and then held by a session cookie (`HttpOnly`, `SameSite=Strict`, `Secure` over TLS).
/// Every state-changing form carries the session's CSRF token. The JSON admin API beside it keeps its
/// bearer token.
struct ConsoleRoutes {
    static let cookie = "scim_bridge_console"

    let store: any SyncStore
    let admin: AdminConfiguration
    let sessions: ConsoleSessions
    /// Served over TLS: the cookie is `Secure`.
    let secure: Bool

    func register(on router: Router<SCIMRequestContext>) {
        let open = router.group("admin")
        open.get("sign-in") { _, _ in page("Sign in", "sign-in", [:], csrf: nil) }
        open.post("sign-in") { request, _ in try await signIn(request) }
        open.get("console.css") { _, _ in
            Response(
                status: .ok,
                headers: [.contentType: "text/css; charset=utf-8", .cacheControl: "max-age=300"],
                body: .init(byteBuffer: ByteBuffer(string: ConsoleTemplates.css))
            )
        }
        let signed = router.group("admin").add(middleware: ConsoleSessionMiddleware(sessions: sessions))
        signed.get("") { request, _ in try await overview(csrf: csrf(of: request)) }
        signed.post("sign-out") { request, _ in try await signOut(request) }
        signed.get("target/:target") { request, context in
            let target = try context.parameters.require("target")
            guard admin.targets.contains(target) else { return notFound(target, csrf: csrf(of: request)) }
            return try await targetPage(target, csrf: csrf(of: request))
        }
        signed.post("target/:target/resolve") { request, context in try await resolve(request, context) }
        signed.get("search") { request, _ in
            try await search(request.uri.queryParameters["q"].map(String.init) ?? "", csrf: csrf(of: request))
        }
        for kind in ResourceKind.allCases {
            signed.get("\(Self.path(kind))/:channel/:id") { request, context in
                try await resourcePage(
                    kind,
                    channel: try context.parameters.require("channel"),
                    id: try context.parameters.require("id"),
                    csrf: csrf(of: request)
                )
            }
        }
    }

    // MARK: - Sign-in

    func signIn(_ request: Request) async throws -> Response {
        let form = FormBody(String(buffer: try await request.body.collect(upTo: 16 << 10)))
        let presented = Secrets.hash(form["token"] ?? "", salt: [])
        guard Secrets.constantTimeEquals(presented, Secrets.hash(admin.token, salt: [])) else {
            var r = page("Sign in", "sign-in", ["error": "That is not the admin token (server.adminToken)."], csrf: nil)
            r.status = .unauthorized
            return r
        }
        let (id, _) = sessions.open()
        var cookie =
            "\(Self.cookie)=\(id); Path=/admin; HttpOnly; SameSite=Strict; Max-Age=\(Int(sessions.lifetime.components.seconds))"
        if secure { cookie += "; Secure" }
        return Response(
            status: .seeOther,
            headers: [.location: "/admin/", .setCookie: cookie, .cacheControl: "no-store"]
        )
    }

    func signOut(_ request: Request) async throws -> Response {
        guard let (id, _) = try await verified(request) else { return forbidden() }
        sessions.close(id)
        var cookie = "\(Self.cookie)=; Path=/admin; HttpOnly; SameSite=Strict; Max-Age=0"
        if secure { cookie += "; Secure" }
        return Response(status: .seeOther, headers: [.location: "/admin/sign-in", .setCookie: cookie])
    }

    // MARK: - Pages

    func overview(csrf: String) async throws -> Response {
        var targets: [[String: Any]] = []
        for name in admin.targets {
            let facts = try await targetFacts(name)
            targets.append(facts)
        }
        var channels: [[String: Any]] = []
        for c in try await store.channels() {
            let users = try await store.query(.user, in: c, ResourceQuery(count: 0)).totalResults
            let groups = try await store.query(.group, in: c, ResourceQuery(count: 0)).totalResults
            channels.append([
                "name": c.name, "users": users, "groups": groups,
                "tooMany": groups > AdminRoutes.groupWarningThreshold,
            ])
        }
        return page("Overview", "overview", ["targets": targets, "channels": channels], csrf: csrf)
    }

    func targetPage(_ target: String, csrf: String) async throws -> Response {
        var facts = try await targetFacts(target)
        var blocked: [[String: Any]] = []
        for m in try await store.mappings(target: target) where m.kind == .group && m.origin == .blocked {
            let name =
                try await store.get(.group, id: m.canonicalID, in: m.channel)?.attributes["displayName"]?.stringValue
                ?? m.canonicalID
            blocked.append([
                "target": target, "csrf": csrf, "id": m.canonicalID, "channel": m.channel.name, "displayName": name,
                "reason": m.detail ?? "", "merge": CollisionResolution.consequence(of: .merge),
                "overwrite": CollisionResolution.consequence(of: .overwrite),
            ])
        }
        facts["blocked"] = blocked
        facts["failed"] = try await store.deadOutboxEntries(target: target, limit: 50).map { e -> [String: Any] in
            ["resource": e.resourceKey, "attempts": e.attempts, "error": e.lastError ?? ""]
        }
        return page(target, "target", facts, csrf: csrf)
    }

    func resolve(_ request: Request, _ context: SCIMRequestContext) async throws -> Response {
        let target = try context.parameters.require("target")
        guard let (_, form) = try await verified(request) else { return forbidden() }
        guard admin.targets.contains(target) else { return notFound(target, csrf: csrf(of: request)) }
        let back = "/admin/target/\(target)"
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

    /// Users by exact `userName`, groups by exact `displayName`, and either by id, in every channel.
    func search(_ query: String, csrf: String) async throws -> Response {
        var results: [[String: Any]] = []
        let text = query.trimmingCharacters(in: .whitespaces)
        if !text.isEmpty {
            let quoted =
                "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
                + "\""
            for channel in try await store.channels() {
                for kind in ResourceKind.allCases {
                    let name = kind == .user ? "userName" : "displayName"
                    let schema = SchemaRegistry.standard.resourceSchema(for: kind.rawValue)!
                    let filter = try FilterResolver.resolve("\(name) eq \(quoted)", against: schema)
                    var found = try await store.query(kind, in: channel, ResourceQuery(filter: filter, count: 20))
                        .resources
                    if let byID = try await store.get(kind, id: text, in: channel) { found.append(byID) }
                    for r in found {
                        results.append([
                            "kind": Self.path(kind), "channel": channel.name, "id": r.id,
                            "name": r.attributes[name]?.stringValue ?? r.id,
                        ])
                    }
                }
            }
        }
        var values: [String: Any] = ["query": query]
        if !results.isEmpty { values["results"] = results }
        return page("Find \(query)", "search", values, csrf: csrf, query: query)
    }

    /// Where one user or group is on each target, its memberships, and its audit trail.
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
        var targets: [[String: Any]] = []
        var audit: [[String: Any]] = []
        let key = "\(Self.path(kind)):\(id)"
        for target in admin.targets {
            let m = try await store.mapping(target: target, channel: channel, kind: kind, canonicalID: id)
            targets.append([
                "target": target, "state": m.map { $0.origin.rawValue } ?? "not on the target (yet)",
                "targetID": m?.targetID ?? "", "detail": m?.detail ?? "",
            ])
            for e in try await store.auditEntries(target: target) where e.resourceKey == key {
                audit.append([
                    "time": e.time.iso8601, "target": target, "action": e.action, "detail": e.detail.serialized(),
                ])
            }
        }
        audit.sort { ($0["time"] as? String ?? "") > ($1["time"] as? String ?? "") }
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
                "audit": Array(audit.prefix(200)), "memberships": memberships,
                "membershipTitle": kind == .user ? "Groups" : "Members",
            ],
            csrf: csrf
        )
    }

    /// What the overview and a target's page say of a target.
    func targetFacts(_ name: String) async throws -> [String: Any] {
        let state = try await store.targetState(name)
        let counts = try await store.outboxCounts(target: name)
        let oldest = try await (store as? any StoreHealth)?.oldestPending(target: name).map(Self.age) ?? "—"
        // Counted by the store's index, not by reading every mapping of the target.
        let blocked = try await (store as? any StoreHealth)?.blockedGroups(target: name) ?? 0
        return [
            "name": name, "state": state?.pausedReason != nil ? "paused" : (state?.health.rawValue ?? "healthy"),
            "pausedReason": state?.pausedReason ?? "", "pending": counts["pending"] ?? 0, "dead": counts["dead"] ?? 0,
            "oldest": oldest, "blocked": blocked, "lastSuccess": state?.lastSuccess?.iso8601 ?? "never",
            "lastError": state?.lastError ?? "",
        ]
    }

    // MARK: - Helpers

    /// A kind as the console's paths and the outbox's resource keys spell it: `user`, `group`.
    static func path(_ kind: ResourceKind) -> String { kind == .user ? "user" : "group" }

    /// How long ago `t` was, in the largest whole unit: `40 s`, `12 min`, `3 h`, `2 d`.
    static func age(_ t: SCIMDateTime) -> String {
        let seconds = max(0, Int(SCIMDateTime.now.seconds - t.seconds))
        switch seconds {
        case ..<120: return "\(seconds) s"
        case ..<7200: return "\(seconds / 60) min"
        case ..<172_800: return "\(seconds / 3600) h"
        default: return "\(seconds / 86400) d"
        }
    }

    /// The session and form of a state-changing request whose CSRF token matches its session's.
    func verified(_ request: Request) async throws -> (String, FormBody)? {
        guard let id = Self.sessionID(of: request), let session = sessions.session(id) else { return nil }
        let form = FormBody(String(buffer: try await request.body.collect(upTo: 64 << 10)))
        let presented = Secrets.hash(form["csrf"] ?? "", salt: [])
        guard Secrets.constantTimeEquals(presented, Secrets.hash(session.csrf, salt: [])) else { return nil }
        return (id, form)
    }

    func csrf(of request: Request) -> String {
        Self.sessionID(of: request).flatMap(sessions.session)?.csrf ?? ""
    }

    static func sessionID(of request: Request) -> String? {
        for header in request.headers[values: .cookie] {
            for part in header.split(separator: ";") {
                let pair = part.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1)
                if pair.count == 2, pair[0] == Self.cookie { return String(pair[1]) }
            }
        }
        return nil
    }

    func page(_ title: String, _ template: String, _ values: [String: Any], csrf: String?, query: String = "")
        -> Response
    {
        let content = ConsoleTemplates.library.render(values, withTemplate: template) ?? ""
        var layout: [String: Any] = ["title": title, "content": content, "query": query]
        if let csrf, !csrf.isEmpty { layout["csrf"] = csrf }
        let html = ConsoleTemplates.library.render(layout, withTemplate: "layout") ?? ""
        return Response(
            status: .ok,
            headers: [
                .contentType: "text/html; charset=utf-8", .cacheControl: "no-store",
                .contentSecurityPolicy: "default-src 'self'; form-action 'self'; frame-ancestors 'none'",
                .xContentTypeOptions: "nosniff",
            ],
            body: .init(byteBuffer: ByteBuffer(string: html))
        )
    }

    func message(_ text: String, back: String, alert: Bool, status: HTTPResponse.Status, csrf: String) -> Response {
        var r = page(alert ? "Not done" : "Done", "message", ["text": text, "back": back, "alert": alert], csrf: csrf)
        r.status = status
        return r
    }

    func notFound(_ target: String, csrf: String) -> Response {
        message("There is no target named \(target).", back: "/admin/", alert: true, status: .notFound, csrf: csrf)
    }

    func forbidden() -> Response {
        var r = page(
            "Not done",
            "message",
            [
                "text":
                    "This form has expired or did not come from this console; nothing was changed. Reload the page and try again.",
                "back": "/admin/", "alert": true,
            ],
            csrf: nil
        )
        r.status = .forbidden
        return r
    }
}

/// Sends a browser without a live session to the sign-in page.
struct ConsoleSessionMiddleware: RouterMiddleware {
    typealias Context = SCIMRequestContext
    let sessions: ConsoleSessions

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        guard let id = ConsoleRoutes.sessionID(of: request), sessions.session(id) != nil else {
            return Response(status: .seeOther, headers: [.location: "/admin/sign-in", .cacheControl: "no-store"])
        }
        return try await next(request, context)
    }
}
