import Foundation
package import Membership
import NIOHTTP1
package import SCIM

/// The SCIM 2.0 protocol as a target speaks it (RFC 7644): lookups by `eq` filter, index paging,
/// PATCH built with the SCIM module's own `PatchRequest`, member writes in batches. The `scim`,
/// `github-emu` and `slack` connectors sit on it and keep only their vendor's mapping and rules;
/// vendor rules about the wire (throttling, one write at a time) live in their transport.
package struct SCIMTargetClient: Sendable {
    package static let groupSchema = "urn:ietf:params:scim:schemas:core:2.0:Group"
    package static let userSchema = "urn:ietf:params:scim:schemas:core:2.0:User"

    package let transport: HTTPTransport
    /// Resources per page when listing.
    package let pageSize: Int
    /// Members per PATCH (and in a creating POST).
    package let batchSize: Int

    package init(transport: HTTPTransport, pageSize: Int, batchSize: Int) {
        self.transport = transport
        self.pageSize = max(1, pageSize)
        self.batchSize = max(1, batchSize)
    }

    // MARK: - Lookups

    /// The id of the first resource of `endpoint` whose `attribute eq value`; `query` is appended
    /// (`&attributes=id`, `&count=1`) where the vendor takes it.
    package func firstID(_ endpoint: String, where attribute: String, is value: String, query: String = "") async throws
        -> String?
    {
        let r = try await transport.send(.GET, "\(endpoint)?filter=\(Self.filter(attribute, value))\(query)")
        return r.body?["Resources"]?.arrayValue?.first?["id"]?.stringValue
    }

    /// The groups whose `displayName` equals `displayName` (case-insensitively, as RFC 7643 §4.2 has
    /// it). RFC 7643 does not make the name unique, so there may be several.
    package func findGroups(displayName: String) async throws -> [GroupCentricPlanner.TargetGroup] {
        let r = try await transport.send(.GET, "/Groups?filter=\(Self.filter("displayName", displayName))")
        return (r.body?["Resources"]?.arrayValue ?? []).compactMap(Self.group(from:)).filter {
            caseInsensitiveEquals($0.displayName, displayName)
        }
    }

    package func group(id: String) async throws -> GroupCentricPlanner.TargetGroup? {
        let r = try await transport.send(.GET, "/Groups/\(Self.segment(id))", accept: [404])
        return r.status == 404 ? nil : r.body.flatMap(Self.group(from:))
    }

    /// Every resource of `endpoint`, page by page (RFC 7644 §3.4.2.4).
    package func list(_ endpoint: String) async throws -> [JSONValue] {
        try await transport.listAll(endpoint, pageSize: pageSize)
    }

    package func listGroups() async throws -> [GroupCentricPlanner.TargetGroup] {
        try await list("/Groups").compactMap(Self.group(from:))
    }

    /// One cheap authenticated read, the way PingOne's "Test connection" checks a target.
    package func testConnection() async throws {
        _ = try await transport.send(.GET, "/Users?startIndex=1&count=1")
    }

    // MARK: - Writes

    /// POST to `endpoint`; the new resource's id, or nil when the target answered 409 (it exists).
    package func create(_ endpoint: String, _ body: JSONObject) async throws -> String? {
        let r = try await transport.send(.POST, endpoint, body: .object(body), accept: [409])
        if r.status == 409 { return nil }
        guard let id = r.body?["id"]?.stringValue else {
            throw TargetError.permanent(status: r.status, detail: "POST \(endpoint) answered without an id")
        }
        return id
    }

    /// PUT `body` over `endpoint/id`; false when the target has no such resource.
    package func replace(_ endpoint: String, id: String, _ body: JSONObject) async throws -> Bool {
        try await transport.send(.PUT, "\(endpoint)/\(Self.segment(id))", body: .object(body), accept: [404]).status
            != 404
    }

    /// PATCH `endpoint/id` with `operations`, sent as one `PatchRequest`.
    package func patch(_ endpoint: String, id: String, _ operations: [PatchOperation], accept: Set<Int> = [])
        async throws
    {
        _ = try await transport.send(
            .PATCH,
            "\(endpoint)/\(Self.segment(id))",
            body: PatchRequest(operations: operations).json,
            accept: accept
        )
    }

    /// DELETE `endpoint/id`; a resource that is gone already counts as deleted.
    package func delete(_ endpoint: String, id: String) async throws {
        _ = try await transport.send(.DELETE, "\(endpoint)/\(Self.segment(id))", accept: [404])
    }

    /// PATCH `active: false` (a user the target no longer has is left alone).
    package func deactivateUser(id: String) async throws {
        try await patch("/Users", id: id, [PatchOperation(op: .replace, path: "active", value: false)], accept: [404])
    }

    /// Creates a group (with the first batch of members when `membersInCreate`, then the rest by
    /// PATCH). A 409 finds the existing group by name, else by `externalId`, and fills that one.
    package func createGroup(
        displayName: String,
        externalId: String?,
        members: [String],
        membersInCreate: Bool
    ) async throws -> String {
        var body: JSONObject = ["schemas": [.string(Self.groupSchema)], "displayName": .string(displayName)]
        if let externalId { body["externalId"] = .string(externalId) }
        let first = membersInCreate ? Array(members.prefix(batchSize)) : []
        if !first.isEmpty { body["members"] = Self.memberValues(first) }
        let id: String
        if let created = try await create("/Groups", body) {
            id = created
        } else if let existing = try await findGroups(displayName: displayName).first {
            id = existing.id
        } else if let externalId, let existing = try await firstID("/Groups", where: "externalId", is: externalId) {
            id = existing
        } else {
            throw TargetError.retryable(
                detail: "POST /Groups said the group exists, but it cannot be found yet",
                after: nil
            )
        }
        // A failure from here on leaves the group behind; the sync engine's `creating` mark makes the
        // retried event find it as the bridge's own and add what is missing.
        try await addMembers(groupID: id, members: Array(members.dropFirst(first.count)))
        return id
    }

    /// PATCH replace `displayName`: a PUT would have to resend every member or empty the group.
    package func renameGroup(id: String, displayName: String) async throws {
        try await patch(
            "/Groups",
            id: id,
            [PatchOperation(op: .replace, path: "displayName", value: .string(displayName))]
        )
    }

    package func addMembers(groupID: String, members: [String]) async throws {
        for batch in Self.batches(members, batchSize) {
            try await patch(
                "/Groups",
                id: groupID,
                [PatchOperation(op: .add, path: "members", value: Self.memberValues(batch))]
            )
        }
    }

    /// One `members[value eq "id"]` remove per member: removing someone who is not a member matches
    /// nothing and succeeds.
    package func removeMembers(groupID: String, members: [String]) async throws {
        for batch in Self.batches(members, batchSize) {
            try await patch(
                "/Groups",
                id: groupID,
                batch.map {
                    PatchOperation(op: .remove, path: "members[value eq \(JSONValue.string($0).serialized())]")
                }
            )
        }
    }

    // MARK: - Helpers

    /// A listed group, with its members' ids; nil without `id` or `displayName`.
    package static func group(from v: JSONValue) -> GroupCentricPlanner.TargetGroup? {
        guard let id = v["id"]?.stringValue, let name = v["displayName"]?.stringValue else { return nil }
        let members = Set(v["members"]?.arrayValue?.compactMap { $0["value"]?.stringValue } ?? [])
        return .init(id: id, displayName: name, members: members)
    }

    static func memberValues(_ ids: [String]) -> JSONValue { .array(ids.map { ["value": .string($0)] }) }

    /// `attr eq "value"`, percent-encoded for a query string.
    package static func filter(_ attribute: String, _ value: String) -> String {
        percentEncoded("\(attribute) eq \(JSONValue.string(value).serialized())")
    }

    /// A resource id as one path segment.
    package static func segment(_ id: String) -> String { percentEncoded(id) }

    static func percentEncoded(_ s: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return s.addingPercentEncoding(withAllowedCharacters: allowed) ?? s
    }

    static func batches(_ items: [String], _ size: Int) -> [[String]] {
        stride(from: 0, to: items.count, by: max(size, 1)).map { Array(items[$0..<min($0 + size, items.count)]) }
    }
}
