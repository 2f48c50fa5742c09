import Emulators
import Foundation
import NIOHTTP1
import SCIM
import TestSupport
import Testing

/// Over real HTTP, every emulator flags a client that calls inside a `Retry-After` window it was
/// given: by its own rate limiter, by an injected fault, or (Slack) by a resource's lock.
@Suite struct RetryAfterViolationTests {
    // MARK: - scim

    @Test func aClientThatWaitsOutRetryAfterIsNeverFlagged() async throws {
        try await withEmulator { client, emulator in
            emulator.failNext(1, with: .tooManyRequests(retryAfter: 1))
            let refused = try await client.get("/Users")
            #expect(refused.status == 429)
            let wait = try #require(refused.header("Retry-After").flatMap { Int($0) })
            try await Task.sleep(for: .seconds(wait))
            #expect(try await client.get("/Users").status == 200)
            let counters = emulator.state().counters
            #expect(counters.requestsInsideRetryAfter == 0)
            #expect(counters.retryAfterViolations.isEmpty)
        }
    }

    @Test func aCallOneHundredMillisecondsAfterA429IsCountedAndListed() async throws {
        try await withEmulator { client, emulator in
            emulator.failNext(1, method: "GET", with: .tooManyRequests(retryAfter: 5))
            #expect(try await client.get("/Users").status == 429)
            try await Task.sleep(for: .milliseconds(400))
            // Flagged, not refused: the emulator answers as it always did.
            #expect(try await client.post("/Users", userBody("eager")).status == 201)
            let counters = emulator.state().counters
            #expect(counters.requestsInsideRetryAfter == 1)
            let v = try #require(counters.retryAfterViolations.first)
            #expect(v.method == "POST")
            #expect(v.path == "/Users")
            #expect(v.scope == .target && v.isTargetWide)
            #expect(v.retryAfter == 5)
            #expect((1...4_900).contains(v.millisecondsBeforeEnd))
            // The admin state carries the same.
            let json = try #require(try await client.get("/_emulator/state").body?["counters"])
            #expect(json["requestsInsideRetryAfter"]?.integerValue == 1)
            let listed = try #require(json["retryAfterViolations"]?.arrayValue?.first)
            #expect(listed["method"] == "POST")
            #expect(listed["path"] == "/Users")
            #expect(listed["scope"] == "target")
            #expect(listed["millisecondsBeforeEnd"]?.integerValue == Int64(v.millisecondsBeforeEnd))
            #expect(listed["retryAfter"]?.integerValue == 5)
        }
    }

    @Test func theRateLimitersOwn429OpensAWindow() async throws {
        // One request a minute, burst 1: the second is refused however slow the machine is.
        try await withEmulator(.init(rateLimit: RateLimit(requests: 1, perSeconds: 60))) { client, emulator in
            #expect(try await client.get("/Users").status == 200)
            let refused = try await client.get("/Users")
            #expect(refused.status == 429)
            // The next token is at most a minute away; less when the machine was slow between the two calls.
            #expect(refused.header("Retry-After").flatMap { Int($0) }.map { (1...60).contains($0) } == true)
            try await Task.sleep(for: .milliseconds(400))
            _ = try await client.get("/Groups")
            let counters = emulator.state().counters
            #expect(counters.rateLimited >= 1)
            #expect(counters.requestsInsideRetryAfter == 1)
            #expect(counters.retryAfterViolations.first?.path == "/Groups")
        }
    }

    @Test func aRequestInFlightWhenTheRefusalWentOutIsNotCounted() async throws {
        try await withEmulator { client, emulator in
            emulator.failNext(1, method: "POST", with: .delay(milliseconds: 500))
            emulator.failNext(1, method: "GET", with: .tooManyRequests(retryAfter: 2))
            async let slow = client.post("/Users", userBody("slow"))
            // Let the slow request arrive first, then get the 429 while it is still being answered.
            while emulator.state().counters.requests("POST", "/Users") == 0 {
                try await Task.sleep(for: .milliseconds(5))
            }
            #expect(try await client.get("/Users").status == 429)
            #expect(try await slow.status == 201)
            #expect(emulator.state().counters.requestsInsideRetryAfter == 0)
        }
    }

    @Test func noRetryAfterNoWindow() async throws {
        try await withEmulator { (client, emulator) async throws in
            emulator.failNext(1, with: .serviceUnavailable())
            emulator.failNext(1, with: .tooManyRequests(retryAfter: 0))
            #expect(try await client.get("/Users").status == 503)
            #expect(try await client.get("/Users").status == 429)
            #expect(try await client.get("/Users").status == 200)
            #expect(emulator.state().counters.requestsInsideRetryAfter == 0)
        }
    }

