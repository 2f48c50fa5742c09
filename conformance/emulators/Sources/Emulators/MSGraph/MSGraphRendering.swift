public import SCIM

/// How Graph shows users and groups: a user without `$select` shows only the default properties
/// (Learn's "List users": `businessPhones`, `displayName`, `givenName`, `jobTitle`, `mail`,
/// `mobilePhone`, `officeLocation`, `preferredLanguage`, `surname`, `userPrincipalName`, `id`), so a
/// client that reads `accountEnabled` must select it; a group shows what it holds; `$select` keeps
/// only the named properties (null when unset). A password is never shown. Pure.
public enum MSGraphRendering {
    public static let defaultUserProperties = [
        "businessPhones", "displayName", "givenName", "jobTitle", "mail", "mobilePhone", "officeLocation",
        "preferredLanguage", "surname", "userPrincipalName", "id",
    ]

    public static func user(_ stored: JSONObject, select: [String]? = nil) -> JSONObject {
        var out = JSONObject()
        for name in select ?? defaultUserProperties {
            if name.lowercased() == "passwordprofile" {
                out[name] = .null
            } else {
                out[name] = stored[name] ?? (name == "businessPhones" ? .array([]) : .null)
            }
        }
        return out
    }

    public static func group(_ stored: JSONObject, select: [String]? = nil) -> JSONObject {
        var visible = stored
        visible["owners"] = nil
        guard let select else { return visible }
        var out = JSONObject()
        for name in select { out[name] = visible[name] ?? .null }
        return out
    }

    /// A member as `GET /groups/{id}/members` lists it: with its `@odata.type`.
    public static func member(_ stored: JSONObject, isUser: Bool, select: [String]? = nil) -> JSONObject {
        var out: JSONObject = ["@odata.type": .string(isUser ? "#microsoft.graph.user" : "#microsoft.graph.group")]
        for (k, v) in isUser ? user(stored, select: select) : group(stored, select: select) { out[k] = v }
        return out
    }
}
