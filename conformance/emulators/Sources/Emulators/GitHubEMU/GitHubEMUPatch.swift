internal import SCIM

/// What a `patch-schema` request does to a GitHub user or group. Groups: `displayName` and
/// `externalId` replaced, `members` added, replaced or removed (both the RFC 7644 filter form
/// `members[value eq "id"]` and `path: "members"` with a `value` array). Users: whole attributes
/// replaced (a sub-attribute such as `name.givenName` too); paths with a filter are "ineffective",
/// as GitHub documents, so they change nothing.
enum GitHubEMUPatch {
    static let userAttributes = ["externalId", "userName", "displayName", "name", "emails", "roles", "active"]

    // MARK: - Groups

    static func apply(
        _ ops: [GitHubEMUContract.PatchOperation],
        to group: inout GitHubEMUDirectory.Group,
        in directory: GitHubEMUDirectory
    ) throws(SCIMError) {
        for (i, operation) in ops.enumerated() {
            let at = "Operations[\(i)]"
            guard let path = operation.path else {
                guard operation.op != "remove" else {
                    throw SCIMError(status: 400, scimType: .noTarget, detail: "\(at): a remove needs a path.")
                }
                guard let value = operation.value?.objectValue else {
                    throw SCIMError(
                        status: 400,
                        scimType: .invalidValue,
                        detail: "\(at): without a path, value must be an object of attributes."
                    )
                }
                for (key, v) in value {
                    try applyToGroup(op: operation.op, attribute: key, value: v, to: &group, in: directory, at: at)
                }
                continue
            }
            if let bracket = path.firstIndex(of: "[") {
                guard caseInsensitiveEquals(String(path[..<bracket]), "members"), path.hasSuffix("]") else {
                    throw SCIMError(
                        status: 400,
                        scimType: .invalidPath,
                        detail: "\(at): path '\(path)' is not supported on a group."
                    )
                }
                guard operation.op == "remove" else {
                    throw SCIMError(
                        status: 400,
                        scimType: .invalidPath,
                        detail: "\(at): a members filter path only takes op remove."
                    )
                }
                let inner = String(path[path.index(after: bracket)..<path.index(before: path.endIndex)])
                let filter = try GitHubEMUFilter.parse(inner, allowed: ["value"])
                group.remove([filter.value])
                continue
            }
            try applyToGroup(
                op: operation.op,
                attribute: path,
                value: operation.value,
                to: &group,
                in: directory,
                at: at
            )
        }
    }

    static func applyToGroup(
        op: String,
        attribute: String,
        value: JSONValue?,
        to group: inout GitHubEMUDirectory.Group,
        in directory: GitHubEMUDirectory,
        at: String
    ) throws(SCIMError) {
        switch attribute.lowercased() {
        case "members":
            if op == "remove" {
                guard let value else { return group.setMembers([]) }
                group.remove(Set(try memberIDs(value, at)))
                return
            }
            guard let value else {
                throw SCIMError(status: 400, scimType: .invalidValue, detail: "\(at): \(op) members needs a value.")
            }
            let ids = try memberIDs(value, at)
            try directory.checkMembers(ids)
            if op == "replace" { group.setMembers(ids) } else { group.add(ids) }
        case "displayname", "externalid":
            guard op != "remove" else {
                throw SCIMError(
                    status: 400,
                    scimType: .invalidValue,
                    detail: "\(at): '\(attribute)' is required and cannot be removed."
                )
            }
            guard let s = value?.stringValue, !s.isEmpty else {
                throw SCIMError(
                    status: 400,
                    scimType: .invalidValue,
                    detail: "\(at): '\(attribute)' must be a non-empty string."
                )
            }
            if attribute.lowercased() == "displayname" { group.displayName = s } else { group.externalId = s }
        default:
            throw SCIMError(
                status: 400,
                scimType: .invalidPath,
                detail: "\(at): '\(attribute)' is not a group attribute GitHub updates."
            )
        }
    }

    /// `[{"value": "id"}, …]` (a lone object is taken as a one-element array).
    static func memberIDs(_ value: JSONValue, _ at: String) throws(SCIMError) -> [String] {
        let items = value.arrayValue ?? [value]
        var ids: [String] = []
        for item in items {
            guard let id = item["value"]?.stringValue, !id.isEmpty else {
                throw SCIMError(
                    status: 400,
                    scimType: .invalidValue,
                    detail: "\(at): each member needs a 'value' with a SCIM user id."
                )
            }
            ids.append(id)
        }
        return ids
    }

    // MARK: - Users

    /// Applies `ops` to a user's attributes; the result is then checked against the `user` schema.
    static func apply(_ ops: [GitHubEMUContract.PatchOperation], to attributes: inout JSONObject) throws(SCIMError) {
        for (i, operation) in ops.enumerated() {
            let at = "Operations[\(i)]"
            guard let path = operation.path else {
                guard operation.op != "remove", let value = operation.value?.objectValue else {
                    throw SCIMError(
                        status: 400,
                        scimType: .invalidValue,
                        detail: "\(at): without a path, value must be an object of attributes."
                    )
                }
                for (key, v) in value { try set(key, v, in: &attributes, at: at) }
                continue
            }
            // "Complex SCIM path selectors that include filters are not supported" (ineffective).
            if path.contains("[") { continue }
            if operation.op == "remove" {
                let parts = path.split(separator: ".", maxSplits: 1).map(String.init)
                if parts.count == 2, var sub = attributes[parts[0]]?.objectValue {
                    sub.removeValue(forKey: parts[1])
                    attributes[parts[0]] = .object(sub)
                } else {
                    attributes.removeValue(forKey: path)
                }
                continue
            }
            guard let value = operation.value else {
                throw SCIMError(status: 400, scimType: .invalidValue, detail: "\(at): \(operation.op) needs a value.")
            }
            try set(path, value, in: &attributes, at: at)
        }
    }

    static func set(_ path: String, _ value: JSONValue, in attributes: inout JSONObject, at: String) throws(SCIMError) {
        let parts = path.split(separator: ".", maxSplits: 1).map(String.init)
        guard let top = userAttributes.first(where: { caseInsensitiveEquals($0, parts[0]) }) else {
            throw SCIMError(
                status: 400,
                scimType: .invalidPath,
                detail: "\(at): '\(path)' is not a user attribute GitHub updates."
            )
        }
        if parts.count == 2 {
            var sub = attributes[top]?.objectValue ?? JSONObject()
            sub[parts[1]] = value
            attributes[top] = .object(sub)
        } else {
            attributes[top] = value
        }
    }
}
