import Foundation
package import Membership
package import SCIM

/// GitHub Enterprise Managed Users through its SCIM API (`/scim/v2/enterprises/{enterprise}`,
/// RFC 7644 as GitHub's OpenAPI narrows it): users matched by `userName`; groups created without
/// members, then filled by PATCH add in batches (member items in a POST need a `displayName` the
/// bridge does not keep); renamed by PATCH, never PUT, which would empty the group; PATCH on a
/// group may answer 200 with the group or 204; `disable` suspends a user (reversible), `delete` is
/// GitHub's irreversible, anonymising DELETE. GitHub's rate limits are its transport's `throttle`.
package struct GitHubEMUConnector: SCIMGroupCentricConnector {
    package let client: SCIMTargetClient
    /// Member items in a POST need a `displayName` the bridge does not keep.
    package static let membersInCreate = false
    package static let groupsTakeExternalId = true

    package init(transport: HTTPTransport, batchSize: Int = 100) {
        // GitHub's default page is 30; 100 is the most it gives.
        client = SCIMTargetClient(transport: transport.throttling(Self.throttle), pageSize: 100, batchSize: batchSize)
    }

    // MARK: - Users

    package func matchKey(of user: JSONObject) -> String? { user["userName"]?.stringValue }

    package func findUser(matchKey userName: String) async throws -> String? {
        try await client.firstID("/Users", where: "userName", is: userName)
    }

    /// POST; on 409 the existing user (same `userName`, or same `externalId`) is found and returned.
    package func preview(of user: JSONObject) throws -> JSONValue { .object(GitHubEMUUserMapping.body(for: user)) }

    package func createUser(_ user: JSONObject) async throws -> String {
        let body = GitHubEMUUserMapping.body(for: user)
        if let id = try await client.create("/Users", body) { return id }
        if let userName = body["userName"]?.stringValue, let id = try await findUser(matchKey: userName) { return id }
        if let externalId = body["externalId"]?.stringValue,
            let id = try await client.firstID("/Users", where: "externalId", is: externalId)
        {
            return id
        }
        throw TargetError.retryable(detail: "POST /Users said the user exists, but it cannot be found yet", after: nil)
    }

    /// PUT with every attribute (GitHub drops what a PUT leaves out); `active: false` suspends.
    package func replaceUser(id: String, _ user: JSONObject) async throws -> Bool {
        try await client.replace("/Users", id: id, GitHubEMUUserMapping.body(for: user))
    }

    // MARK: - Reconciliation

    package func listUsers() async throws -> [TargetUser] {
        try await client.list("/Users").compactMap(GitHubEMUUserState.listed)
    }

    package func differences(of user: JSONObject, from actual: TargetUser) -> [AttributeDifference] {
        GitHubEMUUserState.differences(of: user, from: actual)
    }

    /// GitHub's primary and secondary rate limits (targets.md, GitHub): 403 or 429 with `Retry-After`,
    /// or with `x-ratelimit-remaining: 0`, in which case the wait runs to `x-ratelimit-reset` (epoch
    /// seconds), else a minute. Both speak for the whole enterprise. Any other 403 is a refusal, with
    /// GitHub's `message`.
    static func throttle(_ r: HTTPTransport.Response, _ path: String) -> HTTPTransport.Throttle? {
        guard r.status == 403 || r.status == 429 else { return nil }
        if let after = r.header("retry-after").flatMap(HTTPTransport.retryAfter) {
            return .init(scope: .target, after: after, reason: r.status == 403 ? "secondary rate limit" : nil)
        }
        guard r.header("x-ratelimit-remaining") == "0" else {
            return r.status == 429 ? .init(scope: .target, after: nil) : nil
        }
        if let reset = r.header("x-ratelimit-reset").flatMap(Double.init) {
            let wait = max(1, reset - Date().timeIntervalSince1970)
            return .init(scope: .target, after: .milliseconds(Int64(wait * 1000)))
        }
        return .init(scope: .target, after: .seconds(60))
    }
}
