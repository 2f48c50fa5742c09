import ArgumentParser
import Foundation
import NIOCore
import NIOHTTP1
import SCIM
import Synchronization

/// `scim-conformance load`: an IdP-style SCIM client, the lookups, creates, PATCHes and resync an
/// identity provider sends on its first sync, with a bounded number of requests in flight, timed per
/// phase and per kind of request. The benchmark table (conformance/bench/run) is made with it.
struct Load: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Drive a SCIM server the way an identity provider's first sync does, and time it.",
        subcommands: [Provision.self, PatchLatency.self, Ceiling.self],
        defaultSubcommand: Provision.self
    )
}

/// Connection options shared by the subcommands.
struct Target: ParsableArguments {
    @Option(
        name: [.customLong("base-url"), .customLong("base")],
        help: "SCIM base URL, e.g. http://127.0.0.1:8080/scim/v2/default (http:// only)."
    )
    var base: String
    @Option(help: "Bearer token (omit for servers without authentication).") var token: String?
    @Option(help: "Requests in flight at once.") var concurrency = 16
}

/// One SCIM client: requests on persistent connections of a `LeanHTTPClient`, at most one per task in flight.
struct Client: Sendable {
    let http: LeanHTTPClient
    /// The path of the SCIM base URL, e.g. `/scim/v2/default`.
    let prefix: String
    let token: String?

    /// `base` is an absolute `http://host:port/path` URL.
    init(base: String, token: String?) throws {
        guard let rest = base.split(separator: "://", maxSplits: 1).last, base.hasPrefix("http://") else {
            throw ValidationError("Only http:// URLs are supported: \(base)")
        }
        let authority = rest.prefix { $0 != "/" }
        let hostPort = authority.split(separator: ":", maxSplits: 1)
        guard let host = hostPort.first, let port = Int(hostPort.count > 1 ? hostPort[1] : "80") else {
            throw ValidationError("Cannot read host and port from \(base)")
        }
        self.http = LeanHTTPClient(host: String(host), port: port)
        self.prefix = String(rest.dropFirst(authority.count))
        self.token = token
    }

    struct Reply: Sendable {
        var status: Int
        var bytes: ByteBuffer
        /// From the request's first byte sent to the answer's last byte received.
        var elapsed: Duration
        /// The body as JSON, parsed on demand (most replies are only counted).
        var body: JSONValue? { bytes.readableBytes > 0 ? try? JSONParser.parse(bytes.readableBytesView) : nil }
    }

    func send(_ method: HTTPMethod, _ path: String, _ body: JSONValue? = nil) async throws -> Reply {
        var headers = HTTPHeaders()
        if let token { headers.add(name: "Authorization", value: "Bearer \(token)") }
        var buffer: ByteBuffer?
        if let body {
            headers.add(name: "Content-Type", value: "application/scim+json")
            buffer = ByteBuffer(bytes: body.serializedBytes())
        }
        let start = ContinuousClock.now
        let response = try await http.send(method, prefix + path, headers: headers, body: buffer)
        return Reply(status: response.status, bytes: response.body, elapsed: ContinuousClock.now - start)
    }

    static func query(_ attribute: String, _ value: String) -> String {
        let filter = "\(attribute) eq \(JSONValue.string(value).serialized())"
        return "filter=" + (filter.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? filter)
    }
}

/// Counts requests, failures and latencies per kind of request across concurrent tasks.
actor Tally {
    var requests = 0
    var failures: [String: Int] = [:]
    /// Milliseconds per kind of request (`POST /Users`), in order of first appearance.
    var latencies: [(what: String, ms: [Double])] = []
    private var slot: [String: Int] = [:]

    func record(_ reply: Client.Reply, _ what: String) {
        requests += 1
        if !(200..<300).contains(reply.status) { failures["\(what) \(reply.status)", default: 0] += 1 }
        let i = slot[what] ?? latencies.count
        if i == latencies.count {
            slot[what] = i
            latencies.append((what, []))
        }
        latencies[i].ms.append(seconds(reply.elapsed) * 1000)
    }
}

