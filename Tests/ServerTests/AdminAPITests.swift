import BridgeConfig
import Emulators
import Foundation
import HTTPTypes
import Membership
import SCIM
import Store
import TestSupport
import Testing

@testable import Server

/// The JSON admin API under `/admin`, over real HTTP, on a bridge that syncs to the SCIM emulator.
@Suite("Admin API")
struct AdminAPITests {
    static let adminToken = "admin-secret-for-tests"
    static let admin = AdminConfiguration(token: adminToken, targets: ["acme"])

    @Test func requiresTheAdminTokenAndNotAChannelToken() async throws {
        try await SCIMHarness.with(policy: .fail, admin: Self.admin) { h, c in
            #expect(try await c.get("/admin/status", token: nil).status == 401)
            #expect(try await c.get("/admin/status", token: h.token).status == 401)
            let wrong = try await c.get("/admin/status", token: "admin-secret-for-test")
            #expect(wrong.status == 401)
            #expect(wrong.detail?.contains("admin-secret") == false)
            #expect(try await c.get("/admin/status", token: Self.adminToken).status == 200)
            // And the admin token opens no channel.
            #expect(try await c.get("/scim/v2/pingone/Users", token: Self.adminToken).status == 401)
        }
    }

    @Test func notServedWithoutAnAdminToken() async throws {
        try await SCIMHarness.with(policy: .fail) { _, c in
            let r = try await c.get("/admin/status", token: Self.adminToken)
            #expect(r.status == 404)
        }
    }

    @Test func reportsSyncedAndBlockedResourcesPerTarget() async throws {
        try await SCIMHarness.with(policy: .fail, admin: Self.admin) { h, c in
            let ids = try await pushPingOneSample(c, h.token)
            try await h.drain()
            let status = try await c.get("/admin/status", token: Self.adminToken)
            let target = try #require(status.body?["targets"]?.arrayValue?.first)
            #expect(target["name"]?.stringValue == "acme")
            #expect(target["resources"]?["blocked"]?.integerValue == 1)
            // Three users and the "Sales" group.
            #expect(target["resources"]?["synced"]?.integerValue == 4)
            #expect(target["outbox"]?["pending"]?.integerValue == 0)

            let blocked = try await c.get("/admin/targets/acme/resources?state=blocked", token: Self.adminToken)
            let entries = try #require(blocked.body?["resources"]?.arrayValue)
            #expect(entries.count == 1)
            #expect(entries.first?["resource"]?.stringValue == "group:\(ids["Engineering"]!)")
            #expect(entries.first?["detail"]?.stringValue?.contains("onNameCollision") == true)

            let audit = try await c.get("/admin/targets/acme/audit", token: Self.adminToken)
            #expect(audit.body?["entries"]?.arrayValue?.contains { $0["action"]?.stringValue == "blocked" } == true)
        }
    }

    @Test func eachChannelShowsItsIdentityProvidersLastRequest() async throws {
        try await SCIMHarness.with(policy: .fail, admin: Self.admin) { h, c in
            let lastRequest: @Sendable () async throws -> String? = {
                let status = try await c.get("/admin/status", token: Self.adminToken)
                let channel = status.body?["channels"]?.arrayValue?.first { $0["name"] == "pingone" }
                return channel?["lastRequest"]?.stringValue
            }
            // Refused requests and the admin API's own are not the identity provider's.
            #expect(try await c.get("/scim/v2/pingone/Users", token: "wrong").status == 401)
            #expect(try await lastRequest() == nil)

            let before = SCIMDateTime.now
            #expect(try await c.get("/scim/v2/pingone/Users", token: h.token).status == 200)
            // Written beside the request, not before its answer: wait for it.
            var recorded: String?
            for _ in 0..<100 where recorded == nil {
                recorded = try await lastRequest()
                if recorded == nil { try await Task.sleep(for: .milliseconds(50)) }
            }
            let at = try #require(recorded.flatMap { SCIMDateTime($0) })
            #expect(at >= SCIMDateTime(seconds: before.seconds) && at <= SCIMDateTime.now)
        }
    }

