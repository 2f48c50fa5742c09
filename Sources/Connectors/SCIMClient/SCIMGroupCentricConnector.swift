package import Membership
package import SCIM

/// A group-centric connector whose target speaks SCIM (the `scim`, `github-emu` and `slack` kinds):
/// its group calls are its `SCIMTargetClient`'s, so that each connector keeps only its vendor's user
/// mapping and rules.
package protocol SCIMGroupCentricConnector: GroupCentricConnector {
    var client: SCIMTargetClient { get }
    /// Whether a new group's first members go in its POST (else all follow by PATCH add).
    static var membersInCreate: Bool { get }
    /// Whether the target keeps a group's `externalId`.
    static var groupsTakeExternalId: Bool { get }
}

extension SCIMGroupCentricConnector {
    package func findGroups(displayName: String) async throws -> [GroupCentricPlanner.TargetGroup] {
        try await client.findGroups(displayName: displayName)
    }

    package func group(id: String) async throws -> GroupCentricPlanner.TargetGroup? { try await client.group(id: id) }

    package func createGroup(displayName: String, externalId: String, members: [String]) async throws -> String {
        try await client.createGroup(
            displayName: displayName,
            externalId: Self.groupsTakeExternalId ? externalId : nil,
            members: members,
            membersInCreate: Self.membersInCreate
        )
    }

    package func renameGroup(id: String, displayName: String) async throws {
        try await client.renameGroup(id: id, displayName: displayName)
    }

    package func addMembers(groupID: String, members: [String]) async throws {
        try await client.addMembers(groupID: groupID, members: members)
    }

    package func removeMembers(groupID: String, members: [String]) async throws {
        try await client.removeMembers(groupID: groupID, members: members)
    }

    package func deleteGroup(id: String) async throws { try await client.delete("/Groups", id: id) }

    package func listGroups() async throws -> [GroupCentricPlanner.TargetGroup] { try await client.listGroups() }

    package func testConnection() async throws { try await client.testConnection() }

    /// `delete` deletes; `disable` PATCHes `active: false`.
    package func removeUser(id: String, action: UserRemoval) async throws {
        switch action {
        case .delete: try await client.delete("/Users", id: id)
        case .disable: try await client.deactivateUser(id: id)
        }
    }
}
