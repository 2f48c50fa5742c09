import AsyncHTTPClient
import Emulators
import Foundation
import HTTPTypes
import HummingbirdTesting
import Membership
import NIOCore
import NIOHTTP1
import SCIM
import Store
import TestSupport
import Testing

@testable import Server

/// The admin console over real HTTP: sign-in and its session cookie, CSRF on every form, settling a
/// blocked group with the acknowledgement, sign-out, and no secret on any page.
@Suite("Admin console")
struct ConsoleTests {
    static let adminToken = "admin-secret-for-console-tests"
    static let admin = AdminConfiguration(token: adminToken, targets: ["acme"])

    /// A browser that does not follow redirects (a test must see them), on the test bridge's port.
    struct Browser {
        let base: String
        let client = HTTPClient(configuration: .init(redirectConfiguration: .disallow))

        init(_ c: SCIMClient) throws { base = "http://127.0.0.1:\(try #require(c.client.port))" }

        struct Page {
            var status: Int
            var headers: HTTPHeaders
            var html: String
            func header(_ name: String) -> String? { headers.first(name: name) }
        }

        func send(_ method: NIOHTTP1.HTTPMethod, _ path: String, cookie: String?, form: String? = nil) async throws
            -> Page
        {
            var request = HTTPClientRequest(url: base + path)
            request.method = method
            if let cookie { request.headers.add(name: "Cookie", value: cookie) }
            if let form {
                request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
                request.body = .bytes(ByteBuffer(string: form))
            }
            let response = try await client.execute(request, timeout: .seconds(30))
            let body = try await response.body.collect(upTo: 4 << 20)
            return Page(status: Int(response.status.code), headers: response.headers, html: String(buffer: body))
        }

        func get(_ path: String, cookie: String?) async throws -> Page { try await send(.GET, path, cookie: cookie) }

        func post(_ path: String, cookie: String?, _ form: String) async throws -> Page {
            try await send(.POST, path, cookie: cookie, form: form)
        }

        /// Signs in and returns the `Cookie` header value of the session.
        func signIn() async throws -> String {
            let r = try await post("/admin/sign-in", cookie: nil, "token=\(ConsoleTests.adminToken)")
            #expect(r.status == 303 && r.header("Location") == "/admin/")
            return String(try #require(r.header("Set-Cookie")).split(separator: ";")[0])
        }

        func shutdown() async throws { try await client.shutdown() }
    }

    static func csrf(in page: String) throws -> String {
        let marker = #"name="csrf" value=""#
        let start = try #require(page.range(of: marker)).upperBound
        return String(page[start...].prefix { $0 != "\"" })
    }

    @Test func signInSetsAStrictHttpOnlyCookieAndAWrongTokenIsRefused() async throws {
        try await SCIMHarness.with(policy: .fail, admin: Self.admin) { h, c in
            let b = try Browser(c)
            defer { Task { try? await b.shutdown() } }
            let anonymous = try await b.get("/admin/", cookie: nil)
            #expect(anonymous.status == 303 && anonymous.header("Location") == "/admin/sign-in")
            let form = try await b.get("/admin/sign-in", cookie: nil)
            #expect(form.status == 200 && form.html.contains(#"<label for="token">"#))

            let wrong = try await b.post("/admin/sign-in", cookie: nil, "token=not-the-token")
            #expect(wrong.status == 401 && wrong.header("Set-Cookie") == nil)
            #expect(!wrong.html.contains("not-the-token"))

            let r = try await b.post("/admin/sign-in", cookie: nil, "token=\(Self.adminToken)")
            let cookie = try #require(r.header("Set-Cookie"))
            for attribute in ["HttpOnly", "SameSite=Strict", "Path=/admin", "Max-Age="] {
                #expect(cookie.contains(attribute), "\(cookie)")
            }
            #expect(!cookie.contains("Secure"), "plain HTTP here; Secure is set over TLS")
            #expect(!cookie.contains(Self.adminToken))
            // A session opens the console, not the JSON API, and no channel.
            let session = String(cookie.split(separator: ";")[0])
            #expect(try await b.get("/admin/", cookie: session).status == 200)
            #expect(try await b.get("/admin/status", cookie: session).status == 401)
            #expect(try await b.get("/scim/v2/pingone/Users", cookie: session).status == 401)
            _ = h
        }
    }

