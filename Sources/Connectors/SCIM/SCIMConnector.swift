import NIOHTTP1
public import Membership
public import SCIM

/// The generic SCIM 2.0 target (RFC 7644): users matched by `userName`, sent as the canonical user
/// (less what the bridge owns); groups created with their first members; the protocol itself is
/// `SCIMTargetClient`'s.
public struct SCIMConnector: GroupCentricConnector {
    let client: SCIMTargetClient

    public init(transport: HTTPTransport, batchSize: Int = 100) {
        client = SCIMTargetClient(transport: transport, pageSize: 100, batchSize: batchSize)
    }

    // MARK: - Users

    public func matchKey(of user: JSONObject) -> String? { user["userName"]?.stringValue }

    public func findUser(matchKey userName: String) async throws -> String? {
        try await client.firstID("/Users", where: "userName", is: userName, query: "&attributes=id")
    }

    /// POST; on 409 the user of the same `userName` is found and returned. A 409 with no such user is
    /// a conflict on some other attribute the target keeps unique: final.
    public func createUser(_ user: JSONObject) async throws -> String {
        if let id = try await client.create("/Users", Self.outbound(user)) { return id }
        if let userName = user["userName"]?.stringValue, let id = try await findUser(matchKey: userName) { return id }
        throw TargetError.permanent(status: 409, detail: "POST /Users answered 409, but no user has its userName")
    }

    public func replaceUser(id: String, _ user: JSONObject) async throws -> Bool {
        try await client.replace("/Users", id: id, Self.outbound(user))
    }

    public func removeUser(id: String, action: UserRemoval) async throws {
        switch action {
        case .delete: try await client.delete("/Users", id: id)
        case .disable: try await client.deactivateUser(id: id)
        }
    }

    // MARK: - Groups

    public func findGroup(displayName: String) async throws -> GroupCentricPlanner.TargetGroup? {
        try await client.findGroup(displayName: displayName)
    }

    public func group(id: String) async throws -> GroupCentricPlanner.TargetGroup? { try await client.group(id: id) }

    public func createGroup(displayName: String, externalId: String, members: [String]) async throws -> String {
        try await client.createGroup(displayName: displayName, externalId: externalId, members: members, membersInCreate: true)
    }

    public func renameGroup(id: String, displayName: String) async throws {
        try await client.renameGroup(id: id, displayName: displayName)
    }

    public func addMembers(groupID: String, members: [String]) async throws {
        try await client.addMembers(groupID: groupID, members: members)
    }

    public func removeMembers(groupID: String, members: [String]) async throws {
        try await client.removeMembers(groupID: groupID, members: members)
    }

    public func deleteGroup(id: String) async throws { try await client.delete("/Groups", id: id) }

    // MARK: - Listing

    public func listGroups() async throws -> [GroupCentricPlanner.TargetGroup] { try await client.listGroups() }

    public func listUsers() async throws -> [TargetUser] {
        try await client.list("/Users").compactMap(SCIMUserState.listed)
    }

    public func differences(of user: JSONObject, from actual: TargetUser) -> [AttributeDifference] {
        SCIMUserState.differences(of: user, from: actual)
    }

    public func testConnection() async throws { try await client.testConnection() }

    /// The canonical attributes a target may receive: no server-owned or derived ones.
    static func outbound(_ user: JSONObject) -> JSONObject {
        var o = user
        for key in ["id", "meta", "groups", "password"] { o.removeValue(forKey: key) }
        if o["schemas"] == nil { o["schemas"] = [.string(SCIMTargetClient.userSchema)] }
        return o
    }
}
