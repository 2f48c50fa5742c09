import Emulators
import Foundation
import NIOHTTP1
import SCIM
import TestSupport
import Testing

/// `{"id", "method", "url", "headers"?, "body"?, "dependsOn"?}`.
func batchItem(_ id: String, _ method: String, _ url: String, body: JSONValue? = nil, dependsOn: [String] = [])
    -> JSONValue
{
    var o: JSONObject = ["id": .string(id), "method": .string(method), "url": .string(url)]
    if let body {
        o["body"] = body
        o["headers"] = ["Content-Type": "application/json"]
    }
    if !dependsOn.isEmpty { o["dependsOn"] = .array(dependsOn.map(JSONValue.string)) }
    return .object(o)
}

@Suite("Microsoft Graph emulator: $batch")
struct MSGraphBatchTests {
    @Test func twentyRequestsRunAndTwentyOneOrDuplicateIDsFailTheBatch() async throws {
        try await withMSGraph { client, emulator in
            let c = try await client.authorized()
            let twenty = (0..<20).map { batchItem("\($0)", "POST", "/users", body: MSGraphBodies.user("b\($0)")) }
            let reply = try await c.send(.POST, "/$batch", ["requests": .array(twenty)])
            #expect(reply.status == 200)
            let responses = reply.body?["responses"]?.arrayValue ?? []
            #expect(responses.count == 20)
            #expect(responses.allSatisfy { $0["status"] == 201 })
            #expect(emulator.state().users.count == 20)
            #expect(emulator.recordedRequests.filter(\.inBatch).count == 20)
            let twentyOne = (0..<21).map { batchItem("\($0)", "GET", "/users") }
            #expect(try await c.send(.POST, "/$batch", ["requests": .array(twentyOne)]).status == 400)
            let duplicate = [batchItem("1", "GET", "/users"), batchItem("1", "GET", "/groups")]
            #expect(try await c.send(.POST, "/$batch", ["requests": .array(duplicate)]).status == 400)
            let noContentType: JSONValue = [
                "requests": [["id": "1", "method": "POST", "url": "/users", "body": MSGraphBodies.user("x")]]
            ]
            #expect(try await c.send(.POST, "/$batch", noContentType).status == 400)
        }
    }

    @Test func aFailedDependencyAnswers424AndTheOthersStillRun() async throws {
        try await withMSGraph { client, _ in
            let c = try await client.authorized()
            let requests: JSONValue = [
                "requests": [
                    batchItem("3", "GET", "/users", dependsOn: ["2"]),
                    batchItem("1", "POST", "/users", body: MSGraphBodies.user("dep")),
                    batchItem("2", "POST", "/users", body: MSGraphBodies.user("dep"), dependsOn: ["1"]),
                ]
            ]
            let reply = try await c.send(.POST, "/$batch", requests)
            let byID = Dictionary(
                uniqueKeysWithValues: (reply.body?["responses"]?.arrayValue ?? []).map {
                    ($0["id"]?.stringValue ?? "", $0)
                }
            )
            #expect(byID["1"]?["status"] == 201)
            #expect(byID["2"]?["status"] == 400)
            #expect(byID["2"]?["body"]?["error"]?["code"] == "Request_BadRequest")
            #expect(byID["3"]?["status"] == 424)
        }
    }

    @Test func innerRequestsAreThrottledOnTheirOwnWithAnInnerRetryAfter() async throws {
        try await withMSGraph({ $0.writesPerWindow = 3 }) { client, emulator in
            let c = try await client.authorized()
            let five = (0..<5).map { batchItem("\($0)", "POST", "/users", body: MSGraphBodies.user("t\($0)")) }
            let reply = try await c.send(.POST, "/$batch", ["requests": .array(five)])
            #expect(reply.status == 200)
            let responses = reply.body?["responses"]?.arrayValue ?? []
            #expect(responses.filter { $0["status"] == 201 }.count == 3)
            let throttled = responses.filter { $0["status"] == 429 }
            #expect(throttled.count == 2)
            #expect(throttled.first?["headers"]?["Retry-After"]?.stringValue.flatMap(Int.init).map { $0 > 0 } == true)
            #expect(throttled.first?["body"]?["error"]?["code"] == "TooManyRequests")
            #expect(emulator.state().throttledBy["WriteLimitExceeded"] == 2)
            // The batch's own requests were all sent before the window opened: no violation.
            #expect(emulator.state().counters.requestsInsideRetryAfter == 0)
        }
    }

