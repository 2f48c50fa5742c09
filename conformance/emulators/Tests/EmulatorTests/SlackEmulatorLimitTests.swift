import Emulators
import Foundation
import SCIM
import Testing

/// The Slack emulator's rate-limit table (class and endpoint buckets, scaled, with `Retry-After`),
/// its per-resource lock, and injected faults with Slack error bodies.
@Suite struct SlackEmulatorLimitTests {
    @Test func theTableIsSlacksAndScales() {
        let one = SlackRateLimits(scale: 1)
        #expect(one.limit(of: "writes") == .perMinute(600, burst: 180))
        #expect(one.limit(of: "reads") == .perMinute(1000, burst: 1000))
        #expect(one.limit(of: "POST /Users") == .perMinute(180, burst: 20))
        #expect(one.limit(of: "PATCH /Groups/{id}") == .perMinute(180, burst: 80))
        #expect(one.limit(of: "DELETE /Groups/{id}") == .perMinute(180, burst: 20))
        #expect(one.limit(of: "GET /Users/{id}") == .perMinute(300, burst: 300))
        #expect(SlackRateLimits(scale: 10).limit(of: "POST /Groups") == .perMinute(1800, burst: 200))
        #expect(SlackRateLimits.buckets(method: "GET", template: "/Users") == ["reads"])
        #expect(SlackRateLimits.buckets(method: "PUT", template: "/Groups/{id}") == ["writes", "PUT /Groups/{id}"])
    }

    @Test func allWritesShareOneBucketOfOneHundredEighty() {
        var limits = SlackRateLimits(scale: 1)
        // 80 + 80 + 20: each endpoint within its own burst, together the whole class burst.
        for _ in 0..<80 { #expect(limits.take(method: "PATCH", template: "/Groups/{id}", at: .zero) == nil) }
        for _ in 0..<80 { #expect(limits.take(method: "PUT", template: "/Groups/{id}", at: .zero) == nil) }
        for _ in 0..<20 { #expect(limits.take(method: "POST", template: "/Users", at: .zero) == nil) }
        let refused = limits.take(method: "DELETE", template: "/Users/{id}", at: .zero)
        #expect(refused?.bucket == "writes")
        #expect(refused?.retryAfter == 1)  // 600 a minute: a token every 0.1 s
        #expect(limits.take(method: "GET", template: "/Users", at: .zero) == nil)  // reads are separate
        #expect(limits.take(method: "DELETE", template: "/Users/{id}", at: .milliseconds(200)) == nil)
    }

    @Test func anEndpointBucketRefusesWithRetryAfterAndTheRefusalTakesNoToken() async throws {
        // Scale 0.05: POST /Users 9 a minute with a burst of 1, so no refill happens during the test
        // (a token every 6.7 s); the writes class keeps 9 tokens and POST /Groups 1.
        try await withSlack(.init(rateScale: 0.05)) { client, emulator in
            #expect(try await client.post("/Users", slackUser("u0")).status == 201)
            let r = try await client.post("/Users", slackUser("u1"))
            #expect(r.status == 429)
            #expect(r.body == slackError("too_many_requests", 429))
            // The next token is due 6.7 s after the first request: 7 s rounded up, less on a slow machine.
            #expect(r.header("Retry-After").flatMap { Int($0) }.map { (5...7).contains($0) } == true)
            let state = emulator.state()
            #expect(state.rateLimitedBy == ["POST /Users": 1])
            #expect(state.tooManyRequestsByCause["rateLimit"] == 1)
            #expect(state.users.count == 1)
            // Other endpoints are not held back by the POST /Users bucket.
            #expect(try await client.get("/Users").status == 200)
            #expect(try await client.post("/Groups", groupBody("Eng")).status == 201)
        }
    }

    @Test func aSecondWriteToAResourceBeingUpdatedIsResourceLocked() async throws {
        // Updates take a minute until the test ends them: however slow the machine, the second write
        // arrives while the first is under way.
        try await withSlack(.init(rateScale: nil, updateDuration: .seconds(60))) { client, emulator in
            let seeded = try emulator.seed(groups: [["displayName": "A"], ["displayName": "B"]]).groups
            let a = try #require(seeded[0]["id"]?.stringValue)
            let b = try #require(seeded[1]["id"]?.stringValue)
            let rename: @Sendable (String) -> JSONValue = { name in
                patchBody([["op": "replace", "path": "displayName", "value": .string(name)]])
            }
            async let first = client.patch("/Groups/\(a)", rename("A1"))
            // Wait until the first update has started (not a fixed sleep: a loaded machine may be slow).
            while !emulator.isBeingUpdated("/Groups/\(a)") { try await Task.sleep(for: .milliseconds(10)) }
            let second = try await client.patch("/Groups/\(a)", rename("A2"))
            #expect(second.status == 429)
            #expect(second.body == slackError("resource_locked", 429))
            #expect(second.header("Retry-After").flatMap { Int($0) }.map { (1...60).contains($0) } == true)
            // Another resource is not locked, and reads never are.
            async let other = client.patch("/Groups/\(b)", rename("B1"))
            #expect(try await client.get("/Groups/\(a)").body?["displayName"] == "A")
            emulator.setUpdateDuration(.zero)
            #expect(try await first.status == 200)
            #expect(try await other.status == 200)
            // Once the update is over, the next write goes through.
            #expect(try await client.get("/Groups/\(a)").body?["displayName"] == "A1")
            #expect(!emulator.isBeingUpdated("/Groups/\(a)"))
            #expect(try await client.patch("/Groups/\(a)", rename("A3")).status == 200)
            #expect(emulator.state().resourceLocked == 1)
        }
    }

    @Test func injectedFaultsUseSlackBodiesAndAreCounted() async throws {
        try await withSlack { client, emulator in
            emulator.failNext(1, method: "GET", pathPrefix: "/Users", with: .tooManyRequests(retryAfter: 2))
            let r = try await client.get("/Users")
            #expect(r.status == 429)
            #expect(r.header("Retry-After") == "2")
            #expect(r.body == slackError("too_many_requests", 429))
            #expect(emulator.state().tooManyRequestsByCause["fault"] == 1)
            #expect(emulator.recordedRequests().map(\.status) == [429])
        }
    }
}