    @Test func aBlockedGroupIsSettledFromItsTargetsPageWithTheAcknowledgementAndCSRF() async throws {
        try await SCIMHarness.with(policy: .fail, admin: Self.admin) { h, c in
            let ids = try await pushPingOneSample(c, h.token)
            try await h.drain()
            let b = try Browser(c)
            defer { Task { try? await b.shutdown() } }
            let cookie = try await b.signIn()

            let overview = try await b.get("/admin/", cookie: cookie)
            #expect(overview.status == 200)
            #expect(overview.header("Content-Type") == "text/html; charset=utf-8")
            #expect(overview.html.contains(#"<a href="/admin/target/acme">acme</a>"#))
            #expect(overview.html.contains("<main"))
            // The sample's pushes were the identity provider's requests: the channel shows when.
            let lastRequest = try #require(try await h.bridge.store.lastRequests()["pingone"]).iso8601
            let overviewNow = try await b.get("/admin/", cookie: cookie).html
            #expect(overviewNow.contains(#"<th scope="row">pingone</th><td>\#(lastRequest)</td>"#))

            let page = try await b.get("/admin/target/acme", cookie: cookie).html
            #expect(page.contains("Engineering") && page.contains("I understand and want to continue"))
            let csrf = try Self.csrf(in: page)
            let group = try #require(ids["Engineering"])

            // Without the session's CSRF token nothing changes.
            let forged = try await b.post(
                "/admin/target/acme/resolve",
                cookie: cookie,
                "group=\(group)&policy=merge&acknowledge=yes&csrf=forged"
            )
            #expect(forged.status == 403)
            let unacknowledged = try await b.post(
                "/admin/target/acme/resolve",
                cookie: cookie,
                "group=\(group)&policy=merge&csrf=\(csrf)"
            )
            #expect(unacknowledged.status == 400 && unacknowledged.html.contains("Acknowledge"))
            try await h.drain()
            #expect(h.emulator.state().group(named: "Engineering")?["members"]?.arrayValue?.count == 1)

            let settled = try await b.post(
                "/admin/target/acme/resolve",
                cookie: cookie,
                "group=\(group)&policy=merge&acknowledge=yes&csrf=\(csrf)"
            )
            #expect(settled.status == 200, "\(settled.html)")
            try await h.drain()
            #expect(h.emulator.state().group(named: "Engineering")?["members"]?.arrayValue?.count == 3)
            let audit = try await c.get("/admin/targets/acme/audit", token: Self.adminToken)
            #expect(
                audit.body?["entries"]?.arrayValue?.contains {
                    $0["action"]?.stringValue == "collision resolved"
                        && $0["detail"]?["by"]?.stringValue == "admin console"
                } == true
            )

            // A user is found by userName and shows where it is on each target, its groups and its trail.
            let found = try await b.get("/admin/search?q=alice%40example.com", cookie: cookie)
            let alice = try #require(ids["alice"])
            #expect(found.html.contains("/admin/user/pingone/\(alice)"), "\(found.html)")
            let user = try await b.get("/admin/user/pingone/\(alice)", cookie: cookie)
            #expect(user.status == 200 && user.html.contains("alice@example.com"))
            #expect(user.html.contains("/admin/group/pingone/\(group)"), "its groups link to their pages")
            let onTarget = try #require(h.emulator.state().user(named: "alice@example.com")?["id"]?.stringValue)
            #expect(user.html.contains(onTarget), "its id on the target")
            let engineering = try await b.get("/admin/group/pingone/\(group)", cookie: cookie)
            #expect(engineering.html.contains("collision resolved") && engineering.html.contains("admin console"))
            #expect(try await b.get("/admin/search?q=nobody", cookie: cookie).html.contains("Nothing matches"))
            #expect(try await b.get("/admin/user/pingone/nope", cookie: cookie).status == 404)

            // No page shows a secret.
            for path in ["/admin/", "/admin/target/acme", "/admin/sign-in", "/admin/user/pingone/\(alice)"] {
                let text = try await b.get(path, cookie: cookie).html
                #expect(!text.contains(Self.adminToken) && !text.contains(h.token), "\(path) shows a secret")
            }

            // Signing out ends the session.
            let out = try await b.post("/admin/sign-out", cookie: cookie, "csrf=\(csrf)")
            #expect(out.status == 303 && out.header("Set-Cookie")?.contains("Max-Age=0") == true)
            let after = try await b.get("/admin/target/acme", cookie: cookie)
            #expect(after.status == 303 && after.header("Location") == "/admin/sign-in?expired=1")
            #expect(try await b.get("/admin/sign-in?expired=1", cookie: nil).html.contains("Your session has ended"))
        }
    }
}
