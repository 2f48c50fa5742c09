import Foundation
package import Membership
import NIOHTTP1
package import SCIM
import Synchronization

/// Google Workspace through the Admin SDK Directory API v1 (`/admin/directory/v1`): users by
/// primary email, groups by an email derived from the name in the configured domain, and one
/// `members.insert` / `members.delete` call per membership. Quota 403s are retryable; a group that
/// answers 404 shortly after this connector created it is retried, not believed.
package struct GoogleConnector: UserCentricConnector {
    let transport: HTTPTransport
    let customer: String
    let domain: String?
    /// How long after creating a group a 404 about it is taken for Google's propagation delay.
    let creationGrace: Duration
    let memory: Memory

    static let base = "/admin/directory/v1"
    static let userPageSize = 500
    static let groupPageSize = 200
    static let memberPageSize = 200

    package init(
        transport: HTTPTransport,
        customer: String = "my_customer",
        domain: String?,
        creationGrace: Duration = .seconds(30)
    ) {
        self.transport = transport.throttling(Self.throttle)
        self.customer = customer
        self.domain = domain?.lowercased()
        self.creationGrace = creationGrace
        self.memory = Memory()
    }

    /// What this connector learnt that saves calls or explains a 404: the groups it created (when)
    /// and users' primary emails (a membership insert names the member by email).
    final class Memory: Sendable {
        struct State {
            var created: [String: ContinuousClock.Instant] = [:]
            var emails: [String: String] = [:]
        }
        let state = Mutex(State())

        func email(of id: String) -> String? { state.withLock { $0.emails[id] } }
        func remember(id: String, email: String) { state.withLock { $0.emails[id] = email } }
        func created(_ id: String) { state.withLock { $0.created[id] = .now } }
        func forgetGroup(_ id: String) { _ = state.withLock { $0.created.removeValue(forKey: id) } }
        func isFresh(_ id: String, grace: Duration) -> Bool {
            state.withLock { s in s.created[id].map { ContinuousClock.now - $0 < grace } ?? false }
        }
    }

    // MARK: - Users

    package func matchKey(of user: JSONObject) -> String? { GoogleMapping.primaryEmail(of: user) }

    package func findUser(matchKey email: String) async throws -> String? {
        let r = try await call(.GET, "/users/\(GoogleMapping.encoded(email))", accept: [404])
        guard r.status != 404, let id = r.body?["id"]?.stringValue else { return nil }
        memory.remember(id: id, email: r.body?["primaryEmail"]?.stringValue ?? email)
        return id
    }

    package func preview(of user: JSONObject) throws -> JSONValue {
        guard let email = matchKey(of: user) else {
            throw TargetError.permanent(
                status: 400,
                detail: "The user has neither an email userName nor an email address; Google needs a primary email."
            )
        }
        return GoogleMapping.userBody(user, primaryEmail: email, password: "(generated)")
    }

    package func createUser(_ user: JSONObject) async throws -> String {
        guard let email = matchKey(of: user) else {
            throw TargetError.permanent(
                status: 400,
                detail: "The user has neither an email userName nor an email address; Google needs a primary email."
            )
        }
        let body = GoogleMapping.userBody(user, primaryEmail: email, password: GoogleMapping.randomPassword())
        let r = try await call(.POST, "/users", body: body, accept: [409])
        if r.status == 409 {
            // An earlier attempt created it (or the account already had it): find it.
            return try await Self.existing("POST /users", email) { try await findUser(matchKey: email) }
        }
        guard let id = r.body?["id"]?.stringValue else {
            throw TargetError.permanent(status: r.status, detail: "POST /users answered without an id")
        }
        memory.remember(id: id, email: email)
        return id
    }

    package func replaceUser(id: String, _ user: JSONObject) async throws -> Bool {
        guard let email = matchKey(of: user) else { return true }
        let r = try await call(
            .PATCH,
            "/users/\(GoogleMapping.encoded(id))",
            body: GoogleMapping.userBody(user, primaryEmail: email, password: nil),
            accept: [404]
        )
        if r.status == 404 { return false }
        memory.remember(id: id, email: email)
        return true
    }

    package func removeUser(id: String, action: UserRemoval) async throws {
        switch action {
        case .delete:
            _ = try await call(.DELETE, "/users/\(GoogleMapping.encoded(id))", accept: [404])
        case .disable:
            _ = try await call(.PATCH, "/users/\(GoogleMapping.encoded(id))", body: ["suspended": true], accept: [404])
        }
    }

    // MARK: - Groups

    package func findGroup(displayName: String) async throws -> (id: String, name: String)? {
        let byName = try await list(
            "/groups",
            ["customer": customer, "query": GoogleMapping.nameQuery(displayName)],
            key: "groups",
            pageSize: Self.groupPageSize
        )
        if let g = byName.first(where: {
            $0["name"]?.stringValue.map { caseInsensitiveEquals($0, displayName) } ?? false
        }),
            let id = g["id"]?.stringValue
        {
            return (id, g["name"]?.stringValue ?? displayName)
        }
        // Groups are keyed by email: a group holding the address this name maps to collides too.
        guard let domain else { return nil }
        let email = GoogleMapping.groupEmail(displayName: displayName, externalId: "", domain: domain)
        let r = try await call(.GET, "/groups/\(GoogleMapping.encoded(email))", accept: [404])
        guard r.status != 404, let id = r.body?["id"]?.stringValue else { return nil }
        return (id, r.body?["name"]?.stringValue ?? displayName)
    }

    package func createGroup(displayName: String, externalId: String) async throws -> String {
        guard let domain else {
            throw TargetError.permanent(
                status: 400,
                detail: "Creating a Google group needs the target's 'domain' (e.g. example.com)."
            )
        }
        let email = GoogleMapping.groupEmail(displayName: displayName, externalId: externalId, domain: domain)
        let body: JSONValue = [
            "email": .string(email), "name": .string(displayName),
            "description": .string("Provisioned by scim-bridge (externalId \(externalId))"),
        ]
        let r = try await call(.POST, "/groups", body: body, accept: [409])
        if r.status == 409 {
            // An earlier attempt of this link created it: the caller looked for collisions first.
            return try await Self.existing("POST /groups", email) {
                let found = try await call(.GET, "/groups/\(GoogleMapping.encoded(email))", accept: [404])
                return found.status == 404 ? nil : found.body?["id"]?.stringValue
            }
        }
        guard let id = r.body?["id"]?.stringValue else {
            throw TargetError.permanent(status: r.status, detail: "POST /groups answered without an id")
        }
        memory.created(id)
        return id
    }

    package func renameGroup(id: String, displayName: String) async throws {
        let r = try await call(
            .PATCH,
            "/groups/\(GoogleMapping.encoded(id))",
            body: ["name": .string(displayName)],
            accept: [404]
        )
        if r.status == 404 { throw notFound(group: id, r) }
    }

    package func deleteGroup(id: String) async throws {
        let r = try await call(.DELETE, "/groups/\(GoogleMapping.encoded(id))", accept: [404])
        // Gone is deleted, unless the group is too new to be visible yet.
        if r.status == 404, memory.isFresh(id, grace: creationGrace) { throw notFound(group: id, r) }
        memory.forgetGroup(id)
    }

    package func members(ofGroup id: String) async throws -> Set<String> {
        do {
            let members = try await list(
                "/groups/\(GoogleMapping.encoded(id))/members",
                [:],
                key: "members",
                pageSize: Self.memberPageSize
            )
            return Set(members.compactMap { $0["id"]?.stringValue })
        } catch TargetError.permanent(404, let detail) where memory.isFresh(id, grace: creationGrace) {
            throw TargetError.retryable(detail: "the new group is not visible yet: \(detail)", after: nil)
        }
    }

    @discardableResult
    package func addMembership(user: String, group: String) async throws -> Bool {
        let email = try await email(ofUser: user)
        let r = try await call(
            .POST,
            "/groups/\(GoogleMapping.encoded(group))/members",
            body: ["email": .string(email), "role": "MEMBER", "type": "USER"],
            accept: [404, 409]
        )
        switch r.status {
        case 409: return false  // "Member already exists.": done
        case 404: throw notFound(group: group, r)
        default: return true
        }
    }

    package func removeMembership(user: String, group: String) async throws {
        let r = try await call(
            .DELETE,
            "/groups/\(GoogleMapping.encoded(group))/members/\(GoogleMapping.encoded(user))",
            accept: [404]
        )
        // Not a member is done, unless it is the group that cannot be found yet (too new to be visible).
        if r.status == 404, Self.groupMissing(r), memory.isFresh(group, grace: creationGrace) {
            throw notFound(group: group, r)
        }
    }

    // MARK: - Listing

    package func listGroups() async throws -> [(id: String, name: String)] {
        try await list("/groups", ["customer": customer], key: "groups", pageSize: Self.groupPageSize).compactMap { g in
            guard let id = g["id"]?.stringValue, let name = g["name"]?.stringValue else { return nil }
            return (id, name)
        }
    }

    package func listUsers() async throws -> [TargetUser] {
        try await list("/users", ["customer": customer], key: "users", pageSize: Self.userPageSize).compactMap { u in
            guard let user = GoogleUserState.listed(u) else { return nil }
            memory.remember(id: user.id, email: u["primaryEmail"]?.stringValue ?? user.matchKey)
            return user
        }
    }

    package func differences(of user: JSONObject, from actual: TargetUser) -> [AttributeDifference] {
        GoogleUserState.differences(of: user, from: actual)
    }

    package func testConnection() async throws {
        _ = try await call(.GET, "/users?customer=\(GoogleMapping.encoded(customer))&maxResults=1")
    }

    // MARK: - Helpers

    /// Sends one Directory API call. A 403 that is not a quota (those are `throttle`'s) is permanent
    /// with Google's message (no delegation, not an admin).
    func call(_ method: HTTPMethod, _ path: String, body: JSONValue? = nil, accept: Set<Int> = []) async throws
        -> HTTPTransport.Response
    {
        let r = try await transport.send(method, Self.base + path, body: body, accept: accept.union([403]))
        if r.status == 403, !accept.contains(403) {
            let detail =
                "\(method.rawValue) \(Self.base)\(path) answered 403"
                + (GoogleMapping.message(r.body).map { ": \($0)" } ?? "")
            throw TargetError.permanent(status: 403, detail: detail)
        }
        return r
    }

    /// Google's quota answers (`403 userRateLimitExceeded`, `rateLimitExceeded`, `quotaExceeded`, and
    /// 429) speak for the whole customer; Google sends no `Retry-After` with them and asks for
    /// exponential backoff, so the pause is a second unless one is sent.
    static func throttle(_ r: HTTPTransport.Response, _ path: String) -> HTTPTransport.Throttle? {
        guard r.status == 403 || r.status == 429 else { return nil }
        let reasons = GoogleMapping.reasons(r.body)
        if r.status == 403, !reasons.contains(where: GoogleMapping.quotaReasons.contains) { return nil }
        return .init(
            scope: .target,
            after: r.header("Retry-After").flatMap(HTTPTransport.retryAfter),
            reason: reasons.isEmpty ? nil : reasons.joined(separator: ", ")
        )
    }

    /// Every item of a paged list (`nextPageToken` → `pageToken`).
    func list(_ path: String, _ query: [String: String], key: String, pageSize: Int) async throws -> [JSONValue] {
        var all: [JSONValue] = []
        var token: String? = nil
        repeat {
            var parameters = query.sorted { $0.key < $1.key }.map { "\($0.key)=\(GoogleMapping.encoded($0.value))" }
            parameters.append("maxResults=\(pageSize)")
            if let token { parameters.append("pageToken=\(GoogleMapping.encoded(token))") }
            let r = try await call(.GET, "\(path)?\(parameters.joined(separator: "&"))")
            all += r.body?[key]?.arrayValue ?? []
            token = r.body?["nextPageToken"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
        } while token != nil
        return all
    }

    /// The primary email of a user by id (`members.insert` names the member by email).
    func email(ofUser id: String) async throws -> String {
        if let known = memory.email(of: id) { return known }
        let r = try await call(.GET, "/users/\(GoogleMapping.encoded(id))", accept: [404])
        guard r.status != 404, let email = r.body?["primaryEmail"]?.stringValue else {
            throw TargetError.permanent(status: 404, detail: "GET \(Self.base)/users/\(id): no such user")
        }
        memory.remember(id: id, email: email)
        return email
    }

    /// Whether a 404 is about the group (`Resource Not Found: groupKey`) rather than the member.
    static func groupMissing(_ r: HTTPTransport.Response) -> Bool {
        !(GoogleMapping.message(r.body) ?? "").contains("memberKey")
    }

    /// A 404 about a group: retryable while the group is new (Google is still propagating it), else permanent.
    func notFound(group id: String, _ r: HTTPTransport.Response) -> TargetError {
        let detail = "group \(id): " + (GoogleMapping.message(r.body) ?? "404 Not Found")
        if Self.groupMissing(r), memory.isFresh(id, grace: creationGrace) {
            return .retryable(detail: "the new group is not visible yet (\(detail))", after: nil)
        }
        return .permanent(status: 404, detail: detail)
    }
}

extension GoogleConnector {
    /// The id of what a POST answered 409 for, found by `lookup`. Google may not show a resource it
    /// just created: until it does, the call is retried, not failed.
    static func existing(_ call: String, _ email: String, _ lookup: () async throws -> String?) async throws -> String {
        guard let id = try await lookup() else {
            throw TargetError.retryable(detail: "\(call) said \(email) exists, but it cannot be read yet", after: nil)
        }
        return id
    }
}
