import Foundation
import NIOHTTP1
public import Membership
public import SCIM

/// GitHub Enterprise Managed Users through its SCIM API (`/scim/v2/enterprises/{enterprise}`,
/// RFC 7644 as GitHub's OpenAPI narrows it): users matched by `userName`; groups created without
/// members, then filled by PATCH add in batches (member items in a POST need a `displayName` the
/// bridge does not keep); renamed by PATCH, never PUT, which would empty the group; PATCH on a
/// group may answer 200 with the group or 204.
public struct GitHubEMUConnector: GroupCentricConnector {
    let transport: HTTPTransport
    /// Members per PATCH request.
    let batchSize: Int

    public init(transport: HTTPTransport, batchSize: Int = 100) {
        self.transport = transport.throttling(Self.throttle)
        self.batchSize = max(1, batchSize)
    }

    static let groupSchema = "urn:ietf:params:scim:schemas:core:2.0:Group"
    static let patchSchema = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
    static let pageSize = 100

    // MARK: - Users

    public func matchKey(of user: JSONObject) -> String? { user["userName"]?.stringValue }

    public func findUser(matchKey userName: String) async throws -> String? {
        try await firstID("/Users", "userName", userName)
    }

    /// POST; on 409 the existing user (same `userName`, or same `externalId`) is found and returned.
    public func createUser(_ user: JSONObject) async throws -> String {
        let body = GitHubEMUUserMapping.body(for: user)
        let r = try await send(.POST, "/Users", body: .object(body), accept: [409])
        if r.status == 409 {
            if let userName = body["userName"]?.stringValue, let id = try await findUser(matchKey: userName) { return id }
            if let externalId = body["externalId"]?.stringValue, let id = try await firstID("/Users", "externalId", externalId) {
                return id
            }
            throw TargetError.retryable(detail: "POST /Users said the user exists, but it cannot be found yet", after: nil)
        }
        guard let id = r.body?["id"]?.stringValue else {
            throw TargetError.permanent(status: r.status, detail: "POST /Users answered without an id")
        }
        return id
    }

    /// PUT with every attribute (GitHub drops what a PUT leaves out); `active: false` suspends.
    public func replaceUser(id: String, _ user: JSONObject) async throws -> Bool {
        let r = try await send(
            .PUT, "/Users/\(SCIMConnector.segment(id))", body: .object(GitHubEMUUserMapping.body(for: user)), accept: [404])
        return r.status != 404
    }

    /// `disable` suspends (PATCH `active: false`; reversible); `delete` is GitHub's irreversible,
    /// anonymising DELETE.
    public func removeUser(id: String, action: UserRemoval) async throws {
        switch action {
        case .delete:
            _ = try await send(.DELETE, "/Users/\(SCIMConnector.segment(id))", accept: [404])
        case .disable:
            _ = try await send(
                .PATCH, "/Users/\(SCIMConnector.segment(id))", body: Self.patch([["op": "replace", "path": "active", "value": false]]),
                accept: [404])
        }
    }

    // MARK: - Groups

    public func findGroup(displayName: String) async throws -> GroupCentricPlanner.TargetGroup? {
        let r = try await send(.GET, "/Groups?filter=\(SCIMConnector.filter("displayName", displayName))")
        return r.body?["Resources"]?.arrayValue?.first.flatMap(SCIMConnector.group(from:))
    }

    public func group(id: String) async throws -> GroupCentricPlanner.TargetGroup? {
        let r = try await send(.GET, "/Groups/\(SCIMConnector.segment(id))", accept: [404])
        return r.status == 404 ? nil : r.body.flatMap(SCIMConnector.group(from:))
    }

    /// POST `{schemas, externalId, displayName}`, then the members by PATCH add. A 409 (the group
    /// exists, by name or externalId) finds it instead.
    public func createGroup(displayName: String, externalId: String, members: [String]) async throws -> String {
        let body: JSONObject = [
            "schemas": [.string(Self.groupSchema)], "externalId": .string(externalId), "displayName": .string(displayName),
        ]
        let r = try await send(.POST, "/Groups", body: .object(body), accept: [409])
        let id: String
        if r.status == 409 {
            if let existing = try await findGroup(displayName: displayName) {
                id = existing.id
            } else if let existing = try await firstID("/Groups", "externalId", externalId) {
                id = existing
            } else {
                throw TargetError.retryable(detail: "POST /Groups said the group exists, but it cannot be found yet", after: nil)
            }
        } else {
            guard let created = r.body?["id"]?.stringValue else {
                throw TargetError.permanent(status: r.status, detail: "POST /Groups answered without an id")
            }
            id = created
        }
        try await fill(newGroup: id, created: r.status != 409, members: members)
        return id
    }

    /// The PATCHes that follow a POST. Should they keep failing, a group this call created is deleted
    /// again (best effort), so that the retried event creates it afresh instead of finding a group of
    /// its name, which the collision policy would treat as someone else's.
    func fill(newGroup id: String, created: Bool, members: [String]) async throws {
        var attempt = 0
        while true {
            do {
                return try await addMembers(groupID: id, members: members)
            } catch TargetError.retryable(_, let after) where attempt < 4 {
                attempt += 1
                try await Task.sleep(for: after ?? .milliseconds(50 << attempt))
            } catch {
                if created { _ = try? await send(.DELETE, "/Groups/\(SCIMConnector.segment(id))", accept: [404]) }
                throw error
            }
        }
    }

