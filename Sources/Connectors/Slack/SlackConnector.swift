import NIOHTTP1
public import Membership
public import SCIM

/// Slack's SCIM v2 API (`https://api.slack.com/scim/v2`, targets.md §B and §E "Slack"): users matched
/// by email (Slack rewrites user names), deprovisioning only by deactivation, group members in
/// batches of at most 5,000 (Slack's recommendation; 15,000 is its hard limit), and one write at a
/// time per user or group, since Slack refuses a concurrent second write with 429.
public struct SlackConnector: GroupCentricConnector {
    let transport: HTTPTransport
    /// Members per request, 1...15,000.
    let batchSize: Int
    let queue = SlackWriteQueue()

    static let groupSchema = "urn:ietf:params:scim:schemas:core:2.0:Group"
    static let patchSchema = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
    static let maximumBatch = 15_000
    /// Attempts of a member batch that follows a group's creation (see `createGroup`).
    static let followUpAttempts = 8

    public init(transport: HTTPTransport, batchSize: Int = 5000) {
        self.transport = transport.throttling(Self.throttle)
        self.batchSize = min(max(batchSize, 1), Self.maximumBatch)
    }

    // MARK: - Users

    /// The primary (else first) email, lowercased.
    public func matchKey(of user: JSONObject) -> String? { SlackUserMapping.email(of: user) }

    public func findUser(matchKey email: String) async throws -> String? {
        let r = try await transport.send(.GET, "/Users?filter=\(SCIMConnector.filter("email", email))&count=1")
        return r.body?["Resources"]?.arrayValue?.first?["id"]?.stringValue
    }

    /// POST /Users. `email_taken` means Slack has the user (perhaps deactivated): its id is returned.
    /// `username_taken` (another user, or a channel, has the derived name) is retried once with a
    /// name made unique from the email.
    public func createUser(_ user: JSONObject) async throws -> String {
        guard let email = SlackUserMapping.email(of: user), let name = SlackUserMapping.userName(of: user) else {
            throw TargetError.permanent(status: 400, detail: "a Slack user needs an email address and a user name")
        }
        for candidate in [name, SlackUserMapping.alternativeUserName(name, email: email)] {
            let body = SlackUserMapping.body(user, userName: candidate, includeExternalId: true)
            let r = try await transport.send(.POST, "/Users", body: .object(body), accept: [409])
            if r.status != 409 {
                guard let id = r.body?["id"]?.stringValue else {
                    throw TargetError.permanent(status: r.status, detail: "POST /Users answered without an id")
                }
                return id
            }
            if Self.code(r) == "username_taken" { continue }
            if let id = try await findUser(matchKey: email) { return id }
            throw TargetError.retryable(detail: "POST /Users said \(Self.code(r) ?? "409"), but no user has \(email) yet", after: nil)
        }
        throw TargetError.permanent(status: 409, detail: "Slack user names \(name) and its alternative are both taken")
    }

    /// PUT /Users/{id} (without `externalId`, which Slack cannot change); false when Slack has no such user.
    public func replaceUser(id: String, _ user: JSONObject) async throws -> Bool {
        guard let email = SlackUserMapping.email(of: user), let name = SlackUserMapping.userName(of: user) else {
            throw TargetError.permanent(status: 400, detail: "a Slack user needs an email address and a user name")
        }
        return try await queue.serialized("user:\(id)") {
            for candidate in [name, SlackUserMapping.alternativeUserName(name, email: email)] {
                let body = SlackUserMapping.body(user, userName: candidate, includeExternalId: false)
                let r = try await transport.send(.PUT, "/Users/\(SCIMConnector.segment(id))", body: .object(body), accept: [404, 409])
                if r.status == 404 { return false }
                if r.status != 409 { return true }
                guard Self.code(r) == "username_taken" else {
                    throw TargetError.permanent(status: 409, detail: "PUT /Users/\(id) answered \(Self.code(r) ?? "409")")
                }
            }
            throw TargetError.permanent(status: 409, detail: "Slack user names \(name) and its alternative are both taken")
        }
    }

    /// Slack cannot delete a user: DELETE /Users/{id} deactivates it, so `.delete` does what
    /// `.disable` does. A user Slack no longer has is already gone.
    public func removeUser(id: String, action: UserRemoval) async throws {
        _ = try await queue.serialized("user:\(id)") {
            try await transport.send(.DELETE, "/Users/\(SCIMConnector.segment(id))", accept: [404])
        }
    }

    // MARK: - Groups

    public func findGroup(displayName: String) async throws -> GroupCentricPlanner.TargetGroup? {
        let r = try await transport.send(.GET, "/Groups?filter=\(SCIMConnector.filter("displayName", displayName))")
        return r.body?["Resources"]?.arrayValue?.lazy.compactMap(SCIMConnector.group(from:)).first {
            caseInsensitiveEquals($0.displayName, displayName)
        }
    }

    public func group(id: String) async throws -> GroupCentricPlanner.TargetGroup? {
        let r = try await transport.send(.GET, "/Groups/\(SCIMConnector.segment(id))", accept: [404])
        return r.status == 404 ? nil : r.body.flatMap(SCIMConnector.group(from:))
    }

