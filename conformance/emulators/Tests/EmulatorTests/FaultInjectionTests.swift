import Emulators
import Foundation
import SCIM
import Testing

/// Each fault kind as a client sees it, and the plan's rules and seeded randomness.
@Suite struct FaultInjectionTests {
    @Test func tooManyRequestsCarriesRetryAfter() async throws {
        try await withEmulator { client, emulator in
            emulator.failNext(1, with: .tooManyRequests(retryAfter: 0))
            emulator.failNext(1, with: .tooManyRequests(retryAfter: 7))
            let first = try await client.get("/Users")
            #expect(first.status == 429)
            #expect(first.header("Retry-After") == "0")
            #expect(first.body?["status"]?.stringValue == "429")
            let second = try await client.get("/Users")
            #expect(second.header("Retry-After") == "7")
            #expect(try await client.get("/Users").status == 200)
            let counters = emulator.state().counters
            #expect(counters.tooManyRequests == 2)
            #expect(counters.faults["429"] == 2)
            #expect(counters.rateLimited == 0)
        }
    }

    @Test(arguments: [500, 503])
    func serverErrors(status: Int) async throws {
        try await withEmulator { client, emulator in
            emulator.failNext(1, with: .status(status))
            let reply = try await client.post("/Users", userBody("x"))
            #expect(reply.status == status)
            #expect(reply.body?["schemas"]?.arrayValue?.first?.stringValue == SCIMError.schemaURN)
            // Refused before handling: nothing was created, and the retry succeeds.
            #expect(emulator.state().users.isEmpty)
            #expect(try await client.post("/Users", userBody("x")).status == 201)
            #expect(emulator.state().counters.faults[String(status)] == 1)
        }
    }

    @Test func delayedResponseTakesAtLeastTheDelay() async throws {
        try await withEmulator { client, emulator in
            emulator.failNext(1, method: "GET", pathPrefix: "/Users", with: .delay(milliseconds: 300))
            let clock = ContinuousClock()
            let start = clock.now
            let reply = try await client.get("/Users")
            let elapsed = clock.now - start
            #expect(reply.status == 200)
            #expect(elapsed >= .milliseconds(300))
            #expect(emulator.state().counters.faults["delay"] == 1)
        }
    }