    @Test func failedResourceShowsAttemptsAndErrorAndCanBeRequeued() async throws {
        try await SCIMHarness.with(policy: .overwrite, maxAttempts: 2, admin: Self.admin) { h, c in
            // Every user create is refused, so the user's change is dead-lettered after two attempts.
            h.emulator.failNext(2, method: "POST", pathPrefix: "/Users", with: .status(503))
            let r = try await c.post("/scim/v2/pingone/Users", token: h.token, Bodies.user("dora@example.com"))
            let id = try #require(r.body?["id"]?.stringValue)
            try await h.drain()
            let failed = try await c.get("/admin/targets/acme/resources?state=failed", token: Self.adminToken)
            let entry = try #require(failed.body?["resources"]?.arrayValue?.first)
            #expect(entry["resource"]?.stringValue == "user:\(id)")
            #expect(entry["attempts"]?.integerValue == 2)
            #expect(entry["lastError"]?.stringValue?.contains("503") == true)

            let retry = try await c.post("/admin/targets/acme/retry", token: Self.adminToken, .object([:]))
            #expect(retry.body?["requeued"]?.integerValue == 1)
            try await h.drain()
            let synced = try await c.get("/admin/targets/acme/resources?state=synced", token: Self.adminToken)
            #expect(
                synced.body?["resources"]?.arrayValue?.contains { $0["resource"]?.stringValue == "user:\(id)" } == true
            )
            #expect(h.emulator.state().users.contains { $0["userName"]?.stringValue == "dora@example.com" })
        }
    }

    @Test func badQueriesAndUnknownTargetsGetClearErrors() async throws {
        try await SCIMHarness.with(policy: .fail, admin: Self.admin) { h, c in
            let unknown = try await c.get("/admin/targets/nope/resources", token: Self.adminToken)
            #expect(unknown.status == 404)
            #expect(unknown.detail?.contains("acme") == true)
            let state = try await c.get("/admin/targets/acme/resources?state=weird", token: Self.adminToken)
            #expect(state.status == 400)
            #expect(state.detail?.contains("pending") == true)
            #expect(try await c.get("/admin/targets/acme/resources?count=-1", token: Self.adminToken).status == 400)
        }
    }

    @Test func aBlockedGroupIsSettledWithMergeAndAuditedWhileTheRestKeepTheTargetsPolicy() async throws {
        try await SCIMHarness.with(policy: .fail, admin: Self.admin) { h, c in
            let ids = try await pushPingOneSample(c, h.token)
            try await h.drain()
            let path = "/admin/targets/acme/resolve"
            let notJSON = try await c.request(.post, path, token: Self.adminToken, rawBody: "merge please")
            #expect(notJSON.status == 400 && notJSON.scimType == "invalidSyntax")
            let badPolicy = try await c.post(
                path,
                token: Self.adminToken,
                ["group": "Engineering", "policy": "fail", "acknowledge": true]
            )
            #expect(badPolicy.status == 400 && badPolicy.detail?.contains("merge") == true)
            let unacknowledged = try await c.post(
                path,
                token: Self.adminToken,
                ["group": "Engineering", "policy": "merge"]
            )
            #expect(unacknowledged.status == 400 && unacknowledged.detail?.contains("Acknowledge") == true)
            let notBlocked = try await c.post(
                path,
                token: Self.adminToken,
                ["group": "Sales", "policy": "merge", "acknowledge": true]
            )
            #expect(notBlocked.status == 400 && notBlocked.detail?.contains("blocked there: Engineering") == true)
            #expect(try await c.post(path, token: h.token, ["group": "Engineering"]).status == 401)

            let settled = try await c.post(
                path,
                token: Self.adminToken,
                ["group": "Engineering", "policy": "merge", "acknowledge": true]
            )
            #expect(settled.status == 200)
            #expect(settled.body?["group"]?.stringValue == ids["Engineering"])
            try await h.drain()
            let members = h.emulator.state().group(named: "Engineering")?["members"]?.arrayValue ?? []
            #expect(members.count == 3, "the foreign member stays, alice and bob are added")
            #expect(h.emulator.state().groups.filter { $0["displayName"]?.stringValue == "Engineering" }.count == 1)

            let audit = try await c.get("/admin/targets/acme/audit", token: Self.adminToken)
            let decision = audit.body?["entries"]?.arrayValue?.first {
                $0["action"]?.stringValue == "collision resolved"
            }
            #expect(decision?["resource"]?.stringValue == "group:\(ids["Engineering"]!)")
            #expect(decision?["detail"]?["policy"]?.stringValue == "merge")
            #expect(decision?["detail"]?["by"]?.stringValue == "admin API")
        }
    }
}
