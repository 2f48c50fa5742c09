import AsyncHTTPClient
import Emulators
import Foundation
import NIOCore
import NIOHTTP1
import SCIM
import TestSupport
import Testing

/// The console of a real `serve` against an emulated GitHub EMU: what it reads from the target
/// itself (the same-named group and its members, the plan, the calls against the rate limit), what
/// it asks of it (a reconciliation now, failed changes retried), the resources by state, the audit
/// log's filters and the sign-in throttle.
@Suite("Console of a running bridge", .serialized)
struct ConsoleProcessTests {
    static var executable: URL? { CrashRecoveryTests.executable }
    static let adminToken = "console-admin-token-known-to-the-test"

    /// Forms and pages over HTTP with a session cookie; redirects are seen, not followed.
    struct Browser {
        let base: String
        let client = HTTPClient(configuration: .init(redirectConfiguration: .disallow))
        var cookie: String? = nil

        func send(_ method: NIOHTTP1.HTTPMethod, _ path: String, form: String? = nil) async throws -> (
            status: Int, headers: HTTPHeaders, html: String
        ) {
            var request = HTTPClientRequest(url: base + path)
            request.method = method
            if let cookie { request.headers.add(name: "Cookie", value: cookie) }
            if let form {
                request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
                request.body = .bytes(ByteBuffer(string: form))
            }
            let response = try await client.execute(request, timeout: .seconds(60))
            let body = try await response.body.collect(upTo: 8 << 20)
            return (Int(response.status.code), response.headers, String(buffer: body))
        }

        static func csrf(in page: String) throws -> String {
            let start = try #require(page.range(of: #"name="csrf" value=""#)).upperBound
            return String(page[start...].prefix { $0 != "\"" })
        }
    }