/// The latency table: count, p50, p90, p99 and max per kind of request; and the same as JSON.
func latencyTable(_ latencies: [(what: String, ms: [Double])]) -> (text: String, json: JSONValue) {
    var lines = [
        "request".padding(toLength: 20, withPad: " ", startingAt: 0)
            + "   count    p50 ms    p90 ms    p99 ms    max ms"
    ]
    var json = JSONObject()
    for (what, values) in latencies where !values.isEmpty {
        let sorted = values.sorted()
        func p(_ q: Int) -> Double { sorted[min(sorted.count - 1, sorted.count * q / 100)] }
        lines.append(
            what.padding(toLength: 20, withPad: " ", startingAt: 0)
                + String(format: " %7d %9.2f %9.2f %9.2f %9.2f", sorted.count, p(50), p(90), p(99), sorted.last!)
        )
        json[what] = ["count": .integer(Int64(sorted.count)), "p50ms": .decimal(p(50)), "p99ms": .decimal(p(99))]
    }
    return (lines.joined(separator: "\n"), .object(json))
}

/// Runs `count` jobs with at most `width` in flight.
func concurrently(_ count: Int, width: Int, _ job: @escaping @Sendable (Int) async throws -> Void) async throws {
    try await withThrowingTaskGroup(of: Void.self) { group in
        var next = 0
        while next < min(width, count) {
            let i = next
            group.addTask { try await job(i) }
            next += 1
        }
        while try await group.next() != nil {
            if next < count {
                let i = next
                group.addTask { try await job(i) }
                next += 1
            }
        }
    }
}

func user(_ i: Int, prefix: String = "") -> JSONValue {
    [
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
        "userName": .string("\(prefix)idp-user-\(i)@example.com"),
        "externalId": .string("ext-\(i)"), "displayName": .string("IdP User \(i)"), "active": true,
        "name": ["givenName": "IdP", "familyName": .string("User \(i)")],
        "emails": [["value": .string("\(prefix)idp-user-\(i)@example.com"), "type": "work", "primary": true]],
    ]
}

/// A members PatchOp. Removal names each member by a value filter (RFC 7644 §3.5.2.2), the form
/// every server accepts; a `value` array on `remove` is a dialect some servers refuse.
func patch(_ op: String, members: [String]) -> JSONValue {
    let operations: [JSONValue] =
        op == "remove"
        ? members.map { ["op": "remove", "path": .string("members[value eq \(JSONValue.string($0).serialized())]")] }
        : [["op": .string(op), "path": "members", "value": .array(members.map { ["value": .string($0)] })]]
    return ["schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": .array(operations)]
}

func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }

