package import SCIM

/// A canonical SCIM user (RFC 7643 §4.1) as GitHub EMU's `user` request body, which requires
/// `externalId`, `userName`, `active`, `displayName` and `emails` (each with `value`, `type` and
/// `primary`), takes `name` only with both `givenName` and `familyName`, and `roles` only from its enum.
package enum GitHubEMUUserMapping {
    package static let userSchema = "urn:ietf:params:scim:schemas:core:2.0:User"

    /// GitHub's role values (the GUIDs are the Entra app-role ids of the same roles).
    package static let roleValues = [
        "user", "27d9891d-2c17-4f45-a262-781a0e55c80a", "guest_collaborator", "1ebc4a02-e56c-43a6-92a5-02ee09b90824",
        "enterprise_owner", "981df190-8801-4618-a08a-d91f6206c954", "ba4987ab-a1c3-412a-b58c-360fc407cb10",
        "billing_manager", "0e338b8c-cc7f-498a-928d-ea3470d7e7e3", "e6be2762-e4ad-4108-b72d-1bbe884a0f91",
    ]

    /// The body for POST or PUT `/Users`. `externalId` is the user's `externalId`, else its `id` (when
    /// the canonical JSON carries one), else its `userName`: stable, and unique on GitHub too.
    package static func body(for user: JSONObject) -> JSONObject {
        let userName = user["userName"]?.stringValue ?? ""
        var o: JSONObject = ["schemas": [.string(userSchema)]]
        o["externalId"] = .string(nonEmpty(user["externalId"]) ?? nonEmpty(user["id"]) ?? userName)
        o["userName"] = .string(userName)
        o["active"] = .bool(user["active"]?.boolValue ?? true)
        o["displayName"] = .string(displayName(of: user, userName: userName))
        if let name = name(of: user) { o["name"] = .object(name) }
        o["emails"] = .array(emails(of: user, userName: userName).map(JSONValue.object))
        o["roles"] = .array(roles(of: user).map(JSONValue.object))
        return o
    }

    /// `displayName`, else `name.formatted`, else "givenName familyName", else `userName`.
    static func displayName(of user: JSONObject, userName: String) -> String {
        if let d = nonEmpty(user["displayName"]) { return d }
        if let f = nonEmpty(user["name"]?["formatted"]) { return f }
        let parts = [nonEmpty(user["name"]?["givenName"]), nonEmpty(user["name"]?["familyName"])].compactMap { $0 }
        return parts.isEmpty ? userName : parts.joined(separator: " ")
    }

    /// Only when both required sub-attributes exist: a half name would be a 400.
    static func name(of user: JSONObject) -> JSONObject? {
        guard let given = nonEmpty(user["name"]?["givenName"]), let family = nonEmpty(user["name"]?["familyName"])
        else {
            return nil
        }
        var n: JSONObject = ["givenName": .string(given), "familyName": .string(family)]
        if let f = nonEmpty(user["name"]?["formatted"]) { n["formatted"] = .string(f) }
        if let m = nonEmpty(user["name"]?["middleName"]) { n["middleName"] = .string(m) }
        return n
    }

    /// Each email with `value`, `type` ("work" when absent) and `primary` (the first when none is).
    /// A user without emails whose `userName` is an address gets it as the work email, since GitHub
    /// requires `emails` and EMU users sign in by it.
    static func emails(of user: JSONObject, userName: String) -> [JSONObject] {
        var out: [JSONObject] = []
        for e in user["emails"]?.arrayValue ?? [] {
            guard let value = nonEmpty(e["value"]) else { continue }
            out.append([
                "value": .string(value), "type": .string(nonEmpty(e["type"]) ?? "work"),
                "primary": .bool(e["primary"]?.boolValue ?? false),
            ])
        }
        if out.isEmpty, userName.contains("@") {
            out = [["value": .string(userName), "type": "work", "primary": true]]
        }
        if !out.isEmpty, !out.contains(where: { $0["primary"] == true }) { out[0]["primary"] = true }
        return out
    }

    /// The canonical roles GitHub knows (spelled as its enum spells them), else the plain `user` role.
    static func roles(of user: JSONObject) -> [JSONObject] {
        var out: [JSONObject] = []
        for r in user["roles"]?.arrayValue ?? [] {
            guard let value = r["value"]?.stringValue,
                let known = roleValues.first(where: { caseInsensitiveEquals($0, value) })
            else {
                continue
            }
            var role: JSONObject = ["value": .string(known)]
            if let primary = r["primary"]?.boolValue { role["primary"] = .bool(primary) }
            out.append(role)
        }
        return out.isEmpty ? [["value": "user"]] : out
    }

    static func nonEmpty(_ v: JSONValue?) -> String? {
        guard let s = v?.stringValue, !s.isEmpty else { return nil }
        return s
    }
}