    // MARK: - github-emu

    @Test func gitHubFlagsACallInsideItsRateLimitWindow() async throws {
        try await withGitHub(.init(rateLimit: RateLimit(requests: 1, perSeconds: 60))) { client, emulator in
            #expect(try await client.get("/Users").status == 200)
            let refused = try await client.get("/Users")
            #expect(refused.status == 429)
            // The next token is at most a minute away; less when the machine was slow between the two calls.
            #expect(refused.header("Retry-After").flatMap { Int($0) }.map { (1...60).contains($0) } == true)
            try await Task.sleep(for: .milliseconds(400))
            _ = try await client.get("/Groups")
            let state = emulator.state()
            #expect(state.counters.requestsInsideRetryAfter == 1)
            #expect(state.counters.retryAfterViolations.first?.path == "/Groups")
            #expect(state.json["counters"]?["requestsInsideRetryAfter"]?.integerValue == 1)
        }
    }

    @Test func gitHubFlagsACallInsideAnInjectedSecondaryLimitWindow() async throws {
        try await withGitHub { client, emulator in
            emulator.failNext(1, method: "POST", with: .status(403, retryAfter: 5))
            #expect(try await client.post("/Users", .object(GitHubBodies.user("ada"))).status == 403)
            try await Task.sleep(for: .milliseconds(400))
            #expect(try await client.post("/Users", .object(GitHubBodies.user("ada"))).status == 201)
            let v = try #require(emulator.state().counters.retryAfterViolations.first)
            #expect(v.method == "POST" && v.path == "/Users" && v.isTargetWide)
        }
    }

    // MARK: - slack

    @Test func slackFlagsACallInsideItsOrgWideRateLimitWindow() async throws {
        // Scale 0.05: POST /Users allows a burst of 1, so the second is refused for several seconds.
        try await withSlack(.init(rateScale: 0.05)) { client, emulator in
            #expect(try await client.post("/Users", slackUser("u0")).status == 201)
            let refused = try await client.post("/Users", slackUser("u1"))
            #expect(refused.status == 429)
            #expect(refused.header("Retry-After") != nil)
            try await Task.sleep(for: .milliseconds(400))
            // Slack's limits are org-wide: the window covers every endpoint.
            #expect(try await client.get("/Users").status == 200)
            let state = emulator.state()
            #expect(state.counters.requestsInsideRetryAfter == 1)
            let v = try #require(state.counters.retryAfterViolations.first)
            #expect(v.method == "GET" && v.path == "/Users" && v.isTargetWide)
            let listed = state.json["counters"]?["retryAfterViolations"]?.arrayValue?.first
            #expect(listed?["scope"] == "target")
        }
    }

    @Test func slackFlagsAWriteInsideAResourceLockWindowButNotOtherResourcesOrReads() async throws {
        // Updates take a minute until the test ends them: however slow the machine, the eager write
        // arrives while A is still being updated.
        try await withSlack(.init(rateScale: nil, updateDuration: .seconds(60))) { client, emulator in
            let seeded = try emulator.seed(groups: [["displayName": "A"], ["displayName": "B"]]).groups
            let a = try #require(seeded[0]["id"]?.stringValue)
            let b = try #require(seeded[1]["id"]?.stringValue)
            let rename: @Sendable (String) -> JSONValue = { name in
                patchBody([["op": "replace", "path": "displayName", "value": .string(name)]])
            }
            async let first = client.patch("/Groups/\(a)", rename("A1"))
            while !emulator.isBeingUpdated("/Groups/\(a)") { try await Task.sleep(for: .milliseconds(10)) }
            let locked = try await client.patch("/Groups/\(a)", rename("A2"))
            #expect(locked.status == 429)
            #expect(locked.body == slackError("resource_locked", 429))
            #expect(locked.header("Retry-After").flatMap { Int($0) }.map { (1...60).contains($0) } == true)
            try await Task.sleep(for: .milliseconds(400))
            // Inside the lock's window: a write to A is flagged (and, A still being updated, refused
            // again); a read of A and a write to B are not, the window speaking for A's writes only.
            async let other = client.patch("/Groups/\(b)", rename("B1"))
            let eager = try await client.patch("/Groups/\(a)", rename("A3"))
            #expect(eager.status == 429)
            #expect(try await client.get("/Groups/\(a)").status == 200)
            emulator.setUpdateDuration(.zero)
            #expect(try await other.status == 200)
            #expect(try await first.status == 200)

            let state = emulator.state()
            #expect(state.counters.requestsInsideRetryAfter == 1)
            let v = try #require(state.counters.retryAfterViolations.first)
            #expect(v.method == "PATCH")
            #expect(v.path == "/Groups/\(a)")
            #expect(v.scope == .resource("/Groups/\(a)"))
            #expect(!v.isTargetWide)
            #expect((1...60_000).contains(v.millisecondsBeforeEnd))
            let listed = state.json["counters"]?["retryAfterViolations"]?.arrayValue?.first
            #expect(listed?["scope"] == "resource")
            #expect(listed?["resource"] == .string("/Groups/\(a)"))
            // That a write after the window is not flagged: RetryAfterWindowsTests, on explicit times.
        }
    }

