import SCIM
package import Testing

// The push every "a token expiring mid-sync costs no dead letter" test makes, whichever way the target
// signs in (OAuth access tokens, Salesforce sessions).
extension SyncHarness {
    /// Eight users and four groups ("team 0"…"team 3", two members each) delivered while `revoke`
    /// invalidates the target's tokens after every round; then, once a token's `lifetime` has passed,
    /// one more group ("late") delivered on the expired cached token. Expects every group complete and
    /// nothing dead-lettered; the caller checks how many tokens it took.
    package func pushWhileTokensExpire(
        _ c: SCIMClient,
        lifetime: Duration,
        revoke: () -> Void,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        var users: [String] = []
        for i in 0..<8 {
            let r = try await c.post("/scim/v2/pingone/Users", token: token, Bodies.user("u\(i)@example.com"))
            users.append(try #require(r.body?["id"]?.stringValue, sourceLocation: sourceLocation))
        }
        for i in 0..<4 {
            _ = try await c.post(
                "/scim/v2/pingone/Groups",
                token: token,
                Bodies.group("team \(i)", members: [users[i], users[i + 4]])
            )
        }
        try await drain(between: revoke)
        try await Task.sleep(for: lifetime + .milliseconds(100))  // the cached token is now past its lifetime
        _ = try await c.post("/scim/v2/pingone/Groups", token: token, Bodies.group("late", members: [users[0]]))
        try await drain()
        for i in 0..<4 {
            #expect(
                members(of: "team \(i)") == ["u\(i)@example.com", "u\(i + 4)@example.com"],
                sourceLocation: sourceLocation
            )
        }
        #expect(members(of: "late") == ["u0@example.com"], sourceLocation: sourceLocation)
        #expect(try await deadLetters().isEmpty, sourceLocation: sourceLocation)
    }
}
