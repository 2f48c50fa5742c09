package import AsyncHTTPClient
package import BridgeConfig
import Foundation
package import Membership
import NIOHTTP1
package import SCIM

/// The Salesforce REST API as a user-centric target (research/targets.md §D, §E): users through the
/// `User` sObject (never deleted: deactivated or frozen), canonical groups as public groups
/// (`Group` + `GroupMember`) or permission sets (`PermissionSet` + `PermissionSetAssignment`), lookups
/// by SOQL, sessions from the JWT bearer flow. Errors are Salesforce's arrays: `REQUEST_LIMIT_EXCEEDED`
/// (403), `UNABLE_TO_LOCK_ROW` and 5xx are retried; `INVALID_SESSION_ID` (401) gets one new session;
/// `DUPLICATE_VALUE` on a membership means done; the rest is permanent, with Salesforce's message.
package struct SalesforceConnector: UserCentricConnector {
    let client: HTTPClient
    let tokens: SalesforceTokenProvider
    let bucket: TokenBucket
    let timeout: Duration
    let requestLimitPause: Duration
    /// Set for callers that wait out throttling (`plan`, `sync`, `doctor`); see `HTTPTransport.Patience`.
    let patience: HTTPTransport.Patience?
    package let options: SalesforceSettings

    /// - Parameter requestLimitPause: how long every call to this org waits after a
    ///   `REQUEST_LIMIT_EXCEEDED` (the org's API allocation is used up and refills slowly; retrying at
    ///   once would only spend the worker's attempts).
    package init(
        client: HTTPClient,
        tokens: SalesforceTokenProvider,
        bucket: TokenBucket,
        options: SalesforceSettings,
        timeout: Duration = .seconds(30),
        requestLimitPause: Duration = .seconds(60),
        patience: HTTPTransport.Patience? = nil
    ) {
        self.patience = patience
        self.client = client
        self.tokens = tokens
        self.bucket = bucket
        self.options = options
        self.timeout = timeout
        self.requestLimitPause = requestLimitPause
    }

    var api: String { "/services/data/v\(options.apiVersion)" }

    // MARK: - Users

    package func matchKey(of user: JSONObject) -> String? {
        SalesforceMapping.username(of: user, suffix: options.usernameSuffix)
    }

    package func findUser(matchKey: String) async throws -> String? {
        try await query("SELECT Id FROM User WHERE Username = \(SalesforceMapping.literal(matchKey))").first?["Id"]?
            .stringValue
    }

    package func preview(of user: JSONObject) throws -> JSONValue {
        .object(SalesforceMapping.userFields(user, options: options, creating: true))
    }

    package func createUser(_ user: JSONObject) async throws -> String {
        var fields = SalesforceMapping.userFields(user, options: options, creating: true)
        let username = fields["Username"]?.stringValue ?? ""
        if fields["ProfileId"] == nil {
            throw TargetError.permanent(
                status: 400,
                detail: "Creating Salesforce user \(username) needs a profile: set the target's profileId."
            )
        }
        if let communities = options.communities {
            fields["ContactId"] = .string(try await contact(for: fields, in: communities))
        }
        switch try await request(.POST, "\(api)/sobjects/User", body: .object(fields)) {
        case .ok(let body):
            guard let id = body?["id"]?.stringValue else {
                throw TargetError.retryable(detail: "POST /sobjects/User answered without an id", after: nil)
            }
            if options.deprovisioning == .freeze, user["active"]?.boolValue == false {
                try await setFrozen(user: id, true)
            }
            return id
        case .refused(let status, let errors):
            if errors.contains(where: { $0.errorCode == "DUPLICATE_USERNAME" }) {
                // Ours (a retried create, or a user the org already had) is found; another org's is not.
                if let id = try await findUser(matchKey: username) { return id }
                throw TargetError.permanent(
                    status: 409,
                    detail:
                        "The Salesforce username \(username) is taken in another Salesforce org (usernames are unique across all orgs); set the target's usernameSuffix (e.g. \".acme\") so that usernames differ."
                )
            }
            throw refusal("POST /sobjects/User (\(username))", status, errors)
        }
    }

    package func replaceUser(id: String, _ user: JSONObject) async throws -> Bool {
        let fields = SalesforceMapping.userFields(user, options: options, creating: false)
        switch try await request(.PATCH, "\(api)/sobjects/User/\(id)", body: .object(fields)) {
        case .ok: break
        case .refused(404, _): return false
        case .refused(let status, let errors):
            if errors.contains(where: { $0.errorCode == "ENTITY_IS_DELETED" }) { return false }
            throw refusal("PATCH /sobjects/User/\(id)", status, errors)
        }
        if options.deprovisioning == .freeze { try await setFrozen(user: id, user["active"]?.boolValue == false) }
        return true
    }

    /// Salesforce users cannot be deleted: both removal actions deactivate, or freeze when so configured.
    package func removeUser(id: String, action: UserRemoval) async throws {
        switch options.deprovisioning {
        case .freeze: try await setFrozen(user: id, true)
        case .deactivate:
            switch try await request(.PATCH, "\(api)/sobjects/User/\(id)", body: ["IsActive": false]) {
            case .ok, .refused(404, _): return
            case .refused(let status, let errors): throw refusal("PATCH /sobjects/User/\(id)", status, errors)
            }
        }
    }

    /// Sets `IsFrozen` on the user's `UserLogin` record, if it differs.
    func setFrozen(user id: String, _ frozen: Bool) async throws {
        let logins = try await query(
            "SELECT Id, IsFrozen FROM UserLogin WHERE UserId = \(SalesforceMapping.literal(id))"
        )
        for login in logins where login["IsFrozen"]?.boolValue != frozen {
            guard let loginID = login["Id"]?.stringValue else { continue }
            switch try await request(.PATCH, "\(api)/sobjects/UserLogin/\(loginID)", body: ["IsFrozen": .bool(frozen)])
            {
            case .ok: continue
            case .refused(let status, let errors): throw refusal("PATCH /sobjects/UserLogin/\(loginID)", status, errors)
            }
        }
    }

    /// The `Contact` of an Experience Cloud user: the account's contact with this email, else a new one.
    func contact(for fields: JSONObject, in communities: SalesforceSettings.Communities) async throws -> String {
        let email = fields["Email"]?.stringValue ?? ""
        let existing = try await query(
            "SELECT Id FROM Contact WHERE AccountId = \(SalesforceMapping.literal(communities.accountId)) AND Email = \(SalesforceMapping.literal(email))"
        )
        if let id = existing.first?["Id"]?.stringValue { return id }
        var contact: JSONObject = [
            "AccountId": .string(communities.accountId), "LastName": fields["LastName"] ?? .string(email),
            "Email": .string(email),
        ]
        if let first = fields["FirstName"] { contact["FirstName"] = first }
        switch try await request(.POST, "\(api)/sobjects/Contact", body: .object(contact)) {
        case .ok(let body):
            guard let id = body?["id"]?.stringValue else {
                throw TargetError.retryable(detail: "POST /sobjects/Contact answered without an id", after: nil)
            }
            return id
        case .refused(let status, let errors): throw refusal("POST /sobjects/Contact (\(email))", status, errors)
        }
    }

    // MARK: - Groups

    /// The object a canonical group becomes, its name field and its membership junction.
    var groupObject: (object: String, nameField: String, apiNameField: String, maxName: Int, filter: String) {
        switch options.memberships {
        case .groups: ("Group", "Name", "DeveloperName", 40, "Type = 'Regular'")
        case .permissionSets: ("PermissionSet", "Label", "Name", 80, "IsOwnedByProfile = false")
        }
    }

    var junction: (object: String, parent: String, member: String) {
        switch options.memberships {
        case .groups: ("GroupMember", "GroupId", "UserOrGroupId")
        case .permissionSets: ("PermissionSetAssignment", "PermissionSetId", "AssigneeId")
        }
    }

    /// Names are not unique in Salesforce: of several same-named groups, the oldest (lowest id) is the one.
    package func findGroup(displayName: String) async throws -> (id: String, name: String)? {
        let g = groupObject
        let rows = try await query(
            "SELECT Id, \(g.nameField) FROM \(g.object) WHERE \(g.filter) AND \(g.nameField) = \(SalesforceMapping.literal(displayName))"
        )
        guard let first = rows.min(by: { ($0["Id"]?.stringValue ?? "") < ($1["Id"]?.stringValue ?? "") }),
            let id = first["Id"]?.stringValue
        else {
            return nil
        }
        return (id, first[g.nameField]?.stringValue ?? displayName)
    }

    package func createGroup(displayName: String, externalId: String) async throws -> String {
        let g = groupObject
        try checkName(displayName)
        let apiName = SalesforceMapping.apiName(
            displayName: displayName,
            externalId: externalId,
            maxLength: g.maxName == 40 ? 40 : 80
        )
        var body: JSONObject = [g.nameField: .string(displayName), g.apiNameField: .string(apiName)]
        if options.memberships == .groups { body["Type"] = "Regular" }
        switch try await request(.POST, "\(api)/sobjects/\(g.object)", body: .object(body)) {
        case .ok(let reply):
            guard let id = reply?["id"]?.stringValue else {
                throw TargetError.retryable(detail: "POST /sobjects/\(g.object) answered without an id", after: nil)
            }
            return id
        case .refused(let status, let errors):
            // The API name carries a hash of the canonical group: taken means this group was created before.
            if errors.contains(where: { $0.errorCode == "DUPLICATE_DEVELOPER_NAME" }),
                let id = try await query(
                    "SELECT Id FROM \(g.object) WHERE \(g.apiNameField) = \(SalesforceMapping.literal(apiName))"
                ).first?["Id"]?.stringValue
            {
                return id
            }
            throw refusal("POST /sobjects/\(g.object) (\(displayName))", status, errors)
        }
    }

    package func renameGroup(id: String, displayName: String) async throws {
        try checkName(displayName)
        let g = groupObject
        switch try await request(.PATCH, "\(api)/sobjects/\(g.object)/\(id)", body: [g.nameField: .string(displayName)])
        {
        case .ok: return
        case .refused(let status, let errors): throw refusal("PATCH /sobjects/\(g.object)/\(id)", status, errors)
        }
    }

    /// Longer names are refused by Salesforce (`STRING_TOO_LONG`); say so in the bridge's own words.
    func checkName(_ displayName: String) throws {
        let g = groupObject
        if displayName.count > g.maxName {
            throw TargetError.permanent(
                status: 400,
                detail:
                    "Salesforce \(options.memberships == .groups ? "group names" : "permission set labels") hold at most \(g.maxName) characters; '\(displayName)' has \(displayName.count). Rename the group at the source."
            )
        }
    }

    package func deleteGroup(id: String) async throws {
        switch try await request(.DELETE, "\(api)/sobjects/\(groupObject.object)/\(id)") {
        case .ok, .refused(404, _): return
        case .refused(let status, let errors):
            throw refusal("DELETE /sobjects/\(groupObject.object)/\(id)", status, errors)
        }
    }

    package func members(ofGroup id: String) async throws -> Set<String> {
        let j = junction
        let rows = try await query(
            "SELECT \(j.member) FROM \(j.object) WHERE \(j.parent) = \(SalesforceMapping.literal(id))"
        )
        return Set(rows.compactMap { $0[j.member]?.stringValue })
    }

    /// Inserts the `GroupMember` (or `PermissionSetAssignment`); `DUPLICATE_VALUE` means the user already was a member.
    @discardableResult
    package func addMembership(user: String, group: String) async throws -> Bool {
        let j = junction
        switch try await request(
            .POST,
            "\(api)/sobjects/\(j.object)",
            body: [j.parent: .string(group), j.member: .string(user)]
        ) {
        case .ok: return true
        case .refused(let status, let errors):
            if errors.contains(where: { $0.errorCode == "DUPLICATE_VALUE" }) { return false }
            throw refusal("POST /sobjects/\(j.object) (\(user) in \(group))", status, errors)
        }
    }

    /// Deletes the junction record(s) found by SOQL; none, or one already deleted, means done.
    package func removeMembership(user: String, group: String) async throws {
        let j = junction
        let rows = try await query(
            "SELECT Id FROM \(j.object) WHERE \(j.parent) = \(SalesforceMapping.literal(group)) AND \(j.member) = \(SalesforceMapping.literal(user))"
        )
        for row in rows {
            guard let id = row["Id"]?.stringValue else { continue }
            switch try await request(.DELETE, "\(api)/sobjects/\(j.object)/\(id)") {
            case .ok, .refused(404, _): continue
            case .refused(let status, let errors): throw refusal("DELETE /sobjects/\(j.object)/\(id)", status, errors)
            }
        }
    }

    package func listGroups() async throws -> [(id: String, name: String)] {
        let g = groupObject
        return try await query("SELECT Id, \(g.nameField) FROM \(g.object) WHERE \(g.filter)").compactMap { r in
            guard let id = r["Id"]?.stringValue, let name = r[g.nameField]?.stringValue else { return nil }
            return (id, name)
        }
    }

    /// Every `User`; under freeze deprovisioning, with the `IsFrozen` of its login.
    package func listUsers() async throws -> [TargetUser] {
        var frozen: [String: Bool] = [:]
        if options.deprovisioning == .freeze {
            for login in try await query("SELECT UserId, IsFrozen FROM UserLogin") {
                guard let user = login["UserId"]?.stringValue else { continue }
                frozen[user] = (frozen[user] ?? false) || login["IsFrozen"]?.boolValue == true
            }
        }
        return try await query("SELECT \(SalesforceUserState.selected.joined(separator: ", ")) FROM User").compactMap {
            r in
            SalesforceUserState.listed(r, frozen: r["Id"]?.stringValue.flatMap { frozen[$0] }, options: options)
        }
    }

    package func differences(of user: JSONObject, from actual: TargetUser) -> [AttributeDifference] {
        SalesforceUserState.differences(of: user, from: actual, options: options)
    }

    /// `GET /limits`: a session from the token endpoint and one cheap authenticated call.
    package func testConnection() async throws {
        switch try await request(.GET, "\(api)/limits") {
        case .ok: return
        case .refused(let status, let errors): throw refusal("GET /limits", status, errors)
        }
    }

    // MARK: - HTTP

    /// How a request ended, when it did not throw: success, or a refusal for the caller to interpret.
    enum Outcome {
        case ok(JSONValue?)
        case refused(status: Int, errors: [SalesforceMapping.APIError])
    }

    /// Every row of a SOQL query, following `nextRecordsUrl`.
    func query(_ soql: String) async throws -> [JSONObject] {
        var path = SalesforceMapping.queryPath(soql, apiVersion: options.apiVersion)
        var rows: [JSONObject] = []
        while true {
            switch try await request(.GET, path) {
            case .ok(let page):
                rows += (page?["records"]?.arrayValue ?? []).compactMap(\.objectValue)
                guard page?["done"]?.boolValue == false, let next = page?["nextRecordsUrl"]?.stringValue else {
                    return rows
                }
                path = next
            case .refused(let status, let errors):
                throw refusal("SOQL \(soql)", status, errors)
            }
        }
    }

    /// One API call on the session's instance. `INVALID_SESSION_ID` gets one new session;
    /// `REQUEST_LIMIT_EXCEEDED` and `UNABLE_TO_LOCK_ROW` are retryable; 429, 5xx and transport
    /// failures come out of `HTTPTransport` as retryable already.
    func request(_ method: HTTPMethod, _ path: String, body: JSONValue? = nil) async throws -> Outcome {
        var renewed = false
        while true {
            let session: SalesforceTokenProvider.Session
            do {
                session = try await tokens.session()
            } catch TargetError.permanent(_, let detail) {
                throw TargetError.unauthenticated(detail: detail)
            }
            let token = session.accessToken
            let pause = requestLimitPause
            let transport = HTTPTransport(
                client: client,
                baseURL: session.instanceURL,
                bucket: bucket,
                timeout: timeout,
                contentType: "application/json",
                authorization: { "Bearer \(token)" },
                reauthorize: nil
            ).throttling { r, _ in
                // The org's API allocation is used up: it refills slowly, for every caller alike.
                SalesforceMapping.errors(in: r.body).contains { $0.errorCode == "REQUEST_LIMIT_EXCEEDED" }
                    ? .init(scope: .target, after: pause) : nil
            }.patient(patience)
            let r = try await transport.send(method, path, body: body, accept: Self.refusals)
            if (200..<300).contains(r.status) { return .ok(r.body) }
            let errors = SalesforceMapping.errors(in: r.body)
            if r.status == 401 {
                if !renewed {
                    renewed = true
                    await tokens.invalidate(accessToken: token)
                    continue
                }
                throw TargetError.unauthenticated(
                    detail:
                        "\(method.rawValue) \(path): a new session was refused too: \(SalesforceMapping.describe(errors))"
                )
            }
            let detail = "\(method.rawValue) \(path) answered \(r.status): \(SalesforceMapping.describe(errors))"
            if errors.contains(where: { $0.errorCode == "UNABLE_TO_LOCK_ROW" }) {
                throw TargetError.retryable(detail: detail, after: nil)
            }
            return .refused(status: r.status, errors: errors)
        }
    }

    /// The statuses the connector reads itself (Salesforce's error arrays); 408 and 429 stay retryable in the transport.
    static let refusals = Set(400..<500).subtracting([408, 429])

    func refusal(_ what: String, _ status: Int, _ errors: [SalesforceMapping.APIError]) -> TargetError {
        .permanent(status: status, detail: "\(what) answered \(status): \(SalesforceMapping.describe(errors))")
    }
}