    @Test func innerRequestsMeetTheFaultPlanOnTheirOwn() async throws {
        try await withMSGraph { client, emulator in
            let c = try await client.authorized()
            emulator.failNext(method: "GET", pathPrefix: "/groups", with: .serviceUnavailable(retryAfter: 2))
            let reply = try await c.send(
                .POST,
                "/$batch",
                ["requests": [batchItem("a", "GET", "/users"), batchItem("b", "GET", "/groups")]]
            )
            let responses = reply.body?["responses"]?.arrayValue ?? []
            let a = responses.first(where: { $0["id"]?.stringValue == "a" })
            let b = responses.first(where: { $0["id"]?.stringValue == "b" })
            #expect(a?["status"] == 200)
            #expect(b?["status"] == 503)
            #expect(b?["headers"]?["Retry-After"] == "2")
        }
    }
}

@Suite("Microsoft Graph emulator: throttling, replication, faults")
struct MSGraphLimitTests {
    @Test func theWriteLimitAnswers429WithRetryAfterAndACallInsideTheWindowIsAViolation() async throws {
        try await withMSGraph({ $0.writesPerWindow = 2 }) { client, emulator in
            let c = try await client.authorized()
            let first = try await c.send(.POST, "/users", MSGraphBodies.user("w1"))
            #expect(first.header("x-ms-resource-unit") == "1")
            #expect(try await c.send(.POST, "/users", MSGraphBodies.user("w2")).status == 201)
            let refused = try await c.send(.POST, "/users", MSGraphBodies.user("w3"))
            #expect(refused.status == 429)
            #expect(refused.code == "TooManyRequests")
            #expect(refused.header("Retry-After").flatMap(Int.init).map { $0 > 100 } == true)
            #expect(refused.header("x-ms-throttle-information") == "WriteLimitExceeded")
            #expect(refused.header("x-ms-throttle-scope")?.hasPrefix("Tenant_Application/") == true)
            // Past the in-flight grace, a call is one its client made after being told to wait.
            try await Task.sleep(for: .milliseconds(400))
            #expect(try await c.send(.GET, "/users").status == 200)
            let state = emulator.state()
            #expect(state.counters.requestsInsideRetryAfter == 1)
            #expect(state.retryAfterViolations.first?.path == "/users")
            #expect(state.throttled == 1)
            #expect(state.writesAdmitted == 2)
            #expect(state.peakWriteShare == 1)
        }
    }

    @Test func resourceUnitsAreChargedByTheCostTable() async throws {
        // Refilled over an hour, so that no unit comes back between the four calls however slow the machine.
        try await withMSGraph({
            $0.resourceUnitsPerWindow = 5
            $0.resourceUnitWindow = .seconds(3600)
        }) { client, emulator in
            let c = try await client.authorized()
            #expect(try await c.send(.GET, "/users").header("x-ms-resource-unit") == "2")
            #expect(try await c.send(.GET, "/users?$select=id&$top=5").header("x-ms-resource-unit") == "1")
            #expect(try await c.send(.GET, "/users").status == 200)
            let refused = try await c.send(.GET, "/users")
            #expect(refused.status == 429)
            #expect(refused.header("x-ms-throttle-information") == "ResourceUnitLimitExceeded")
            #expect(emulator.state().throttledBy["ResourceUnitLimitExceeded"] == 1)
        }
    }

