import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import SCIM
import TestSupport
import Testing

@testable import Server

@Suite("serve --record writes replayable, redacted fixtures")
struct RecordingTests {
    @Test func recordedSessionReplaysOnAFreshBridgeAndHoldsNoSecrets() async throws {
        try await withTestBridge { recording in
            let token = try await recording.channel("rec")
            let dir = recording.directory.appendingPathComponent("recordings")
            var logger = Logger(label: "test")
            logger.logLevel = .critical
            let app = try buildApplication(
                configuration: ServerConfiguration(
                    port: 0,
                    publicURL: "http://recorder.test",
                    recordDirectory: dir.path
                ),
                store: recording.store,
                logger: logger
            )
            try await app.test(.ahc(.http)) { client in
                let c = SCIMClient(client: client)
                var user = Bodies.user("recorded@example.com", email: "recorded@example.com").objectValue!
                user["password"] = "s3cret-Passw0rd"
                let u = try await c.post("/scim/v2/rec/Users", token: token, .object(user))
                let id = try #require(u.body?["id"]?.stringValue)
                let g = try await c.post("/scim/v2/rec/Groups", token: token, Bodies.group("Recorded", members: [id]))
                let gid = try #require(g.body?["id"]?.stringValue)
                _ = try await c.get(
                    "/scim/v2/rec/Users?filter=userName%20eq%20%22recorded%40example.com%22",
                    token: token
                )
                _ = try await c.patch(
                    "/scim/v2/rec/Groups/\(gid)",
                    token: token,
                    Bodies.patch([["op": "replace", "path": "displayName", "value": "Renamed"]])
                )
                _ = try await c.patch(
                    "/scim/v2/rec/Users/\(id)",
                    token: token,
                    Bodies.patch([["op": "replace", "path": "password", "value": "n3w-s3cret"]])
                )
                _ = try await c.delete("/scim/v2/rec/Groups/\(gid)", token: token)
            }
            let files = try FileManager.default.contentsOfDirectory(at: dir, includingPropertiesForKeys: nil)
            let file = try #require(
                files.first { $0.lastPathComponent.hasPrefix("rec-") && $0.pathExtension == "json" }
            )
            let text = try String(contentsOf: file, encoding: .utf8)
            #expect(!text.contains("s3cret"))
            #expect(!text.contains(token))
            #expect(!text.lowercased().contains("authorization"))
            let fixture = try JSONParser.parse(text)
            #expect(fixture["steps"]?.arrayValue?.count == 6)
            #expect(fixture["name"]?.stringValue == file.deletingPathExtension().lastPathComponent)

            // The recording replays as a fixture against a different, empty bridge.
            try await withTestBridge { replay in
                let replayToken = try await replay.channel("rec")
                try await replay.run(publicURL: "http://elsewhere.test") { client in
                    try await FixtureRunner(
                        client: client,
                        channel: "rec",
                        token: replayToken,
                        baseURL: "http://elsewhere.test/scim/v2/rec"
                    )
                    .run(fixture)
                }
            }
        }
    }
}
