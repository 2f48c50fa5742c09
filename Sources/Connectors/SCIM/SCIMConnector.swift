package import Membership
import NIOHTTP1
package import SCIM

/// The generic SCIM 2.0 target (RFC 7644): users matched by `userName`, sent as the canonical user
/// (less what the bridge owns); groups created with their first members and their `externalId`; the
/// protocol itself is `SCIMTargetClient`'s.
package struct SCIMConnector: SCIMGroupCentricConnector {
    package let client: SCIMTargetClient
    package static let membersInCreate = true
    package static let groupsTakeExternalId = true

    package init(transport: HTTPTransport, batchSize: Int = 100) {
        client = SCIMTargetClient(transport: transport, pageSize: 100, batchSize: batchSize)
    }

    // MARK: - Users

    package func matchKey(of user: JSONObject) -> String? { user["userName"]?.stringValue }

    package func findUser(matchKey userName: String) async throws -> String? {
        try await client.firstID("/Users", where: "userName", is: userName, query: "&attributes=id")
    }

    /// POST; on 409 the user of the same `userName` is found and returned. A 409 with no such user is
    /// a conflict on some other attribute the target keeps unique: final.
    package func preview(of user: JSONObject) throws -> JSONValue { .object(Self.outbound(user)) }

    package func createUser(_ user: JSONObject) async throws -> String {
        if let id = try await client.create("/Users", Self.outbound(user)) { return id }
        if let userName = user["userName"]?.stringValue, let id = try await findUser(matchKey: userName) { return id }
        throw TargetError.permanent(status: 409, detail: "POST /Users answered 409, but no user has its userName")
    }

    package func replaceUser(id: String, _ user: JSONObject) async throws -> Bool {
        try await client.replace("/Users", id: id, Self.outbound(user))
    }

    // MARK: - Reconciliation

    package func listUsers() async throws -> [TargetUser] {
        try await client.list("/Users").compactMap(SCIMUserState.listed)
    }

    package func differences(of user: JSONObject, from actual: TargetUser) -> [AttributeDifference] {
        SCIMUserState.differences(of: user, from: actual)
    }

    /// The canonical attributes a target may receive: no server-owned or derived ones.
    static func outbound(_ user: JSONObject) -> JSONObject {
        var o = user
        for key in ["id", "meta", "groups", "password"] { o.removeValue(forKey: key) }
        if o["schemas"] == nil { o["schemas"] = [.string(SCIMTargetClient.userSchema)] }
        return o
    }
}
