import Emulators
import Foundation
import SCIM
import Testing

/// The token bucket on its own (explicit time), and the emulator's 429s when the budget runs out.
@Suite struct RateLimiterTests {
    @Test func burstThenRetryAfterUntilATokenIsBack() {
        // 6 a minute: one token every 10 s.
        var bucket = TokenBucket(limit: .perMinute(6, burst: 2))
        #expect(bucket.take(at: .zero) == nil)
        #expect(bucket.take(at: .zero) == nil)
        #expect(bucket.take(at: .zero) == 10)
        #expect(bucket.take(at: .seconds(4)) == 6)
        #expect(bucket.take(at: .milliseconds(9_500)) == 1)
        #expect(bucket.take(at: .seconds(10)) == nil)
        #expect(bucket.take(at: .seconds(10)) == 10)
    }

    @Test func refillStopsAtTheBurst() {
        var bucket = TokenBucket(limit: RateLimit(requests: 5, perSeconds: 1, burst: 3))
        for _ in 0..<3 { #expect(bucket.take(at: .zero) == nil) }
        #expect(bucket.take(at: .zero) != nil)
        // An hour later there are 3 tokens again, not 18 000.
        for _ in 0..<3 { #expect(bucket.take(at: .seconds(3600)) == nil) }
        #expect(bucket.take(at: .seconds(3600)) == 1)
    }

    @Test func emulatorAnswers429AndCountsThem() async throws {
        try await withEmulator(.init(rateLimit: .perMinute(3))) { client, emulator in
            for _ in 0..<3 { #expect(try await client.get("/Users").status == 200) }
            let limited = try await client.get("/Users")
            #expect(limited.status == 429)
            let retryAfter = try #require(limited.header("Retry-After").flatMap { Int($0) })
            #expect(retryAfter >= 1 && retryAfter <= 20)
            #expect(try await client.post("/Users", userBody("late")).status == 429)

            let counters = emulator.state().counters
            #expect(counters.rateLimited == 2)
            #expect(counters.tooManyRequests == 2)
            #expect(counters.responses["429"] == 2)
            #expect(counters.requests("GET", "/Users") == 4)
            #expect(emulator.state().users.isEmpty)
        }
    }

    @Test func rateLimitCanBeChangedOverTheAdminAPI() async throws {
        try await withEmulator { client, emulator in
            #expect(try await client.send("PUT", "/_emulator/rate-limit", ["requestsPerMinute": 1]).status == 200)
            #expect(emulator.rateLimit == .perMinute(1))
            #expect(try await client.get("/Users").status == 200)
            #expect(try await client.get("/Users").status == 429)
            #expect(try await client.send("DELETE", "/_emulator/rate-limit").status == 204)
            #expect(try await client.get("/Users").status == 200)
            // A scaled-down window refills within a test's patience.
            #expect(
                try await client.send("PUT", "/_emulator/rate-limit", ["requests": 1, "perSeconds": 2]).status == 200
            )
            #expect(try await client.get("/Users").status == 200)
            // Two requests 2 s apart would both pass; a loaded machine is never that slow between two.
            #expect(try await client.get("/Users").status == 429)
            try await Task.sleep(for: .milliseconds(2100))
            #expect(try await client.get("/Users").status == 200)
        }
    }
}
