import ConformanceKit
import HTTPTypes
import NIOCore
import SCIM
import TestSupport

/// Replays a traffic scenario (docs/traffic-fixtures.md) against a channel of a running bridge with
/// every expectation checked, the `bridge` class included, through the runner `scim-conformance`
/// uses; throws naming each failed check.
struct FixtureRunner {
    let client: SCIMClient
    let channel: String
    let token: String
    /// The channel base URL as the server renders it (`{{baseURL}}`).
    let baseURL: String

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// The test client as the runner's transport.
    struct Transport: ConformanceTransport {
        let client: SCIMClient
        let channel: String
        let token: String
        let baseURL: String
        var addedHeaders: [(name: String, value: String)] { [("Authorization", "Bearer (redacted)")] }

        func send(_ request: OutgoingRequest) async throws -> Answer {
            var headers: HTTPFields = [:]
            for h in request.headers {
                if let name = HTTPField.Name(h.name) { headers[name] = h.value }
            }
            let reply = try await client.request(
                HTTPRequest.Method(request.method)!,
                "/scim/v2/\(channel)" + request.path,
                token: token,
                rawBody: request.body.map { String(decoding: $0, as: UTF8.self) },
                headers: headers
            )
            return Answer(
                status: reply.status,
                headers: reply.headers.map { ($0.name.rawName, $0.value) },
                body: Array(reply.raw.readableBytesView)
            )
        }
    }

    /// Runs every step; throws a `Failure` naming scenario, step, note, request and mismatch.
    func run(_ fixture: JSONValue) async throws {
        let scenario = try Scenario(json: fixture)
        let runner = ScenarioRunner(
            transport: Transport(client: client, channel: channel, token: token, baseURL: baseURL),
            classes: Set(CheckClass.allCases),
            prefix: "replay-"
        )
        let suite = await runner.run(scenario)
        var problems = suite.cases.filter { $0.outcome != .passed }.map { c in
            "\(suite.name) \(c.title) [\(c.classLabel)]: \(c.message ?? "")"
                + (c.exchange.map { "\n" + $0.text } ?? "")
        }
        if let error = suite.error { problems.insert("\(suite.name): \(error)", at: 0) }
        if !problems.isEmpty { throw Failure(description: problems.joined(separator: "\n")) }
    }
}
