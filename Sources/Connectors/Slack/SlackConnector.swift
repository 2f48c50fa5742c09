package import Membership
import NIOHTTP1
package import SCIM

/// Slack's SCIM v2 API (`https://api.slack.com/scim/v2`, targets.md §B and §E "Slack"): users matched
/// by email (Slack rewrites user names), deprovisioning only by deactivation, group members in
/// batches of at most 5,000 (Slack's recommendation; 15,000 is its hard limit), and one write at a
/// time per user or group (its transport serializes them), since Slack refuses a concurrent second
/// write with 429.
package struct SlackConnector: SCIMGroupCentricConnector {
    package let client: SCIMTargetClient
    package static let membersInCreate = true
    /// Slack groups take no `externalId`.
    package static let groupsTakeExternalId = false

    static let maximumBatch = 15_000

    package init(transport: HTTPTransport, batchSize: Int = 5000) {
        // Pages of 1,000, Slack's largest.
        client = SCIMTargetClient(
            transport: transport.throttling(Self.throttle).serializingWrites(),
            pageSize: 1000,
            batchSize: min(max(batchSize, 1), Self.maximumBatch)
        )
    }

    // MARK: - Users

    /// The primary (else first) email, lowercased.
    package func matchKey(of user: JSONObject) -> String? { SlackUserMapping.email(of: user) }

    package func findUser(matchKey email: String) async throws -> String? {
        try await client.firstID("/Users", where: "email", is: email, query: "&count=1")
    }

    /// POST /Users. `email_taken` means Slack has the user (perhaps deactivated): its id is returned.
    /// `username_taken` (another user, or a channel, has the derived name) is retried once with a
    /// name made unique from the email.
    package func preview(of user: JSONObject) throws -> JSONValue {
        guard SlackUserMapping.email(of: user) != nil, let name = SlackUserMapping.userName(of: user) else {
            throw TargetError.permanent(status: 400, detail: "a Slack user needs an email address and a user name")
        }
        return .object(SlackUserMapping.body(user, userName: name, includeExternalId: true))
    }

    package func createUser(_ user: JSONObject) async throws -> String {
        guard let email = SlackUserMapping.email(of: user), let name = SlackUserMapping.userName(of: user) else {
            throw TargetError.permanent(status: 400, detail: "a Slack user needs an email address and a user name")
        }
        for candidate in [name, SlackUserMapping.alternativeUserName(name, email: email)] {
            let body = SlackUserMapping.body(user, userName: candidate, includeExternalId: true)
            let r = try await client.transport.send(.POST, "/Users", body: .object(body), accept: [409])
            if r.status != 409 {
                guard let id = r.body?["id"]?.stringValue else {
                    throw TargetError.permanent(status: r.status, detail: "POST /Users answered without an id")
                }
                return id
            }
            if Self.code(r) == "username_taken" { continue }
            if let id = try await findUser(matchKey: email) { return id }
            throw TargetError.retryable(
                detail: "POST /Users said \(Self.code(r) ?? "409"), but no user has \(email) yet",
                after: nil
            )
        }
        throw TargetError.permanent(status: 409, detail: "Slack user names \(name) and its alternative are both taken")
    }

    /// PUT /Users/{id} (without `externalId`, which Slack cannot change); false when Slack has no such user.
    package func replaceUser(id: String, _ user: JSONObject) async throws -> Bool {
        guard let email = SlackUserMapping.email(of: user), let name = SlackUserMapping.userName(of: user) else {
            throw TargetError.permanent(status: 400, detail: "a Slack user needs an email address and a user name")
        }
        for candidate in [name, SlackUserMapping.alternativeUserName(name, email: email)] {
            let body = SlackUserMapping.body(user, userName: candidate, includeExternalId: false)
            let r = try await client.transport.send(
                .PUT,
                "/Users/\(SCIMTargetClient.segment(id))",
                body: .object(body),
                accept: [404, 409]
            )
            if r.status == 404 { return false }
            if r.status != 409 { return true }
            guard Self.code(r) == "username_taken" else {
                throw TargetError.permanent(status: 409, detail: "PUT /Users/\(id) answered \(Self.code(r) ?? "409")")
            }
        }
        throw TargetError.permanent(status: 409, detail: "Slack user names \(name) and its alternative are both taken")
    }

    /// Slack cannot delete a user: DELETE /Users/{id} deactivates it, so `.delete` does what
    /// `.disable` does. A user Slack no longer has is already gone.
    package func removeUser(id: String, action: UserRemoval) async throws {
        try await client.delete("/Users", id: id)
    }

    // MARK: - Reconciliation

    /// Every user with its match key (primary email).
    package func listUsers() async throws -> [TargetUser] {
        try await client.list("/Users").compactMap(SlackUserState.listed)
    }

    package func differences(of user: JSONObject, from actual: TargetUser) -> [AttributeDifference] {
        SlackUserState.differences(of: user, from: actual)
    }

    // MARK: - Slack's rules

    /// Slack refuses deactivated users (and guests) as group members (targets.md, Slack).
    package var holdsInactiveMembers: Bool { false }

    package func refusesMember(_ error: TargetError) -> Bool {
        guard case .permanent(400, let detail) = error else { return false }
        return detail.contains("unable_to_add_deleted_or_guest_to_group")
    }

    /// Slack's 429s (targets.md, Slack): `resource_locked` speaks for the one user or group still being
    /// updated; any other 429 (`too_many_requests`) for the organisation's limits, shared by every app.
    static func throttle(_ r: HTTPTransport.Response, _ path: String) -> HTTPTransport.Throttle? {
        guard r.status == 429 else { return nil }
        let after = r.header("Retry-After").flatMap(HTTPTransport.retryAfter)
        if code(r) == "resource_locked" {
            return .init(scope: .resource(RateLimitState.resourceKey(of: path)), after: after)
        }
        return .init(scope: .target, after: after)
    }

    /// The Slack error code of a response (`detail`).
    static func code(_ r: HTTPTransport.Response) -> String? { r.body?["detail"]?.stringValue }
}