/// `provision`: users, groups, memberships, then a full resync; prints one line per phase and a
/// `RESULT {json}` line with the totals.
struct Provision: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "An IdP-style provisioning run and full resync.")
    @OptionGroup var target: Target
    @Option(help: "Users to create (lookup by userName, then POST).") var users = 10_000
    @Option(help: "Groups to create (lookup by displayName, then POST).") var groups = 1_000
    @Option(help: "Memberships to add, spread evenly over the groups, by PATCH.") var memberships = 100_000
    @Option(help: "Members per PATCH.") var batch = 50
    @Option(help: "Put before every userName and displayName, so that a run does not meet earlier data.")
    var prefix = ""

    func run() async throws {
        let client = try Client(base: target.base, token: target.token)
        let tally = Tally()
        let userIDs = IDs(count: users)
        let groupIDs = IDs(count: groups)
        let start = ContinuousClock.now
        var phases: [(String, Duration, Int)] = []
        func phase(_ name: String, _ body: () async throws -> Void) async throws {
            let before = await tally.requests
            let t = ContinuousClock.now
            try await body()
            let d = ContinuousClock.now - t
            let n = await tally.requests - before
            phases.append((name, d, n))
            // Padded in Swift: `%-12@` pads nothing on Linux, which misaligned the lines.
            let label = name.padding(toLength: 12, withPad: " ", startingAt: 0)
            print(
                label + String(format: " %8d requests in %7.2f s  %9.0f req/s", n, seconds(d), Double(n) / seconds(d))
            )
        }
        try await phase("users") {
            try await concurrently(users, width: target.concurrency) { i in
                let found = try await client.send(
                    .GET,
                    "/Users?" + Client.query("userName", "\(prefix)idp-user-\(i)@example.com")
                )
                await tally.record(found, "GET /Users?filter")
                let r = try await client.send(.POST, "/Users", user(i, prefix: prefix))
                await tally.record(r, "POST /Users")
                userIDs.set(i, r.body?["id"]?.stringValue)
            }
        }
        try await phase("groups") {
            try await concurrently(groups, width: target.concurrency) { g in
                let found = try await client.send(
                    .GET,
                    "/Groups?" + Client.query("displayName", "\(prefix)idp-group-\(g)")
                )
                await tally.record(found, "GET /Groups?filter")
                let r = try await client.send(
                    .POST,
                    "/Groups",
                    [
                        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
                        "displayName": .string("\(prefix)idp-group-\(g)"),
                    ]
                )
                await tally.record(r, "POST /Groups")
                groupIDs.set(g, r.body?["id"]?.stringValue)
            }
        }
        let perGroup = max(1, memberships / max(groups, 1))
        @Sendable func members(of g: Int) -> [String] {
            (0..<perGroup).compactMap { k in userIDs.get((g * 7_919 + k * 104_729) % max(users, 1)) }
        }
        try await phase("memberships") {
            try await concurrently(groups, width: target.concurrency) { g in
                guard let gid = groupIDs.get(g) else { return }
                let all = Array(Set(members(of: g)))
                for start in stride(from: 0, to: all.count, by: batch) {
                    let r = try await client.send(
                        .PATCH,
                        "/Groups/\(gid)?excludedAttributes=members",
                        patch("add", members: Array(all[start..<min(start + batch, all.count)]))
                    )
                    await tally.record(r, "PATCH /Groups")
                }
            }
        }
        try await phase("resync") {
            try await concurrently(users, width: target.concurrency) { i in
                let found = try await client.send(
                    .GET,
                    "/Users?" + Client.query("userName", "\(prefix)idp-user-\(i)@example.com")
                )
                await tally.record(found, "GET /Users?filter")
                guard let id = found.body?["Resources"]?.arrayValue?.first?["id"]?.stringValue else { return }
                let r = try await client.send(.PUT, "/Users/\(id)", user(i, prefix: prefix))
                await tally.record(r, "PUT /Users")
            }
            try await concurrently(groups, width: target.concurrency) { g in
                let found = try await client.send(
                    .GET,
                    "/Groups?" + Client.query("displayName", "\(prefix)idp-group-\(g)") + "&excludedAttributes=members"
                )
                await tally.record(found, "GET /Groups?filter")
                guard let id = found.body?["Resources"]?.arrayValue?.first?["id"]?.stringValue else { return }
                let r = try await client.send(
                    .PATCH,
                    "/Groups/\(id)?excludedAttributes=members",
                    patch("add", members: Array(Set(members(of: g)).prefix(batch)))
                )
                await tally.record(r, "PATCH /Groups")
            }
        }
        let total = ContinuousClock.now - start
        let requests = await tally.requests
        let failures = await tally.failures
        for (what, n) in failures.sorted(by: { $0.key < $1.key }) { print("  non-2xx: \(what) x\(n)") }
        let table = latencyTable(await tally.latencies)
        print(table.text)
        let result: JSONValue = [
            "wall": .decimal(seconds(total)), "requests": .integer(Int64(requests)),
            "rps": .decimal(Double(requests) / seconds(total)),
            "failures": .integer(Int64(failures.values.reduce(0, +))),
            "phases": .object(JSONObject(phases.map { ($0.0, .decimal(seconds($0.1))) })),
        ]
        // RESULT stays one whitespace-free field (conformance/bench/run reads it with awk's $2); the
        // latencies, whose keys hold spaces, get a line of their own.
        print("LATENCY " + table.json.serialized())
        print("RESULT " + result.serialized())
    }
}