    @Test func aJustCreatedUserCannotBeAddedUntilItReplicates() async throws {
        // A minute, so that a loaded machine still makes the early calls inside the delay.
        try await withMSGraph({ $0.replicationDelay = .seconds(60) }) { client, emulator in
            let c = try await client.authorized()
            let group = try emulator.seed(groups: [["displayName": "Rep"]]).groups[0]
            let user = try #require(try await c.send(.POST, "/users", MSGraphBodies.user("fresh")).id)
            let early = try await c.send(
                .POST,
                "/groups/\(group)/members/$ref",
                ["@odata.id": MSGraphClient.reference(user)]
            )
            #expect(early.status == 404)
            #expect(early.code == "Request_ResourceNotFound")
            let newGroup = try #require(try await c.send(.POST, "/groups", MSGraphBodies.securityGroup("New")).id)
            let seeded = try emulator.seed(users: [["userPrincipalName": "old@example.com"]]).users[0]
            let toNew = try await c.send(
                .POST,
                "/groups/\(newGroup)/members/$ref",
                ["@odata.id": MSGraphClient.reference(seeded)]
            )
            #expect(toNew.status == 400)
            #expect(toNew.message == "The source resource object or one of the objects being referenced do not exist.")
            // Then a delay the test can wait out: the objects are older than it and have replicated.
            emulator.setReplicationDelay(.milliseconds(300))
            try await Task.sleep(for: .milliseconds(400))
            #expect(
                try await c.send(.POST, "/groups/\(group)/members/$ref", ["@odata.id": MSGraphClient.reference(user)])
                    .status == 204
            )
            #expect(
                try await c.send(
                    .POST,
                    "/groups/\(newGroup)/members/$ref",
                    ["@odata.id": MSGraphClient.reference(seeded)]
                ).status == 204
            )
        }
    }

    @Test func aLostAnswerStillAppliesTheChange() async throws {
        try await withMSGraph { client, emulator in
            let c = try await client.authorized()
            emulator.failNext(method: "POST", pathPrefix: "/users", with: .loseResponse)
            await #expect(throws: (any Error).self) {
                try await c.send(.POST, "/users", MSGraphBodies.user("lost"))
            }
            #expect(emulator.state().user(principalName: "lost@example.com") != nil)
            emulator.failNext(with: .tooManyRequests(retryAfter: 3))
            let injected = try await c.send(.GET, "/groups")
            #expect(injected.status == 429)
            #expect(injected.header("Retry-After") == "3")
            #expect(injected.code == "TooManyRequests")
        }
    }

    @Test func theErrorBodyEchoesClientRequestID() async throws {
        try await withMSGraph { client, _ in
            let c = try await client.authorized()
            let reply = try await c.send(.GET, "/users/nobody", headers: [("client-request-id", "abc-123")])
            #expect(reply.body?["error"]?["innerError"]?["client-request-id"] == "abc-123")
            #expect(reply.body?["error"]?["innerError"]?["date"]?.stringValue != nil)
            #expect(reply.header("client-request-id") == "abc-123")
        }
    }
}

@Suite("Microsoft Graph throttle: the pure state machine")
struct MSGraphThrottleTests {
    @Test func theWriteWindowSlidesAndTheSharesAreReported() {
        var t = MSGraphThrottle(
            limits: .init(writesPerWindow: 3, writeWindow: .seconds(10), resourceUnitsPerWindow: nil)
        )
        for s in 0..<3 { #expect(t.admit(cost: 1, isWrite: true, at: .seconds(s)) == nil) }
        #expect(t.admit(cost: 1, isWrite: true, at: .seconds(3)) == .writes(retryAfter: 7))
        #expect(t.admit(cost: 1, isWrite: false, at: .seconds(3)) == nil)
        #expect(t.admit(cost: 1, isWrite: true, at: .seconds(10)) == nil)
        #expect(t.peakWriteShare == 1)
        // 4 writes over 10 s is 0.3 a second (3 intervals), the limit 0.3 a second.
        #expect(abs((t.writeRateShare ?? 0) - 1) < 1e-9)
    }

    @Test func costsFollowTheTable() {
        #expect(MSGraphThrottle.cost(method: "GET", route: .users, query: []) == 2)
        #expect(MSGraphThrottle.cost(method: "GET", route: .users, query: [("$select", "id")]) == 1)
        #expect(MSGraphThrottle.cost(method: "GET", route: .members(group: "g", usersOnly: false), query: []) == 3)
        #expect(
            MSGraphThrottle.cost(
                method: "GET",
                route: .members(group: "g", usersOnly: false),
                query: [("$top", "5"), ("$select", "id")]
            ) == 1
        )
        #expect(MSGraphThrottle.cost(method: "GET", route: .user("u"), query: [("$select", "id")]) == 1)
        #expect(MSGraphThrottle.cost(method: "POST", route: .users, query: []) == 1)
    }
}
