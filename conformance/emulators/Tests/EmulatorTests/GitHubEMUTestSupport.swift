import Emulators
import Foundation
import SCIM

/// Runs `body` against a fresh GitHub EMU emulator on loopback, with a client holding its token.
func withGitHub<T: Sendable>(
    _ configuration: GitHubEMUEmulator.Configuration = .init(),
    _ body: (EmulatorClient, GitHubEMUEmulator) async throws -> T
) async throws -> T {
    try await withRunningEmulator(GitHubEMUEmulator(configuration: configuration)) { url, emulator in
        try await body(EmulatorClient(base: url, token: configuration.token), emulator)
    }
}

/// Bodies that satisfy GitHub's `user`, `group` and `patch-schema`.
enum GitHubBodies {
    static func user(_ userName: String, externalId: String? = nil, extra: JSONObject = [:]) -> JSONObject {
        var o: JSONObject = [
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
            "externalId": .string(externalId ?? "ext-\(userName)"),
            "userName": .string(userName), "active": true, "displayName": .string("User \(userName)"),
            "emails": [["value": .string("\(userName)@example.com"), "type": "work", "primary": true]],
        ]
        for (k, v) in extra { o[k] = v }
        return o
    }

    static func group(_ displayName: String, externalId: String? = nil, members: [String] = []) -> JSONObject {
        var o: JSONObject = [
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
            "externalId": .string(externalId ?? "ext-\(displayName)"),
            "displayName": .string(displayName),
        ]
        if !members.isEmpty {
            o["members"] = .array(members.map { ["value": .string($0), "displayName": .string("m \($0)")] })
        }
        return o
    }

    static func without(_ o: JSONObject, _ key: String) -> JSONObject {
        var copy = o
        copy.removeValue(forKey: key)
        return copy
    }
}
