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
    /// Wrong admin tokens per client address.
    let throttle = SignInThrottle()
    /// Rows per page of a target's resources and of the audit log.
    static let pageSize = 50

    func register(on router: Router<SCIMRequestContext>) {
        let open = router.group("admin")
        open.get("sign-in") { request, _ in
            let q = request.uri.queryParameters
            var values: [String: Any] = [:]
            if q["signed-out"] != nil { values["notice"] = "You have signed out." }
            if q["expired"] != nil { values["notice"] = "Your session has ended; sign in again." }
            return page("Sign in", "sign-in", values, csrf: nil)
        }
        open.get("favicon.svg") { _, _ in
            Response(
                status: .ok,
                headers: [.contentType: "image/svg+xml", .cacheControl: "max-age=86400"],
                body: .init(byteBuffer: ByteBuffer(string: ConsoleTemplates.favicon))
            )
        }
        open.post("sign-in") { request, context in try await signIn(request, from: context.remoteAddress ?? "unknown") }
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
            return try await targetPage(target, request.uri.queryParameters, csrf: csrf(of: request))
        }
        signed.get("target/:target/plan") { request, context in
            let target = try context.parameters.require("target")
            guard admin.targets.contains(target) else { return notFound(target, csrf: csrf(of: request)) }
            return try await planPage(target, csrf: csrf(of: request))
        }
        signed.post("target/:target/resolve") { request, context in try await resolve(request, context) }
        signed.post("target/:target/retry") { request, context in try await retry(request, context) }
        signed.post("target/:target/resume") { request, context in try await resume(request, context) }
        signed.post("target/:target/reconcile") { request, context in try await reconcile(request, context) }
        signed.get("audit") { request, _ in try await auditPage(request.uri.queryParameters, csrf: csrf(of: request)) }
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

    func signIn(_ request: Request, from address: String) async throws -> Response {
        if let wait = throttle.wait(for: address) {
            let seconds = Int(wait.rounded(.up))
            var r = page(
                "Sign in",
                "sign-in",
                ["error": "Too many wrong tokens from this address; try again in \(seconds) s."],
                csrf: nil
            )
            r.status = .tooManyRequests
            r.headers[.retryAfter] = String(seconds)
            return r
        }
        let form = FormBody(String(buffer: try await request.body.collect(upTo: 16 << 10)))
        let presented = Secrets.hash(form["token"] ?? "", salt: [])
        guard Secrets.constantTimeEquals(presented, Secrets.hash(admin.token, salt: [])) else {
            throttle.failed(address)
            var r = page("Sign in", "sign-in", ["error": "That is not the admin token (server.adminToken)."], csrf: nil)
            r.status = .unauthorized
            return r
        }
        throttle.succeeded(address)
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
        return Response(status: .seeOther, headers: [.location: "/admin/sign-in?signed-out=1", .setCookie: cookie])
    }

    // MARK: - Pages

    func overview(csrf: String) async throws -> Response {
        var targets: [[String: Any]] = []
        for name in admin.targets {
            let facts = try await targetFacts(name)
            targets.append(facts)
        }
        var channels: [[String: Any]] = []
        let lastRequests = try await store.lastRequests()
        for c in try await store.channels() {
            let users = try await store.query(.user, in: c, ResourceQuery(count: 0)).totalResults
            let groups = try await store.query(.group, in: c, ResourceQuery(count: 0)).totalResults
            channels.append([
                "name": c.name, "users": users, "groups": groups,
                "lastRequest": lastRequests[c.name]?.iso8601 ?? "never",
                "tooMany": groups > AdminRoutes.groupWarningThreshold,
            ])
        }
        return page("Overview", "overview", ["targets": targets, "channels": channels], csrf: csrf)
    }

    /// Users by exact `userName`, groups by exact `displayName`, and either by id, in every channel.
    func search(_ query: String, csrf: String) async throws -> Response {
        let results = try await find(query).map { r -> [String: Any] in
            ["kind": Self.path(r.kind), "channel": r.channel, "id": r.id, "name": r.name]
        }
        var values: [String: Any] = ["query": query]
        if !results.isEmpty { values["results"] = results }
        return page("Find \(query)", "search", values, csrf: csrf, query: query)
    }

    /// What `search` finds: indexed lookups, never a scan.
    func find(_ query: String) async throws -> [(kind: ResourceKind, channel: String, id: String, name: String)] {
        var results: [(kind: ResourceKind, channel: String, id: String, name: String)] = []
        let text = query.trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty else { return [] }
        let quoted =
            "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            + "\""
        for channel in try await store.channels() {
            for kind in ResourceKind.allCases {
                let name = kind == .user ? "userName" : "displayName"
                let schema = SchemaRegistry.standard.resourceSchema(for: kind.rawValue)!
                let filter = try FilterResolver.resolve("\(name) eq \(quoted)", against: schema)
                var found = try await store.query(kind, in: channel, ResourceQuery(filter: filter, count: 20)).resources
                if let byID = try await store.get(kind, id: text, in: channel) { found.append(byID) }
                for r in found {
                    results.append((kind, channel.name, r.id, r.attributes[name]?.stringValue ?? r.id))
                }
            }
        }
        return results
    }

    /// What the overview and a target's page say of a target.
    func targetFacts(_ name: String) async throws -> [String: Any] {
        let state = try await store.targetState(name)
        let counts = try await store.outboxCounts(target: name)
        let oldest = try await (store as? any StoreHealth)?.oldestPending(target: name).map(Self.age) ?? "—"
        // Counted by the store's index, not by reading every mapping of the target.
        let blocked = try await (store as? any StoreHealth)?.blockedGroups(target: name) ?? 0
        let calls = admin.operations?.calls(target: name)
        let health = state?.health ?? .healthy
        let shown =
            state?.pausedReason != nil
            ? "paused" : health == .healthy && (calls?.throttledFor ?? 0) > 0 ? "throttled" : health.rawValue
        var facts: [String: Any] = [
            "name": name, "state": shown, "pending": counts["pending"] ?? 0, "dead": counts["dead"] ?? 0,
            "hasDead": (counts["dead"] ?? 0) > 0, "oldest": oldest, "blocked": blocked,
            "lastSuccess": state?.lastSuccess?.iso8601 ?? "never",
        ]
        // Mustache shows a section for any string, even an empty one: absent keys stay hidden.
        if let reason = state?.pausedReason, !reason.isEmpty { facts["pausedReason"] = reason }
        if let error = state?.lastError, !error.isEmpty, health != .healthy || shown == "throttled" {
            facts["lastError"] = error
        }
        if let calls {
            facts["chart"] = CallChart.svg(calls)
            facts["limit"] = calls.limitPerMinute
            if calls.throttledFor > 0 { facts["throttledFor"] = calls.throttledFor }
        }
        return facts
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
            // A cookie that no longer opens a session: it expired, was signed out, or the bridge restarted.
            let location = ConsoleRoutes.sessionID(of: request) == nil ? "/admin/sign-in" : "/admin/sign-in?expired=1"
            return Response(status: .seeOther, headers: [.location: location, .cacheControl: "no-store"])
        }
        return try await next(request, context)
    }
}