    /// POST /Groups with the first batch of members, then PATCH add for the rest. Slack groups take
    /// no `externalId`. A name Slack says exists is found and returned.
    ///
    /// The follow-up batches are retried here (honouring `Retry-After`) rather than by the worker:
    /// once the group exists, failing would make the retried event find a same-named group and
    /// treat it as a collision.
    public func createGroup(displayName: String, externalId: String, members: [String]) async throws -> String {
        var body: JSONObject = ["schemas": [.string(Self.groupSchema)], "displayName": .string(displayName)]
        let first = Array(members.prefix(batchSize))
        if !first.isEmpty { body["members"] = .array(first.map { ["value": .string($0)] }) }
        let r = try await transport.send(.POST, "/Groups", body: .object(body), accept: [409])
        let id: String
        if r.status == 409 {
            guard let existing = try await findGroup(displayName: displayName) else {
                throw TargetError.retryable(detail: "POST /Groups said the name exists, but no group has it yet", after: nil)
            }
            id = existing.id
        } else {
            guard let created = r.body?["id"]?.stringValue else {
                throw TargetError.permanent(status: r.status, detail: "POST /Groups answered without an id")
            }
            id = created
        }
        for batch in SCIMConnector.batches(Array(members.dropFirst(first.count)), batchSize) {
            try await Self.retrying(Self.followUpAttempts) { try await patchGroup(id, [Self.add(batch)]) }
        }
        return id
    }

    public func renameGroup(id: String, displayName: String) async throws {
        try await patchGroup(id, [["op": "replace", "path": "displayName", "value": .string(displayName)]])
    }

    public func addMembers(groupID: String, members: [String]) async throws {
        for batch in SCIMConnector.batches(members, batchSize) {
            try await patchGroup(groupID, [Self.add(batch)])
        }
    }

    /// One `remove` per member with a filter path (`members[value eq "U1"]`): removing someone who is
    /// not a member matches nothing and succeeds.
    public func removeMembers(groupID: String, members: [String]) async throws {
        for batch in SCIMConnector.batches(members, batchSize) {
            try await patchGroup(groupID, batch.map { ["op": "remove", "path": .string("members[value eq \(JSONValue.string($0).serialized())]")] })
        }
    }

    public func deleteGroup(id: String) async throws {
        _ = try await queue.serialized("group:\(id)") {
            try await transport.send(.DELETE, "/Groups/\(SCIMConnector.segment(id))", accept: [404])
        }
    }

    // MARK: - Listing

    public func listGroups() async throws -> [GroupCentricPlanner.TargetGroup] {
        try await list("/Groups").compactMap(SCIMConnector.group(from:))
    }

    /// Every user with its match key (primary email).
    public func listUsers() async throws -> [TargetUser] {
        try await list("/Users").compactMap(SlackUserState.listed)
    }

    public func differences(of user: JSONObject, from actual: TargetUser) -> [AttributeDifference] {
        SlackUserState.differences(of: user, from: actual)
    }

    public func testConnection() async throws {
        _ = try await transport.send(.GET, "/Users?startIndex=1&count=1")
    }

    /// Pages of 1,000, Slack's largest.
    func list(_ endpoint: String) async throws -> [JSONValue] {
        try await transport.listAll(endpoint, pageSize: 1000)
    }

    // MARK: - Helpers

    /// One PATCH to a group, queued behind any other write to it.
    func patchGroup(_ id: String, _ operations: [JSONValue]) async throws {
        _ = try await queue.serialized("group:\(id)") {
            try await transport.send(
                .PATCH, "/Groups/\(SCIMConnector.segment(id))",
                body: ["schemas": [.string(Self.patchSchema)], "Operations": .array(operations)])
        }
    }

    static func add(_ members: [String]) -> JSONValue {
        ["op": "add", "path": "members", "value": .array(members.map { ["value": .string($0)] })]
    }

    /// Slack refuses deactivated users (and guests) as group members (targets.md, Slack).
    public var holdsInactiveMembers: Bool { false }

    public func refusesMember(_ error: TargetError) -> Bool {
        guard case .permanent(400, let detail) = error else { return false }
        return detail.contains("unable_to_add_deleted_or_guest_to_group")
    }

    /// Slack's 429s (targets.md, Slack): `resource_locked` speaks for the one user or group still being
    /// updated; any other 429 (`too_many_requests`) for the organisation's limits, shared by every app.
    static func throttle(_ r: HTTPTransport.Response, _ path: String) -> HTTPTransport.Throttle? {
        guard r.status == 429 else { return nil }
        let after = r.header("Retry-After").flatMap(HTTPTransport.retryAfter)
        if code(r) == "resource_locked" { return .init(scope: .resource(RateLimitState.resourceKey(of: path)), after: after) }
        return .init(scope: .target, after: after)
    }

    /// The Slack error code of a response (`detail`).
    static func code(_ r: HTTPTransport.Response) -> String? { r.body?["detail"]?.stringValue }

    /// `body`, again after a retryable failure (waiting `Retry-After`, else 100 ms doubling), at most `attempts` times.
    static func retrying(_ attempts: Int, _ body: () async throws -> Void) async throws {
        var wait = Duration.milliseconds(100)
        for attempt in 1...attempts {
            do {
                return try await body()
            } catch TargetError.retryable(_, let after) where attempt < attempts {
                try await Task.sleep(for: after ?? wait)
                wait = min(wait * 2, .seconds(5))
            }
        }
    }
}
