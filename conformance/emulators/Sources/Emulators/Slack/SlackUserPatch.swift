public import SCIM

/// A Slack SCIM v2 user PATCH: `add`/`replace` of a top-level attribute, of a sub-attribute
/// (`name.givenName`) or of an extension attribute (`urn:…:enterprise:2.0:User:department`), or
/// without a path an object of attributes; `remove` of the same paths. Filtered paths
/// (`emails[type eq "work"].value`) are refused: send whole `emails` arrays. The result is then
/// validated like a PUT body (so `userName` is normalized and `externalId` stays).
enum SlackUserPatch {
    static func apply(_ body: JSONObject, to user: JSONObject) throws(SlackError) -> JSONObject {
        var result = user
        for operation in try SlackPatchOperation.operations(body) {
            guard let path = operation.path else {
                guard operation.op != "remove", let object = operation.value?.objectValue else {
                    throw SlackError.invalidSyntax
                }
                for (key, value) in object { result[key] = value }
                continue
            }
            guard !path.contains("[") else { throw SlackError.invalidSyntax }
            let (container, attribute) = split(path)
            if operation.op == "remove" {
                if let container {
                    guard var inner = result[container]?.objectValue else { continue }
                    inner.removeValue(forKey: attribute)
                    result[container] = .object(inner)
                } else {
                    result.removeValue(forKey: attribute)
                }
                continue
            }
            guard let value = operation.value else { throw SlackError.missingSchemaElement }
            if let container {
                var inner = result[container]?.objectValue ?? JSONObject()
                inner[attribute] = value
                result[container] = .object(inner)
            } else {
                result[attribute] = value
            }
        }
        return result
    }

    /// `name.givenName` → ("name", "givenName"); `urn:…:User:department` → ("urn:…:User", "department");
    /// `title` → (nil, "title").
    static func split(_ path: String) -> (container: String?, attribute: String) {
        if path.lowercased().hasPrefix("urn:"), let colon = path.lastIndex(of: ":") {
            return (String(path[..<colon]), String(path[path.index(after: colon)...]))
        }
        if let dot = path.firstIndex(of: ".") {
            return (String(path[..<dot]), String(path[path.index(after: dot)...]))
        }
        return (nil, path)
    }
}
