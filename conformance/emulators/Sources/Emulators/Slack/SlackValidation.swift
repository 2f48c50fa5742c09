import SCIM

/// What Slack requires of a user or group body (targets.md §B "Endpoints", "User attributes",
/// "Group membership PATCH shapes"), checked before the directory looks at uniqueness or members.
enum SlackValidation {
    static let userSchema = "urn:ietf:params:scim:schemas:core:2.0:User"
    static let groupSchema = "urn:ietf:params:scim:schemas:core:2.0:Group"
    static let enterpriseSchema = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
    static let guestSchema = "urn:ietf:params:scim:schemas:extension:slack:guest:2.0:User"
    /// `displayName` (and, by the same profile field rule, `nickName`) at most this long.
    static let maximumDisplayName = 80
    /// Members one request may name: `too_many_users` beyond (targets.md: "up to 15,000 users per call").
    static let maximumMembersPerRequest = 15_000

    /// A user body as stored: `userName` normalized by Slack's rules, at least one email (the first
    /// marked primary when none is), `active` true unless given, server-owned members dropped.
    static func user(_ body: JSONObject) throws(SlackError) -> JSONObject {
        guard let requested = body["userName"]?.stringValue else { throw SlackError.missingSchemaElement }
        var user = body
        for key in ["id", "meta", "groups", "password"] { user.removeValue(forKey: key) }
        user["userName"] = .string(try SlackUserName.normalize(requested))
        user["emails"] = .array(try emails(body["emails"]))
        if let name = body["displayName"] {
            guard let text = name.stringValue, text.count <= maximumDisplayName else {
                throw SlackError.invalidDisplayName
            }
        }
        if let nick = body["nickName"] {
            guard let text = nick.stringValue, text.count <= maximumDisplayName else { throw SlackError.longNickname }
        }
        if let active = body["active"], active.boolValue == nil { throw SlackError.missingSchemaElement }
        if user["active"] == nil { user["active"] = true }
        var schemas: [JSONValue] = [.string(userSchema)]
        for urn in [enterpriseSchema, guestSchema] where user[urn] != nil { schemas.append(.string(urn)) }
        user["schemas"] = .array(schemas)
        return user
    }

    /// `emails` with at least one non-empty `value`; exactly one `primary`.
    static func emails(_ value: JSONValue?) throws(SlackError) -> [JSONValue] {
        guard let array = value?.arrayValue, !array.isEmpty else { throw SlackError.missingSchemaElement }
        var out: [JSONObject] = []
        for element in array {
            guard var email = element.objectValue, let text = email["value"]?.stringValue,
                text.contains("@"), !text.hasPrefix("@"), !text.hasSuffix("@")
            else { throw SlackError.missingSchemaElement }
            email["value"] = .string(text)
            out.append(email)
        }
        let primary = out.firstIndex { $0["primary"]?.boolValue == true } ?? 0
        for i in out.indices { out[i]["primary"] = .bool(i == primary) }
        return out.map(JSONValue.object)
    }

    /// The lowercased email addresses of a stored user, primary first.
    static func emailAddresses(of user: JSONObject) -> [String] {
        let all = user["emails"]?.arrayValue ?? []
        let sorted = all.filter { $0["primary"]?.boolValue == true } + all.filter { $0["primary"]?.boolValue != true }
        return sorted.compactMap { $0["value"]?.stringValue?.lowercased() }
    }

    /// A group body: its `displayName` and the member ids it names (nil when it has no `members`).
    static func group(_ body: JSONObject) throws(SlackError) -> (displayName: String, members: [String]?) {
        guard let name = body["displayName"]?.stringValue, !name.isEmpty else { throw SlackError.missingSchemaElement }
        guard let members = body["members"], !members.isNull else { return (name, nil) }
        return (name, try memberIDs(members))
    }

    /// `[{"value": "U…"}, …]` → the ids; more than 15,000 is `too_many_users`.
    static func memberIDs(_ value: JSONValue) throws(SlackError) -> [String] {
        guard let array = value.arrayValue else { throw SlackError.missingSchemaElement }
        guard array.count <= maximumMembersPerRequest else { throw SlackError.tooManyUsers }
        var ids: [String] = []
        ids.reserveCapacity(array.count)
        for element in array {
            guard let id = element["value"]?.stringValue, !id.isEmpty else { throw SlackError.missingSchemaElement }
            ids.append(id)
        }
        return ids
    }
}