    @Test(.enabled(if: executable != nil, "the scim-bridge executable is built by `swift build` / `swift test`"))
    func theConsoleReadsTheTargetPlansReconcilesAndFilters() async throws {
        let scratch = try ServeProcessTests.Scratch()
        defer { scratch.cleanUp() }
        let emulator = GitHubEMUEmulator(configuration: .init(enterprise: "acme"))
        try emulator.seed(users: [["id": "foreign-1", "userName": "outsider@example.com"]])
        try emulator.seed(groups: [["displayName": "Engineering", "members": [["value": "foreign-1"]]]])
        try await withRunningEmulator(emulator) { url, emulator in
            let target = try scratch.write("github-token", GitHubEMUEmulator.defaultToken)
            let admin = try scratch.write("admin-token", Self.adminToken)
            try scratch.write(
                "bridge.yaml",
                """
                server:
                  adminToken: file:\(admin)
                channels:
                  - name: pingone
                    targets: [github]
                targets:
                  - name: github
                    kind: github-emu
                    baseURL: \(url.absoluteString)
                    auth: { bearer: file:\(target) }
                    rateLimit: { requestsPerMinute: 600, burst: 50 }
                    onNameCollision: fail

                """
            )
            let bridge = try CrashRecoveryTests.BridgeProcess(
                executable: try #require(Self.executable),
                config: scratch.config,
                dataDir: scratch.data
            )
            defer { ServeProcessTests.stop(bridge) }
            let port = try await bridge.port()
            let scim = "http://127.0.0.1:\(port)/scim/v2/pingone"
            let token = try await ServeProcessTests.token(of: bridge)
            let (_, alice) = try await ServeProcessTests.request(
                .POST,
                "\(scim)/Users",
                token: token,
                body: Bodies.user("alice@example.com")
            )
            let aliceID = try #require(alice?["id"]?.stringValue)
            let (status, _) = try await ServeProcessTests.request(
                .POST,
                "\(scim)/Groups",
                token: token,
                body: Bodies.group("Engineering", members: [aliceID])
            )
            #expect(status == 201)

            var b = Browser(base: "http://127.0.0.1:\(port)")
            defer { Task { [client = b.client] in try? await client.shutdown() } }

            let signedIn = try await b.send(.POST, "/admin/sign-in", form: "token=\(Self.adminToken)")
            #expect(signedIn.status == 303)
            b.cookie = String(try #require(signedIn.headers.first(name: "Set-Cookie")).split(separator: ";")[0])

            #expect(
                try await ServeProcessTests.eventually(within: .seconds(20)) {
                    try await b.send(.GET, "/admin/target/github?state=blocked").html.contains("Engineering")
                },
                "the group is blocked"
            )
            // The settle form shows the target's same-named group, read from the target, and its
            // member that the bridge did not provision.
            let page = try await b.send(.GET, "/admin/target/github")
            #expect(page.status == 200)
            #expect(page.html.contains("On the target: Engineering"), "\(page.html)")
            #expect(page.html.contains("foreign-1") && page.html.contains("not provisioned by the bridge"))
            // The calls of the last minutes against the limit, drawn as SVG on the server.
            #expect(page.html.contains(#"<svg class="chart" role="img""#))
            #expect(page.html.contains("limit 600 a minute"))
            let chart = try #require(page.html.range(of: "oldest first: ")).upperBound
            let counts = page.html[chart...].prefix { $0 != ";" }.split(separator: ",").compactMap {
                Int($0.trimmingCharacters(in: .whitespaces))
            }
            #expect(counts.count == 15 && counts.reduce(0, +) > 0, "calls were made: \(counts)")

            // Resources by state, with search.
            let synced = try await b.send(.GET, "/admin/target/github?state=synced&q=alice%40example.com")
            #expect(synced.html.contains("/admin/user/pingone/\(aliceID)"), "\(synced.html)")
            let none = try await b.send(.GET, "/admin/target/github?state=synced&q=nobody")
            #expect(
                !none.html.contains("/admin/user/pingone/")
                    && none.html.contains("No resource is synced among those matching")
            )

            // The plan is read from the target; nothing changes.
            let plan = try await b.send(.GET, "/admin/target/github/plan")
            #expect(plan.status == 200 && plan.html.contains("Nothing has been changed"), "\(plan.html)")
            #expect(plan.html.contains("0 call(s) would bring github in line"), "in sync: \(plan.html)")
            // Drift made behind the bridge's back: a reconciliation now repairs it.
            let onTarget = try #require(emulator.state().user(named: "alice@example.com")?["id"]?.stringValue)
            let (deactivated, _) = try await ServeProcessTests.request(
                .PATCH,
                "\(url.absoluteString)/Users/\(onTarget)",
                token: GitHubEMUEmulator.defaultToken,
                body: [
                    "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                    "Operations": [["op": "replace", "path": "active", "value": false]],
                ]
            )
            #expect(deactivated == 200)
            let csrf = try Browser.csrf(in: plan.html)
            let reconciled = try await b.send(.POST, "/admin/target/github/reconcile", form: "csrf=\(csrf)")
            #expect(reconciled.status == 200)
            #expect(reconciled.html.contains("Reconciled github: 1 call(s) made"), "\(reconciled.html)")
            #expect(emulator.state().user(named: "alice@example.com")?["active"]?.boolValue == true)
            let forged = try await b.send(.POST, "/admin/target/github/reconcile", form: "csrf=forged")
            #expect(forged.status == 403)

            let retry = try await b.send(.POST, "/admin/target/github/retry", form: "csrf=\(csrf)")
            #expect(retry.html.contains("has no failed change to retry"))

            // The audit log, filtered by target, resource and time.
            let audit = try await b.send(.GET, "/admin/audit?target=github&resource=user%3A\(aliceID)")
            #expect(audit.status == 200 && audit.html.contains("user:\(aliceID)"), "\(audit.html)")
            #expect(!audit.html.contains(">group:"), "only the resource asked for")
            let future = try await b.send(.GET, "/admin/audit?target=github&since=2100-01-01")
            #expect(future.html.contains("No entry matches"))
            let past = try await b.send(.GET, "/admin/audit?target=github&until=2000-01-01T00:00:00Z")
            #expect(past.html.contains("No entry matches"))
            #expect(try await b.send(.GET, "/admin/audit?since=2999-01-01").html.contains("outside the years"))
            let wrongDate = try await b.send(.GET, "/admin/audit?since=yesterday")
            #expect(wrongDate.html.contains("is not a date"))

            // A user's trail shows the inbound change and the call it caused.
            let user = try await b.send(.GET, "/admin/user/pingone/\(aliceID)")
            #expect(user.html.contains("inbound change") && user.html.contains("call to the target"), "\(user.html)")
            for path in ["/admin/", "/admin/target/github", "/admin/target/github/plan", "/admin/audit"] {
                let text = try await b.send(.GET, path).html
                #expect(!text.contains(Self.adminToken) && !text.contains(token), "\(path) shows a secret")
                #expect(!text.contains(GitHubEMUEmulator.defaultToken), "\(path) shows the target's token")
            }

            // Five wrong tokens from one address, and the sixth try is held off, even with the right one.
            let guesser = Browser(base: b.base)
            defer { Task { [client = guesser.client] in try? await client.shutdown() } }
            for _ in 0..<5 {
                #expect(try await guesser.send(.POST, "/admin/sign-in", form: "token=wrong").status == 401)
            }
            let held = try await guesser.send(.POST, "/admin/sign-in", form: "token=\(Self.adminToken)")
            #expect(held.status == 429 && held.headers.first(name: "Retry-After") != nil, "\(held.status)")
            #expect(held.headers.first(name: "Set-Cookie") == nil)
            #expect(try await b.send(.GET, "/admin/").status == 200, "a session already open goes on")
        }
    }
}
