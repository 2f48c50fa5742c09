import Foundation
import SCIM
import TestSupport
import Testing

@testable import Server

/// Recorded PingOne, Okta and Entra push sequences (conformance/scenarios, the scenarios of
/// `scim-conformance run`), replayed over real HTTP against a fresh channel each, with every
/// expected answer checked, scim-bridge's own (`bridge`) included (docs/traffic-fixtures.md).
@Suite("IdP replays")
struct IdPReplayTests {
    static let fixtureRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("conformance/scenarios")

    static var fixtures: [String] {
        let e = FileManager.default.enumerator(at: fixtureRoot, includingPropertiesForKeys: nil)
        var names: [String] = []
        while let url = e?.nextObject() as? URL {
            guard url.pathExtension == "json" else { continue }
            names.append(url.path.replacingOccurrences(of: fixtureRoot.path + "/", with: ""))
        }
        return names.sorted()
    }

    @Test func everyIdPHasFixtures() {
        for idp in ["pingone", "okta", "entra"] {
            #expect(Self.fixtures.contains { $0.hasPrefix(idp + "/") }, "no fixtures for \(idp)")
        }
    }

    @Test(arguments: fixtures)
    func replay(_ file: String) async throws {
        let text = try String(contentsOf: Self.fixtureRoot.appendingPathComponent(file), encoding: .utf8)
        let fixture = try JSONParser.parse(text)
        try await withTestBridge { bridge in
            let channel = try #require(fixture["idp"]?.stringValue)
            let token = try await bridge.channel(channel)
            try await bridge.run(publicURL: "http://bridge.test") { client in
                let runner = FixtureRunner(
                    client: client,
                    channel: channel,
                    token: token,
                    baseURL: "http://bridge.test/scim/v2/\(channel)"
                )
                try await runner.run(fixture)
            }
        }
    }
}