    @Test func droppedConnectionIsAClientError() async throws {
        try await withEmulator { (client, emulator) async throws in
            emulator.failNext(1, method: "POST", pathPrefix: "/Users", with: .dropConnection)
            await #expect(throws: (any Error).self) {
                try await client.post("/Users", userBody("dropped"))
            }
            #expect(emulator.state().users.isEmpty)
            #expect(emulator.state().counters.faults["drop"] == 1)
            // The next connection works.
            #expect(try await client.post("/Users", userBody("dropped")).status == 201)
        }
    }

    @Test func aLostResponseIsAClientErrorButTheChangeIsMade() async throws {
        try await withEmulator { (client, emulator) async throws in
            emulator.failNext(1, method: "POST", pathPrefix: "/Users", with: .loseResponse)
            await #expect(throws: (any Error).self) {
                try await client.post("/Users", userBody("lost"))
            }
            #expect(emulator.state().users.count == 1, "handled before the connection was closed")
            #expect(emulator.state().counters.faults["lose"] == 1)
            #expect(try await client.post("/Users", userBody("lost")).status == 409)
            #expect(try Fault(json: Fault.loseResponse.json) == .loseResponse)
        }
    }

    @Test func rulesMatchMethodAndPathPrefixAndCountDown() async throws {
        try await withEmulator { client, emulator in
            let g = try #require(try await client.post("/Groups", groupBody("G")).id)
            emulator.failNext(2, method: "PATCH", pathPrefix: "/Groups", with: .status(503))
            let patch = patchBody([["op": "replace", "path": "displayName", "value": "H"]])
            // Other methods and paths pass.
            #expect(try await client.get("/Groups/\(g)").status == 200)
            #expect(try await client.post("/Users", userBody("u")).status == 201)
            #expect(try await client.patch("/Groups/\(g)", patch).status == 503)
            #expect(emulator.faults.rules.first?.count == 1)
            #expect(try await client.patch("/Groups/\(g)", patch).status == 503)
            #expect(try await client.patch("/Groups/\(g)", patch).status == 200)
        }
    }

    @Test func faultsCanBeSetOverTheAdminAPI() async throws {
        try await withEmulator { client, emulator in
            let plan: JSONValue = [
                "seed": 1,
                "rules": [
                    ["method": "GET", "pathPrefix": "/Users", "count": 1, "fault": ["kind": "status", "status": 500]]
                ],
            ]
            let set = try await client.send("PUT", "/_emulator/faults", plan)
            #expect(set.status == 200)
            #expect(emulator.faults.rules.count == 1)
            #expect(try await client.get("/Users").status == 500)

            let rule: JSONValue = ["fault": ["kind": "status", "status": 429, "retryAfter": 3]]
            #expect(try await client.send("POST", "/_emulator/faults/rules", rule).status == 201)
            let limited = try await client.get("/Groups")
            #expect(limited.status == 429)
            #expect(limited.header("Retry-After") == "3")

            let bad = try await client.send("PUT", "/_emulator/faults", ["rules": [["fault": ["kind": "explode"]]]])
            #expect(bad.status == 400)
            #expect(try await client.send("DELETE", "/_emulator/faults").status == 204)
            #expect(emulator.faults == FaultPlan())
        }
    }

    @Test func randomFaultsFollowTheSeed() {
        let plan = FaultPlan(
            seed: 42,
            random: [
                .init(probability: 0.3, fault: .tooManyRequests(retryAfter: 1)),
                .init(probability: 0.2, fault: .internalServerError),
            ]
        )
        func run() -> [Fault?] {
            var injector = FaultInjector(plan: plan)
            return (0..<200).map { _ in injector.next(method: "GET", path: "/Users") }
        }
        let a = run()
        #expect(a == run())
        // Roughly the asked-for shares (200 draws; wide bounds, the seed makes it deterministic anyway).
        let limited = a.filter { $0 == .tooManyRequests(retryAfter: 1) }.count
        let errors = a.filter { $0 == .internalServerError }.count
        #expect((30...90).contains(limited))
        #expect((15...65).contains(errors))
        #expect(a.contains(nil))

        var other = FaultInjector(plan: FaultPlan(seed: 43, random: plan.random))
        #expect((0..<200).map { _ in other.next(method: "GET", path: "/Users") } != a)
    }

    @Test func probabilityOneAlwaysAndZeroNever() {
        var always = FaultInjector(plan: FaultPlan(random: [.init(probability: 1, fault: .dropConnection)]))
        var never = FaultInjector(plan: FaultPlan(random: [.init(probability: 0, fault: .dropConnection)]))
        for _ in 0..<50 {
            #expect(always.next(method: "GET", path: "/") == .dropConnection)
            #expect(never.next(method: "GET", path: "/") == nil)
        }
    }

    @Test func planJSONRoundTrips() throws {
        let plan = FaultPlan(
            seed: 7,
            rules: [.init(method: "patch", pathPrefix: "/Groups", count: 3, fault: .serviceUnavailable(retryAfter: 2))],
            random: [
                .init(probability: 0.25, fault: .delay(milliseconds: 150)),
                .init(probability: 0.5, fault: .dropConnection),
            ]
        )
        #expect(try FaultPlan(json: plan.json) == plan)
        #expect(plan.rules[0].method == "PATCH")
        #expect(throws: SCIMError.self) {
            try FaultPlan(json: [
                "random": [
                    ["probability": 0.7, "fault": ["kind": "drop"]], ["probability": 0.7, "fault": ["kind": "drop"]],
                ]
            ])
        }
    }
}
