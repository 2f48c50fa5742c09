import AsyncHTTPClient
import BridgeConfig
import Emulators
import Foundation
import HummingbirdTesting
import Membership
import NIOCore
import NIOHTTP1
import SCIM
import Store
import Sync
import TestSupport
import Testing

@testable import Server

/// Scale against GitHub's rate limit. GitHub's real SCIM budget is far lower (5,000 requests an
/// hour, secondary limits near 900 points a minute); both limits here are SCALED UP so that each
/// test runs in seconds. What is under test is unchanged: the connector's token bucket, set below
/// the emulator's limit, keeps every request under it, so the emulator never answers 429.
@Suite("GitHub EMU at scale", .serialized)
struct GitHubEMUScaleTests {
    typealias H = GitHubEMUHarness

    /// POSTs with a deadline of its own. What these tests measure is the rate limit kept on the way
    /// out; with the whole suite running in parallel on two cores, an inbound request queued behind
    /// the delivery of thousands of changes can outlast the shared test client's fixed 15 s.
    static func post(_ path: String, token: String, _ body: JSONValue, _ c: SCIMClient) async throws -> (
        status: Int, body: JSONValue?
    ) {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(try #require(c.client.port))\(path)")
        request.method = .POST
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        request.headers.add(name: "Content-Type", value: "application/scim+json")
        request.body = .bytes(ByteBuffer(bytes: body.serializedBytes()))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(120))
        let bytes = try await response.body.collect(upTo: 16 << 20)
        return (
            Int(response.status.code), bytes.readableBytes > 0 ? try? JSONParser.parse(bytes.readableBytesView) : nil
        )
    }

    /// Creates `names` through `/Bulk`, 50 operations a request (a loaded machine must stay well inside
    /// the test client's deadline), and returns their bridge ids.
    func bulkCreateUsers(_ names: [String], _ h: SyncHarness<GitHubEMUEmulator>, _ c: SCIMClient) async throws
        -> [String]
    {
        var ids: [String] = []
        for chunk in stride(from: 0, to: names.count, by: 50).map({ Array(names[$0..<min($0 + 50, names.count)]) }) {
            let ops: [JSONValue] = chunk.map { name in
                ["method": "POST", "path": "/Users", "bulkId": .string(name), "data": H.user(name)]
            }
            let r = try await Self.post(
                "/scim/v2/pingone/Bulk",
                token: h.token,
                ["schemas": ["urn:ietf:params:scim:api:messages:2.0:BulkRequest"], "Operations": .array(ops)],
                c
            )
            #expect(r.status == 200)
            for op in r.body?["Operations"]?.arrayValue ?? [] {
                if let location = op["location"]?.stringValue {
                    ids.append(String(location.split(separator: "/").last!))
                }
            }
        }
        #expect(ids.count == names.count)
        return ids
    }

    /// 1,000 members by default; 10,000 too with `SCIM_BRIDGE_SCALE_TESTS=1`. The 10,000 case is
    /// bound by the bridge's own inbound and outbox throughput (minutes on a shared 2-core machine),
    /// beyond the ~20 s a default test may take.
    static let memberCounts =
        ProcessInfo.processInfo.environment["SCIM_BRIDGE_SCALE_TESTS"] == nil ? [1_000] : [1_000, 10_000]

    @Test(arguments: memberCounts)
    func largeGroupStaysUnderTheRateLimit(_ count: Int) async throws {
        // Scaled: emulator 300,000 requests/min (burst 500), connector 240,000/min (burst 200).
        try await H.with(
            policy: .fail,
            emulatorLimit: .perMinute(300_000, burst: 500),
            connectorPerMinute: 240_000,
            connectorBurst: 200,
            concurrency: 8,
            limits: LimitSettings(maxBodyBytes: 4 << 20)
        ) { h, c in
            let start = ContinuousClock.now
            let ids = try await bulkCreateUsers((0..<count).map { "member\($0)" }, h, c)
            let group = try await Self.post(
                "/scim/v2/pingone/Groups",
                token: h.token,
                Bodies.group("Everyone", members: ids),
                c
            )
            #expect(group.status == 201)
            let pushed = ContinuousClock.now
            try await h.drain()
            let state = h.emulator.state()
            let members = state.group(named: "Everyone").map(GitHubEMUState.memberIDs(of:)) ?? []
            print(
                "GitHub EMU \(count)-member group: inbound \(pushed - start), delivery \(ContinuousClock.now - pushed),",
                "\(state.counters.totalRequests) requests, \(state.counters.tooManyRequests) answered 429"
            )
            #expect(members.count == count)
            #expect(state.users.count == count)
            #expect(state.counters.tooManyRequests == 0)
            // Members go in PATCHes of at most 100 (the link adds them, and the membership event of
            // the same POST, delivered after, finds them there: adding a member twice is harmless).
            let adds = h.emulator.requests.filter { $0.method == "PATCH" && $0.path.contains("/Groups/") }
            #expect(adds.count >= count / 100)
            #expect(
                adds.allSatisfy { ($0.body?["Operations"]?.arrayValue?.first?["value"]?.arrayValue?.count ?? 0) <= 100 }
            )
            #expect(try await h.deadLetters().isEmpty)
        }
    }

    @Test func thousandGroupsInOneChannelStayUnderTheRateLimit() async throws {
        // Scaled: emulator 60,000 requests/min (burst 100), connector 45,000/min (burst 50).
        try await H.with(
            policy: .fail,
            emulatorLimit: .perMinute(60_000, burst: 100),
            connectorPerMinute: 45_000,
            connectorBurst: 50,
            concurrency: 8
        ) { h, c in
            let start = ContinuousClock.now
            var users: [String] = []
            for i in 0..<10 {
                users.append(
                    try #require(
                        try await Self.post("/scim/v2/pingone/Users", token: h.token, H.user("u\(i)"), c).body?["id"]?
                            .stringValue
                    )
                )
            }
            for i in 0..<1000 {
                #expect(
                    try await Self.post(
                        "/scim/v2/pingone/Groups",
                        token: h.token,
                        Bodies.group("team-\(i)", members: [users[i % 10]]),
                        c
                    ).status == 201
                )
            }
            let pushed = ContinuousClock.now
            try await h.drain()
            let state = h.emulator.state()
            print(
                "GitHub EMU 1,000 groups: inbound \(pushed - start), delivery \(ContinuousClock.now - pushed),",
                "\(state.counters.totalRequests) requests, \(state.counters.tooManyRequests) answered 429"
            )
            #expect(state.groups.count == 1000)
            #expect(state.memberNames(of: "team-999") == ["u9@example.com"])
            #expect(state.counters.tooManyRequests == 0)
            #expect(try await h.deadLetters().isEmpty)
        }
    }
}