    /// PATCH replace `displayName`: a PUT would have to resend every member or empty the group.
    public func renameGroup(id: String, displayName: String) async throws {
        _ = try await send(
            .PATCH, "/Groups/\(SCIMConnector.segment(id))",
            body: Self.patch([["op": "replace", "path": "displayName", "value": .string(displayName)]]))
    }

    public func addMembers(groupID: String, members: [String]) async throws {
        for batch in SCIMConnector.batches(members, batchSize) {
            _ = try await send(
                .PATCH, "/Groups/\(SCIMConnector.segment(groupID))",
                body: Self.patch([["op": "add", "path": "members", "value": .array(batch.map { ["value": .string($0)] })]]))
        }
    }

    /// One `members[value eq "id"]` remove per member: removing one that is not there matches nothing.
    public func removeMembers(groupID: String, members: [String]) async throws {
        for batch in SCIMConnector.batches(members, batchSize) {
            let ops: [JSONValue] = batch.map {
                ["op": "remove", "path": .string("members[value eq \(JSONValue.string($0).serialized())]")]
            }
            _ = try await send(.PATCH, "/Groups/\(SCIMConnector.segment(groupID))", body: Self.patch(ops))
        }
    }

    public func deleteGroup(id: String) async throws {
        _ = try await send(.DELETE, "/Groups/\(SCIMConnector.segment(id))", accept: [404])
    }

    // MARK: - Listing

    public func listGroups() async throws -> [GroupCentricPlanner.TargetGroup] {
        try await list("/Groups").compactMap(SCIMConnector.group(from:))
    }

    public func listUsers() async throws -> [TargetUser] {
        try await list("/Users").compactMap(GitHubEMUUserState.listed)
    }

    public func differences(of user: JSONObject, from actual: TargetUser) -> [AttributeDifference] {
        GitHubEMUUserState.differences(of: user, from: actual)
    }

    public func testConnection() async throws {
        _ = try await send(.GET, "/Users?startIndex=1&count=1")
    }

    /// Every resource of `endpoint`, page by page (1-based `startIndex`, GitHub's default page is 30).
    func list(_ endpoint: String) async throws -> [JSONValue] {
        var all: [JSONValue] = []
        var start = 1
        while true {
            let r = try await send(.GET, "\(endpoint)?startIndex=\(start)&count=\(Self.pageSize)")
            let page = r.body?["Resources"]?.arrayValue ?? []
            all += page
            start += page.count
            if page.isEmpty || start > Int(r.body?["totalResults"]?.integerValue ?? 0) { return all }
        }
    }

    /// The id of the first resource whose `attribute eq value` (GitHub takes a single `eq`).
    func firstID(_ endpoint: String, _ attribute: String, _ value: String) async throws -> String? {
        let r = try await send(.GET, "\(endpoint)?filter=\(SCIMConnector.filter(attribute, value))")
        return r.body?["Resources"]?.arrayValue?.first?["id"]?.stringValue
    }

    /// One request through the transport. A 403 that is not a rate limit (those are `throttle`'s) is a
    /// refusal, with GitHub's message.
    func send(_ method: HTTPMethod, _ path: String, body: JSONValue? = nil, accept: Set<Int> = []) async throws -> HTTPTransport.Response {
        let r = try await transport.send(method, path, body: body, accept: accept.union([403]))
        guard r.status == 403, !accept.contains(403) else { return r }
        let detail = "\(method.rawValue) \(path) answered 403" + (r.body?["message"]?.stringValue.map { ": \($0)" } ?? "")
        throw TargetError.permanent(status: 403, detail: detail)
    }

    /// GitHub's primary and secondary rate limits (targets.md, GitHub): 403 or 429 with `Retry-After`,
    /// or with `x-ratelimit-remaining: 0`, in which case the wait runs to `x-ratelimit-reset` (epoch
    /// seconds), else a minute. Both speak for the whole enterprise.
    static func throttle(_ r: HTTPTransport.Response, _ path: String) -> HTTPTransport.Throttle? {
        guard r.status == 403 || r.status == 429 else { return nil }
        if let after = r.header("retry-after").flatMap(HTTPTransport.retryAfter) {
            return .init(scope: .target, after: after, reason: r.status == 403 ? "secondary rate limit" : nil)
        }
        guard r.header("x-ratelimit-remaining") == "0" else { return r.status == 429 ? .init(scope: .target, after: nil) : nil }
        if let reset = r.header("x-ratelimit-reset").flatMap(Double.init) {
            let wait = max(1, reset - Date().timeIntervalSince1970)
            return .init(scope: .target, after: .milliseconds(Int64(wait * 1000)))
        }
        return .init(scope: .target, after: .seconds(60))
    }

    static func patch(_ operations: [JSONValue]) -> JSONValue {
        ["schemas": [.string(patchSchema)], "Operations": .array(operations)]
    }
}
