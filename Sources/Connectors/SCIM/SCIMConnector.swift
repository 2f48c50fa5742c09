import Foundation
import NIOHTTP1
public import Membership
public import SCIM

/// The generic SCIM 2.0 target (RFC 7644): lookups by `userName eq` and `displayName eq`, POST, PUT,
/// PATCH of members in batches, DELETE.
public struct SCIMConnector: GroupCentricConnector {
    let transport: HTTPTransport
    /// Members per PATCH request.
    let batchSize: Int

    public init(transport: HTTPTransport, batchSize: Int = 100) {
        self.transport = transport
        self.batchSize = batchSize
    }

    static let userSchema = "urn:ietf:params:scim:schemas:core:2.0:User"
    static let groupSchema = "urn:ietf:params:scim:schemas:core:2.0:Group"
    static let patchSchema = "urn:ietf:params:scim:api:messages:2.0:PatchOp"

    // MARK: - Users

    public func matchKey(of user: JSONObject) -> String? { user["userName"]?.stringValue }

    public func findUser(matchKey userName: String) async throws -> String? {
        let r = try await transport.send(.GET, "/Users?filter=\(Self.filter("userName", userName))&attributes=id")
        return r.body?["Resources"]?.arrayValue?.first?["id"]?.stringValue
    }

    public func createUser(_ user: JSONObject) async throws -> String {
        let r = try await transport.send(.POST, "/Users", body: .object(Self.outbound(user)), accept: [409])
        if r.status == 409, let userName = user["userName"]?.stringValue, let id = try await findUser(matchKey: userName) {
            return id
        }
        guard let id = r.body?["id"]?.stringValue else {
            throw TargetError.permanent(status: r.status, detail: "POST /Users answered without an id")
        }
        return id
    }

    public func replaceUser(id: String, _ user: JSONObject) async throws -> Bool {
        let r = try await transport.send(.PUT, "/Users/\(Self.segment(id))", body: .object(Self.outbound(user)), accept: [404])
        return r.status != 404
    }

    public func removeUser(id: String, action: UserRemoval) async throws {
        switch action {
        case .delete:
            _ = try await transport.send(.DELETE, "/Users/\(Self.segment(id))", accept: [404])
        case .disable:
            _ = try await transport.send(
                .PATCH, "/Users/\(Self.segment(id))",
                body: ["schemas": [.string(Self.patchSchema)], "Operations": [["op": "replace", "path": "active", "value": false]]],
                accept: [404])
        }
    }

    // MARK: - Groups

    public func findGroup(displayName: String) async throws -> GroupCentricPlanner.TargetGroup? {
        let r = try await transport.send(.GET, "/Groups?filter=\(Self.filter("displayName", displayName))")
        return r.body?["Resources"]?.arrayValue?.first.flatMap(Self.group(from:))
    }

    public func group(id: String) async throws -> GroupCentricPlanner.TargetGroup? {
        let r = try await transport.send(.GET, "/Groups/\(Self.segment(id))", accept: [404])
        return r.status == 404 ? nil : r.body.flatMap(Self.group(from:))
    }

    public func createGroup(displayName: String, externalId: String, members: [String]) async throws -> String {
        var body: JSONObject = [
            "schemas": [.string(Self.groupSchema)], "displayName": .string(displayName), "externalId": .string(externalId),
        ]
        let first = Array(members.prefix(batchSize))
        if !first.isEmpty { body["members"] = .array(first.map { ["value": .string($0)] }) }
        let r = try await transport.send(.POST, "/Groups", body: .object(body), accept: [409])
        let id: String
        if r.status == 409 {
            guard let existing = try await findGroup(displayName: displayName) else {
                throw TargetError.retryable(detail: "POST /Groups said the group exists, but it cannot be found yet", after: nil)
            }
            id = existing.id
        } else {
            guard let created = r.body?["id"]?.stringValue else {
                throw TargetError.permanent(status: r.status, detail: "POST /Groups answered without an id")
            }
            id = created
        }
        if members.count > first.count { try await addMembers(groupID: id, members: Array(members.dropFirst(first.count))) }
        return id
    }

    public func renameGroup(id: String, displayName: String) async throws {
        _ = try await transport.send(
            .PATCH, "/Groups/\(Self.segment(id))",
            body: [
                "schemas": [.string(Self.patchSchema)],
                "Operations": [["op": "replace", "path": "displayName", "value": .string(displayName)]],
            ])
    }

    public func addMembers(groupID: String, members: [String]) async throws {
        for batch in Self.batches(members, batchSize) {
            _ = try await transport.send(
                .PATCH, "/Groups/\(Self.segment(groupID))",
                body: [
                    "schemas": [.string(Self.patchSchema)],
                    "Operations": [["op": "add", "path": "members", "value": .array(batch.map { ["value": .string($0)] })]],
                ])
        }
    }

    public func removeMembers(groupID: String, members: [String]) async throws {
        for batch in Self.batches(members, batchSize) {
            // One filtered remove per member: removing an absent member matches nothing and succeeds.
            let ops: [JSONValue] = batch.map { ["op": "remove", "path": .string("members[value eq \(JSONValue.string($0).serialized())]")] }
            _ = try await transport.send(
                .PATCH, "/Groups/\(Self.segment(groupID))", body: ["schemas": [.string(Self.patchSchema)], "Operations": .array(ops)])
        }
    }

    public func deleteGroup(id: String) async throws {
        _ = try await transport.send(.DELETE, "/Groups/\(Self.segment(id))", accept: [404])
    }

    // MARK: - Listing

    public func listGroups() async throws -> [GroupCentricPlanner.TargetGroup] {
        try await list("/Groups").compactMap(Self.group(from:))
    }

    public func listUsers() async throws -> [TargetUser] {
        try await list("/Users").compactMap(SCIMUserState.listed)
    }

    public func differences(of user: JSONObject, from actual: TargetUser) -> [AttributeDifference] {
        SCIMUserState.differences(of: user, from: actual)
    }

    public func testConnection() async throws {
        _ = try await transport.send(.GET, "/Users?startIndex=1&count=1")
    }

    func list(_ endpoint: String) async throws -> [JSONValue] {
        try await transport.listAll(endpoint, pageSize: 100)
    }

    // MARK: - Helpers

    static func group(from v: JSONValue) -> GroupCentricPlanner.TargetGroup? {
        guard let id = v["id"]?.stringValue, let name = v["displayName"]?.stringValue else { return nil }
        let members = Set(v["members"]?.arrayValue?.compactMap { $0["value"]?.stringValue } ?? [])
        return .init(id: id, displayName: name, members: members)
    }

    /// The canonical attributes a target may receive: no server-owned or derived ones.
    static func outbound(_ user: JSONObject) -> JSONObject {
        var o = user
        for key in ["id", "meta", "groups", "password"] { o.removeValue(forKey: key) }
        if o["schemas"] == nil { o["schemas"] = [.string(userSchema)] }
        return o
    }

    /// `attr eq "value"`, percent-encoded for a query string.
    static func filter(_ attribute: String, _ value: String) -> String {
        percentEncoded("\(attribute) eq \(JSONValue.string(value).serialized())")
    }

    static func segment(_ id: String) -> String { percentEncoded(id) }

    static func percentEncoded(_ s: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return s.addingPercentEncoding(withAllowedCharacters: allowed) ?? s
    }

    static func batches(_ items: [String], _ size: Int) -> [[String]] {
        stride(from: 0, to: items.count, by: max(size, 1)).map { Array(items[$0..<min($0 + size, items.count)]) }
    }
}