/// `patch-latency`: a group of `size` members, then `samples` PATCHes adding one member and removing it.
struct PatchLatency: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "patch-latency",
        abstract: "Latency of a ±1 member PATCH on a large group."
    )
    @OptionGroup var target: Target
    @Option var size = 10_000
    @Option var samples = 200

    func run() async throws {
        let client = try Client(base: target.base, token: target.token)
        let ids = IDs(count: size + 1)
        let prefix = "lat-\(size)-\(UUID().uuidString.prefix(8))"
        try await concurrently(size + 1, width: target.concurrency) { i in
            guard case .object(var u) = user(i) else { return }
            u["userName"] = .string("\(prefix)-\(i)@example.com")
            let r = try await client.send(.POST, "/Users", .object(u))
            ids.set(i, r.body?["id"]?.stringValue)
        }
        let g = try await client.send(
            .POST,
            "/Groups?excludedAttributes=members",
            ["schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": .string(prefix)]
        )
        guard let gid = g.body?["id"]?.stringValue else {
            throw ValidationError("group create failed: HTTP \(g.status)")
        }
        let members = (0..<size).compactMap { ids.get($0) }
        for start in stride(from: 0, to: members.count, by: 1_000) {
            _ = try await client.send(
                .PATCH,
                "/Groups/\(gid)?excludedAttributes=members",
                patch("add", members: Array(members[start..<min(start + 1_000, members.count)]))
            )
        }
        guard let extra = ids.get(size) else { throw ValidationError("user create failed") }
        var latencies: [Double] = []
        for _ in 0..<samples {
            for op in ["add", "remove"] {
                let t = ContinuousClock.now
                let r = try await client.send(
                    .PATCH,
                    "/Groups/\(gid)?excludedAttributes=members",
                    patch(op, members: [extra])
                )
                latencies.append(seconds(ContinuousClock.now - t) * 1000)
                guard (200..<300).contains(r.status) else { throw ValidationError("PATCH answered \(r.status)") }
            }
        }
        latencies.sort()
        let p50 = latencies[latencies.count / 2]
        let p99 = latencies[min(latencies.count - 1, latencies.count * 99 / 100)]
        print(
            String(
                format: "PATCH ±1 on %d members: p50 %.2f ms, p99 %.2f ms (%d requests)",
                size,
                p50,
                p99,
                latencies.count
            )
        )
        print(
            "RESULT "
                + JSONValue.object(["size": .integer(Int64(size)), "p50ms": .decimal(p50), "p99ms": .decimal(p99)])
                .serialized()
        )
    }
}

/// Ids by index, filled by concurrent tasks.
final class IDs: Sendable {
    private let values: Mutex<[String?]>
    init(count: Int) { values = Mutex(Array(repeating: nil, count: count)) }
    func set(_ i: Int, _ id: String?) { values.withLock { $0[i] = id } }
    func get(_ i: Int) -> String? { values.withLock { $0[i] } }
}

/// `ceiling`: the driver alone, GETting a trivial endpoint as fast as it can, to show it is not the
/// bottleneck when it drives a SCIM server.
struct Ceiling: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "How many requests a second this driver can send at all.")
    @Option(help: "A trivial endpoint, e.g. bench-hello's http://127.0.0.1:18090/hello") var url: String
    @Option var seconds = 10
    @Option var concurrency = 16

    func run() async throws {
        let client = try Client(base: url, token: nil)
        let tally = Tally()
        let deadline = ContinuousClock.now + .seconds(self.seconds)
        let start = ContinuousClock.now
        try await concurrently(concurrency, width: concurrency) { _ in
            while ContinuousClock.now < deadline {
                let r = try await client.send(.GET, "")
                await tally.record(r, "GET")
            }
        }
        let n = await tally.requests
        let rps = Double(n) / elapsed(since: start)
        print(String(format: "driver alone: %.0f req/s", rps))
        print("RESULT " + JSONValue.object(["rps": .decimal(rps)]).serialized())
    }
}

func elapsed(since start: ContinuousClock.Instant) -> Double { seconds(ContinuousClock.now - start) }
