package import BridgeConfig
package import Membership
import NIOHTTP1
package import SCIM

/// Microsoft Entra ID through Microsoft Graph v1.0 (targets.md §F): users matched by
/// `userPrincipalName` (from `userName`); security or Microsoft 365 groups whose members are written
/// on the group, added with `members@odata.bind` at most 20 a request and removed with
/// `DELETE …/members/{id}/$ref` at most 20 a `$batch`. "Already a member" on an add and 404 on a
/// removal count as done; a member Graph does not see yet (replication delay) is retried, not failed.
/// Group names are not unique in Entra: `findGroups` returns every same-named group. Throttling (429,
/// 503 with `Retry-After`, also inside a batch) pauses this target only.
package struct MSGraphConnector: GroupCentricConnector {
    let transport: HTTPTransport
    let settings: MSGraphSettings
    /// Members per `members@odata.bind` request and requests per `$batch`: Graph's limit, lower in tests.
    let batchSize: Int

    /// How long a caller waits before retrying a reference Graph does not see yet.
    static let replicationPause: Duration = .seconds(2)

    package init(transport: HTTPTransport, settings: MSGraphSettings, batchSize: Int = MSGraphBatch.limit) {
        self.transport = transport
        self.settings = settings
        self.batchSize = min(max(1, batchSize), MSGraphBatch.limit)
    }

    // MARK: - Users

    package func matchKey(of user: JSONObject) -> String? {
        MSGraphMapping.userPrincipalName(of: user, domain: settings.domain)
    }

    package func findUser(matchKey upn: String) async throws -> String? {
        let q = MSGraphMapping.query([
            ("$filter", "userPrincipalName eq \(MSGraphMapping.literal(upn))"), ("$select", "id,userPrincipalName"),
        ])
        let r = try await transport.send(.GET, "/users\(q)")
        return r.body?["value"]?.arrayValue?.first {
            caseInsensitiveEquals($0["userPrincipalName"]?.stringValue ?? "", upn)
        }?[
            "id"
        ]?.stringValue
    }

    package func preview(of user: JSONObject) throws -> JSONValue {
        let upn = try principalName(of: user)
        return MSGraphMapping.userBody(
            user,
            principalName: upn,
            creation: creation(of: user, upn, password: "(generated)")
        )
    }

    /// How a new user signs in first: the password given, or the tenant's federation.
    private func creation(of user: JSONObject, _ upn: String, password: String) -> MSGraphMapping.Creation {
        switch settings.initialPassword {
        case .random: .password(password)
        case .none: .federated(immutableID: user["externalId"]?.stringValue ?? user["id"]?.stringValue ?? upn)
        }
    }

    package func createUser(_ user: JSONObject) async throws -> String {
        let upn = try principalName(of: user)
        let creation = creation(of: user, upn, password: MSGraphMapping.initialPassword())
        let body = MSGraphMapping.userBody(user, principalName: upn, creation: creation)
        let r = try await transport.send(.POST, "/users", body: body, accept: [400])
        if r.status == 400 {
            guard MSGraphMapping.isPrincipalNameTaken(status: r.status, body: r.body) else {
                throw TargetError.permanent(
                    status: 400,
                    detail: "POST /users answered 400: \(MSGraphMapping.error(r.body).message)"
                )
            }
            // An earlier attempt created it (or the tenant had it): find it. A deleted user keeps its
            // name for 30 days, invisible to the lookup.
            if let id = try await findUser(matchKey: upn) { return id }
            throw TargetError.permanent(
                status: 409,
                detail:
                    "userPrincipalName \(upn) is taken by a user Graph does not list: a deleted user keeps its name for 30 days; restore it or delete it permanently in Entra (Deleted users)"
            )
        }
        guard let id = r.body?["id"]?.stringValue else {
            throw TargetError.permanent(status: r.status, detail: "POST /users answered without an id")
        }
        return id
    }

    package func replaceUser(id: String, _ user: JSONObject) async throws -> Bool {
        let upn = try principalName(of: user)
        let r = try await transport.send(
            .PATCH,
            "/users/\(MSGraphMapping.segment(id))",
            body: MSGraphMapping.userBody(user, principalName: upn, creation: nil),
            accept: [404]
        )
        return r.status != 404
    }

    /// `disable` sets `accountEnabled: false`; `delete` deletes (Entra keeps the user 30 days, restorable).
    package func removeUser(id: String, action: UserRemoval) async throws {
        let path = "/users/\(MSGraphMapping.segment(id))"
        switch action {
        case .disable: _ = try await transport.send(.PATCH, path, body: ["accountEnabled": false], accept: [404])
        case .delete: _ = try await transport.send(.DELETE, path, accept: [404])
        }
    }

    package func differences(of user: JSONObject, from actual: TargetUser) -> [AttributeDifference] {
        MSGraphMapping.differences(of: user, from: actual, domain: settings.domain)
    }

    package func listUsers() async throws -> [TargetUser] {
        let q = MSGraphMapping.query([("$select", MSGraphMapping.userSelect), ("$top", "999")])
        return try await transport.listAll(followingNextLinks: "/users\(q)").compactMap(MSGraphMapping.targetUser)
    }

    /// One cheap authenticated read of the directory.
    package func testConnection() async throws {
        _ = try await transport.send(.GET, "/groups\(MSGraphMapping.query([("$select", "id"), ("$top", "1")]))")
    }

    func principalName(of user: JSONObject) throws(TargetError) -> String {
        guard let upn = matchKey(of: user) else {
            throw .permanent(
                status: 400,
                detail: MSGraphMapping.principalNameProblem(of: user, domain: settings.domain)
            )
        }
        return upn
    }

    // MARK: - Groups

    package func findGroups(displayName: String) async throws -> [GroupCentricPlanner.TargetGroup] {
        let q = MSGraphMapping.query([
            ("$filter", "displayName eq \(MSGraphMapping.literal(displayName))"), ("$select", "id,displayName"),
        ])
        var found: [GroupCentricPlanner.TargetGroup] = []
        for g in try await transport.listAll(followingNextLinks: "/groups\(q)") {
            guard let id = g["id"]?.stringValue, let name = g["displayName"]?.stringValue,
                caseInsensitiveEquals(name, displayName)
            else { continue }
            found.append(.init(id: id, displayName: name, members: try await members(ofGroup: id)))
        }
        return found
    }

    package func group(id: String) async throws -> GroupCentricPlanner.TargetGroup? {
        let q = MSGraphMapping.query([("$select", "id,displayName")])
        let r = try await transport.send(.GET, "/groups/\(MSGraphMapping.segment(id))\(q)", accept: [404])
        guard r.status != 404, let name = r.body?["displayName"]?.stringValue else { return nil }
        return .init(id: id, displayName: name, members: try await members(ofGroup: id))
    }

    /// The ids of the group's user members (groups as members are not provisioned by the bridge).
    func members(ofGroup id: String) async throws -> Set<String> {
        let q = MSGraphMapping.query([("$select", "id"), ("$top", "999")])
        let path = "/groups/\(MSGraphMapping.segment(id))/members/microsoft.graph.user\(q)"
        return Set(try await transport.listAll(followingNextLinks: path).compactMap { $0["id"]?.stringValue })
    }

    /// Creates the group with its first 20 members, then adds the rest. The `mailNickname` is derived
    /// from the name and made unique by a hash of `externalId`.
    package func createGroup(displayName: String, externalId: String, members: [String]) async throws -> String {
        let first = Array(members.prefix(batchSize))
        let body = MSGraphMapping.groupBody(
            displayName: displayName,
            mailNickname: MSGraphMapping.groupNickname(displayName: displayName, externalId: externalId),
            type: settings.groupType,
            members: first
        )
        let r = try await transport.send(.POST, "/groups", body: body, accept: [400, 404])
        if r.status != 201 && r.status != 200 {
            // A first member Graph does not see yet: create the group empty and add them all.
            guard MSGraphMapping.isNotVisible(status: r.status, body: r.body), !first.isEmpty else {
                throw TargetError.permanent(
                    status: r.status,
                    detail: "POST /groups answered \(r.status): \(MSGraphMapping.error(r.body).message)"
                )
            }
            let id = try await createGroup(displayName: displayName, externalId: externalId, members: [])
            try await addMembers(groupID: id, members: members)
            return id
        }
        guard let id = r.body?["id"]?.stringValue else {
            throw TargetError.permanent(status: r.status, detail: "POST /groups answered without an id")
        }
        // A failure from here on leaves the group behind; the sync engine's `creating` mark makes the
        // retried event find it as the bridge's own and add what is missing.
        try await addMembers(groupID: id, members: Array(members.dropFirst(first.count)))
        return id
    }

    package func renameGroup(id: String, displayName: String) async throws {
        _ = try await transport.send(
            .PATCH,
            "/groups/\(MSGraphMapping.segment(id))",
            body: ["displayName": .string(String(displayName.prefix(256)))]
        )
    }

    /// `members@odata.bind`, 20 a request. A request Graph refuses because one of its members is
    /// already there, or not visible yet, is sent again member by member in a `$batch`, so that the
    /// others are added.
    package func addMembers(groupID: String, members: [String]) async throws {
        let path = "/groups/\(MSGraphMapping.segment(groupID))"
        for chunk in members.chunked(batchSize) {
            let body: JSONValue = [
                "members@odata.bind": .array(chunk.map { .string(MSGraphMapping.memberReference($0)) })
            ]
            let r = try await transport.send(.PATCH, path, body: body, accept: [400, 404])
            if (200..<300).contains(r.status) { continue }
            guard
                MSGraphMapping.isAlreadyMember(status: r.status, body: r.body)
                    || MSGraphMapping.isNotVisible(status: r.status, body: r.body)
            else {
                throw TargetError.permanent(
                    status: r.status,
                    detail: "PATCH \(path) answered \(r.status): \(MSGraphMapping.error(r.body).message)"
                )
            }
            try await addOneByOne(groupID: groupID, chunk)
        }
    }

    /// `POST …/members/$ref` for each member, in one `$batch`: "already a member" counts as done; a
    /// member (or group) Graph does not see yet makes the call retryable once the others are added.
    func addOneByOne(groupID: String, _ members: [String]) async throws {
        let requests = members.map {
            MSGraphBatch.Request(
                method: "POST",
                url: "/groups/\(MSGraphMapping.segment(groupID))/members/$ref",
                body: ["@odata.id": .string(MSGraphMapping.memberReference($0))]
            )
        }
        let failed = try await batch(requests) { status, body in
            (200..<300).contains(status) || MSGraphMapping.isAlreadyMember(status: status, body: body)
        }
        guard let first = failed.first else { return }
        let invisible = failed.filter { MSGraphMapping.isNotVisible(status: $0.answer.status, body: $0.answer.body) }
        if invisible.count == failed.count {
            throw TargetError.retryable(
                detail:
                    "Graph does not see \(invisible.map { members[$0.index] }.joined(separator: ", ")) in group \(groupID) yet (replication delay)",
                after: Self.replicationPause
            )
        }
        throw TargetError.permanent(
            status: first.answer.status,
            detail:
                "POST /groups/\(groupID)/members/$ref for \(members[first.index]) answered \(first.answer.status): \(MSGraphMapping.error(first.answer.body).message)"
        )
    }

    /// `DELETE …/members/{id}/$ref`, 20 a `$batch`; a member already gone (404) counts as removed.
    package func removeMembers(groupID: String, members: [String]) async throws {
        for chunk in members.chunked(batchSize) {
            let requests = chunk.map {
                MSGraphBatch.Request(
                    method: "DELETE",
                    url: "/groups/\(MSGraphMapping.segment(groupID))/members/\(MSGraphMapping.segment($0))/$ref"
                )
            }
            let failed = try await batch(requests) { status, _ in (200..<300).contains(status) || status == 404 }
            if let first = failed.first {
                throw TargetError.permanent(
                    status: first.answer.status,
                    detail:
                        "DELETE /groups/\(groupID)/members/\(chunk[first.index])/$ref answered \(first.answer.status): \(MSGraphMapping.error(first.answer.body).message)"
                )
            }
        }
    }

    package func deleteGroup(id: String) async throws {
        _ = try await transport.send(.DELETE, "/groups/\(MSGraphMapping.segment(id))", accept: [404])
    }

    package func listGroups() async throws -> [GroupCentricPlanner.TargetGroup] {
        let q = MSGraphMapping.query([("$select", "id,displayName"), ("$top", "999")])
        var groups: [GroupCentricPlanner.TargetGroup] = []
        for g in try await transport.listAll(followingNextLinks: "/groups\(q)") {
            guard let id = g["id"]?.stringValue, let name = g["displayName"]?.stringValue else { continue }
            groups.append(.init(id: id, displayName: name, members: try await members(ofGroup: id)))
        }
        return groups
    }

    // MARK: - Batching

    /// Sends one `$batch` and returns the requests that failed (`done` says which answers are
    /// success), with their answers. Inner throttling (429, or 503 with `Retry-After`) pauses the
    /// target and makes the whole call retryable; an unanswered request, too.
    func batch(_ requests: [MSGraphBatch.Request], done: (Int, JSONValue?) -> Bool) async throws -> [(
        index: Int, answer: MSGraphBatch.Answer
    )] {
        guard !requests.isEmpty else { return [] }
        let r = try await transport.send(.POST, "/$batch", body: MSGraphBatch.body(requests))
        let answers = MSGraphBatch.answers(r.body, count: requests.count)
        var failed: [(index: Int, answer: MSGraphBatch.Answer)] = []
        var throttled: Duration?
        var unanswered = 0
        for i in requests.indices {
            guard let a = answers[i] else {
                unanswered += 1
                continue
            }
            if a.status == 429 || (a.status == 503 && a.retryAfter != nil) {
                throttled = max(throttled ?? .zero, a.retryAfter ?? HTTPTransport.defaultPause)
                unanswered += 1
            } else if a.status >= 500 {
                unanswered += 1
            } else if !done(a.status, a.body) {
                failed.append((i, a))
            }
        }
        if let throttled {
            transport.bucket.pause(for: throttled, scope: .target)
            throw TargetError.retryable(
                detail: "POST /$batch: \(unanswered) inner request(s) throttled",
                after: throttled
            )
        }
        if unanswered > 0 {
            throw TargetError.retryable(detail: "POST /$batch: \(unanswered) inner request(s) not answered", after: nil)
        }
        return failed
    }
}

extension Array {
    /// Consecutive slices of at most `size` elements.
    func chunked(_ size: Int) -> [[Element]] {
        stride(from: 0, to: count, by: size).map { Array(self[$0..<Swift.min($0 + size, count)]) }
    }
}
