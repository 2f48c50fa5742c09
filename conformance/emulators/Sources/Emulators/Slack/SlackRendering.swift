public import SCIM

/// Users, groups and list responses as Slack's SCIM v2 API shows them: Slack ids, `meta` with
/// `created` and `location`, a user's `groups`, a group's `members` with `display` (the user name).
extension SlackDirectory {
    func render(_ user: User, baseURL: String) -> JSONObject {
        var o: JSONObject = [
            "schemas": user.attributes["schemas"] ?? [.string(SlackValidation.userSchema)], "id": .string(user.id),
        ]
        for (key, value) in user.attributes where key != "schemas" { o[key] = value }
        o["groups"] = .array(groups(of: user.id).map { ["value": .string($0.id), "display": .string($0.displayName)] })
        o["meta"] = [
            "created": .string(user.created.iso8601), "lastModified": .string(user.lastModified.iso8601),
            "location": .string("\(baseURL)/Users/\(user.id)"), "resourceType": "User",
        ]
        return o
    }

    func render(_ group: Group, baseURL: String) -> JSONObject {
        [
            "schemas": [.string(SlackValidation.groupSchema)], "id": .string(group.id),
            "displayName": .string(group.displayName),
            "members": .array(
                group.members.map { id in
                    ["value": .string(id), "display": .string(users[id]?.userName ?? "")]
                }
            ),
            "meta": [
                "created": .string(group.created.iso8601), "lastModified": .string(group.lastModified.iso8601),
                "location": .string("\(baseURL)/Groups/\(group.id)"), "resourceType": "Group",
            ],
        ]
    }

    /// RFC 7644 §3.4.2 ListResponse of one page.
    static func listResponse(_ page: [JSONObject], total: Int, startIndex: Int) -> JSONValue {
        [
            "schemas": [.string(MessageSchema.listResponse)], "totalResults": .integer(Int64(total)),
            "itemsPerPage": .integer(Int64(page.count)), "startIndex": .integer(Int64(startIndex)),
            "Resources": .array(page.map(JSONValue.object)),
        ]
    }
}
