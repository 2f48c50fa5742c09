import Emulators
import Foundation
import SCIM

/// Runs `body` against a fresh Slack emulator on loopback, with a client carrying its token.
func withSlack<T: Sendable>(
    _ configuration: SlackEmulator.Configuration = .init(rateScale: nil),
    _ body: (EmulatorClient, SlackEmulator) async throws -> T
) async throws -> T {
    try await withRunningEmulator(SlackEmulator(configuration: configuration)) { url, emulator in
        try await body(EmulatorClient(base: url, token: configuration.token), emulator)
    }
}

/// A Slack user body: `userName` and the given emails.
func slackUser(_ userName: String, emails: [String]? = nil, extra: JSONObject = [:]) -> JSONValue {
    var o: JSONObject = [
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": .string(userName),
        "emails": .array((emails ?? ["\(userName)@example.com"]).map { ["value": .string($0)] }),
    ]
    for (k, v) in extra { o[k] = v }
    return .object(o)
}

/// The exact Slack error body for a code and status.
func slackError(_ code: String, _ status: Int) -> JSONValue {
    [
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:Error"], "detail": .string(code),
        "status": .integer(Int64(status)),
    ]
}
