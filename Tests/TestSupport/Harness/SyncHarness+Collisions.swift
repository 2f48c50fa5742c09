import SCIM
import Store
package import Testing

// The steps every kind's collision tests share, after `pushPingOneSample` (or the kind's own push of
// the same users and groups) met a same-named group "Engineering" holding `foreign`.
extension SyncHarness {
    /// Under `fail`: "Engineering" still holds only `foreign`, "Sales" was created, and the bridge's
    /// mapping of "Engineering" is blocked, with an audit entry saying so.
    package func expectCollidingGroupBlocked(
        ids: [String: String],
        foreign: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        #expect(members(of: "Engineering") == [foreign], sourceLocation: sourceLocation)
        #expect(members(of: "Sales") == ["carol@example.com"], sourceLocation: sourceLocation)
        let engineering = try #require(ids["Engineering"], sourceLocation: sourceLocation)
        #expect(try await mapping(group: engineering)?.origin == .blocked, sourceLocation: sourceLocation)
        #expect(
            try await bridge.store.auditEntries(target: target).contains { $0.action == "blocked" },
            sourceLocation: sourceLocation
        )
    }

    /// Under `fail`: later changes to the blocked group still leave the target's group alone.
    package func expectBlockedGroupUntouchedByChanges(
        _ c: SCIMClient,
        ids: [String: String],
        foreign: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        let engineering = try #require(ids["Engineering"], sourceLocation: sourceLocation)
        let carol = try #require(ids["carol"], sourceLocation: sourceLocation)
        try await c.addMember(carol, to: engineering, token: token)
        try await drain()
        #expect(members(of: "Engineering") == [foreign], sourceLocation: sourceLocation)
    }

    /// The second half of every kind's `merge` test. The push has left the adopted group "Engineering"
    /// holding `foreign` and the bridge's alice and bob (canonical ids in `ids`): a source removal of
    /// alice takes away only her, and deleting the source group takes away only bob, leaving `foreign`.
    package func expectMergeRemovesOnlyBridgeAddedMembers(
        _ c: SCIMClient,
        ids: [String: String],
        foreign: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        let engineering = try #require(ids["Engineering"], sourceLocation: sourceLocation)
        let alice = try #require(ids["alice"], sourceLocation: sourceLocation)
        try await c.removeMember(alice, from: engineering, token: token)
        try await drain()
        #expect(members(of: "Engineering") == [foreign, "bob@example.com"], sourceLocation: sourceLocation)

        // Deleting the source group removes the bridge's members and keeps the group.
        #expect(
            try await c.delete("/scim/v2/pingone/Groups/\(engineering)", token: token).status == 204,
            sourceLocation: sourceLocation
        )
        try await drain()
        #expect(members(of: "Engineering") == [foreign], sourceLocation: sourceLocation)
    }

    /// Under `merge`, after the push: "Engineering" holds `foreign`, then alice and bob, and the
    /// adoption is audited with the one foreign member kept.
    package func expectMergeAdopted(foreign: String, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        #expect(
            members(of: "Engineering") == [foreign, "alice@example.com", "bob@example.com"],
            sourceLocation: sourceLocation
        )
        let adoption = try #require(
            try await bridge.store.auditEntries(target: target).first { $0.action.hasPrefix("adopted") },
            sourceLocation: sourceLocation
        )
        #expect(adoption.detail["membersKept"]?.arrayValue?.count == 1, sourceLocation: sourceLocation)
    }
}