    // MARK: - google

    @Test func googleFlagsACallInsideAnInjected503Window() async throws {
        try await withGoogle { anonymous, emulator in
            let client = try await anonymous.authorized()
            emulator.failNext(1, method: "GET", pathPrefix: "/users", with: .serviceUnavailable(retryAfter: 5))
            #expect(try await client.send(.GET, "/users?customer=my_customer").status == 503)
            try await Task.sleep(for: .milliseconds(400))
            #expect(try await client.send(.GET, "/users?customer=my_customer").status == 200)
            let state = emulator.state()
            #expect(state.counters.requestsInsideRetryAfter == 1)
            let v = try #require(state.counters.retryAfterViolations.first)
            #expect(v.method == "GET" && v.path == "/users" && v.isTargetWide)
            #expect(state.json["counters"]?["requestsInsideRetryAfter"]?.integerValue == 1)
        }
    }

    @Test func googlesQuota403CarriesNoRetryAfterAndOpensNoWindow() async throws {
        try await withGoogle(quotaPerMinute: 1) { anonymous, emulator in
            let client = try await anonymous.authorized()
            #expect(try await client.send(.GET, "/users?customer=my_customer").status == 200)
            #expect(try await client.send(.GET, "/users?customer=my_customer").status == 403)
            #expect(try await client.send(.GET, "/users?customer=my_customer").status == 403)
            #expect(emulator.state().counters.requestsInsideRetryAfter == 0)
        }
    }

    // MARK: - salesforce

    /// Runs `body` with a client and a session token on a Salesforce emulator allowing `requests` a minute.
    func withSalesforce(
        requestsPerMinute requests: Int,
        _ body: (SalesforceEmulatorTests.Client, String, SalesforceEmulator) async throws -> Void
    ) async throws {
        var configuration = SalesforceEmulator.Configuration(publicKeyPEM: SalesforceTestKeys.publicKeyPEM)
        configuration.requestLimit = RateLimit(requests: requests, perSeconds: 60)
        try await withRunningEmulator(try SalesforceEmulator(configuration: configuration)) { url, emulator in
            let c = SalesforceEmulatorTests.Client(base: url.absoluteString)
            try await body(c, try await c.session(), emulator)
        }
    }

    @Test func salesforceFlagsACallInsideAnInjected503Window() async throws {
        try await withSalesforce(requestsPerMinute: 3) { c, token, emulator in
            // Thirty seconds: a loaded machine still sends the next call inside the window.
            emulator.failNext(1, method: "GET", pathPrefix: "/query", with: .serviceUnavailable(retryAfter: 30))
            #expect(try await c.query("SELECT Id FROM User", token: token).status == 503)
            try await Task.sleep(for: .milliseconds(400))
            #expect(try await c.query("SELECT Id FROM User", token: token).status == 200)
            let state = emulator.state()
            #expect(state.counters.requestsInsideRetryAfter == 1)
            let v = try #require(state.counters.retryAfterViolations.first)
            #expect(v.method == "GET" && v.path == "/query" && v.isTargetWide)
            #expect(state.json["counters"]?["retryAfterViolations"]?.arrayValue?.count == 1)
        }
    }

    @Test func salesforcesRequestLimit403CarriesNoRetryAfterAndOpensNoWindow() async throws {
        try await withSalesforce(requestsPerMinute: 2) { c, token, emulator in
            #expect(try await c.query("SELECT Id FROM User", token: token).status == 200)
            #expect(try await c.query("SELECT Id FROM User", token: token).status == 200)
            let refused = try await c.query("SELECT Id FROM User", token: token)
            #expect(refused.errorCode == "REQUEST_LIMIT_EXCEEDED")
            #expect(try await c.query("SELECT Id FROM User", token: token).errorCode == "REQUEST_LIMIT_EXCEEDED")
            #expect(emulator.state().counters.requestsInsideRetryAfter == 0)
        }
    }
}
