public import SCIM

/// GitHub's request-body schemas for the enterprise SCIM API (`user`, `group`, `patch-schema` in
/// `conformance/specs/github-emu-scim.openapi.json`), checked the way GitHub does before it acts:
/// a body that breaks them is 400 with a `scim-error` body naming the member at fault.
public enum GitHubEMUContract {
    public static let userSchema = "urn:ietf:params:scim:schemas:core:2.0:User"
    public static let groupSchema = "urn:ietf:params:scim:schemas:core:2.0:Group"
    public static let patchSchema = "urn:ietf:params:scim:api:messages:2.0:PatchOp"

    /// The `user-role` value enum. The GUIDs are Entra app-role ids for the same roles. GitHub's own
    /// PUT example sends `"User"`, so values are compared without regard to case.
    public static let roleValues = [
        "user", "27d9891d-2c17-4f45-a262-781a0e55c80a", "guest_collaborator", "1ebc4a02-e56c-43a6-92a5-02ee09b90824",
        "enterprise_owner", "981df190-8801-4618-a08a-d91f6206c954", "ba4987ab-a1c3-412a-b58c-360fc407cb10",
        "billing_manager", "0e338b8c-cc7f-498a-928d-ea3470d7e7e3", "e6be2762-e4ad-4108-b72d-1bbe884a0f91",
    ]

    /// One PATCH operation as `patch-schema` allows it: `op` from the enum, `path` a string, and
    /// `value` of any JSON type (the spec says `string`, but its own examples send arrays and booleans).
    public struct PatchOperation: Sendable, Hashable {
        public var op: String
        public var path: String?
        public var value: JSONValue?
    }

    /// The `user` schema (POST and PUT `/Users`).
    public static func validateUser(_ o: JSONObject) throws(SCIMError) {
        try schemas(o, userSchema, "user")
        try string(o, "externalId", "user", nonEmpty: true)
        try string(o, "userName", "user", nonEmpty: true)
        try boolean(o, "active", "user")
        try string(o, "displayName", "user")
        for (i, e) in try array(o, "emails", "user").enumerated() {
            let email = try object(e, "emails[\(i)]")
            try string(email, "value", "emails[\(i)]", nonEmpty: true)
            try string(email, "type", "emails[\(i)]")
            try boolean(email, "primary", "emails[\(i)]")
        }
        if let name = o["name"] {
            let n = try object(name, "name")
            try string(n, "givenName", "name")
            try string(n, "familyName", "name")
            try string(n, "formatted", "name", required: false)
            try string(n, "middleName", "name", required: false)
        }
        if o["roles"] != nil {
            for (i, r) in try array(o, "roles", "user").enumerated() {
                let role = try object(r, "roles[\(i)]")
                let value = try string(role, "value", "roles[\(i)]")!
                guard roleValues.contains(where: { caseInsensitiveEquals($0, value) }) else {
                    throw SCIMError(
                        status: 400,
                        scimType: .invalidValue,
                        detail:
                            "roles[\(i)].value '\(value)' is not a GitHub role; use one of \(roleValues.joined(separator: ", "))."
                    )
                }
                try string(role, "display", "roles[\(i)]", required: false)
                try string(role, "type", "roles[\(i)]", required: false)
                try boolean(role, "primary", "roles[\(i)]", required: false)
            }
        }
    }

    /// The `group` schema (POST and PUT `/Groups`); returns the member ids, in order. Whether they
    /// name users of the enterprise is the directory's question.
    public static func validateGroup(_ o: JSONObject) throws(SCIMError) -> [String] {
        try schemas(o, groupSchema, "group")
        try string(o, "externalId", "group", nonEmpty: true)
        try string(o, "displayName", "group", nonEmpty: true)
        guard o["members"] != nil else { return [] }
        var ids: [String] = []
        for (i, m) in try array(o, "members", "group").enumerated() {
            let member = try object(m, "members[\(i)]")
            ids.append(try string(member, "value", "members[\(i)]", nonEmpty: true)!)
            try string(member, "displayName", "members[\(i)]")
        }
        return ids
    }

    /// The `patch-schema` (PATCH `/Users/{id}` and `/Groups/{id}`).
    public static func validatePatch(_ o: JSONObject) throws(SCIMError) -> [PatchOperation] {
        try schemas(o, patchSchema, "PatchOp")
        let operations = try array(o, "Operations", "PatchOp")
        guard !operations.isEmpty else {
            throw SCIMError(
                status: 400,
                scimType: .invalidSyntax,
                detail: "'Operations' must hold at least one operation."
            )
        }
        var out: [PatchOperation] = []
        for (i, element) in operations.enumerated() {
            let operation = try object(element, "Operations[\(i)]")
            let op = try string(operation, "op", "Operations[\(i)]")!
            guard ["add", "replace", "remove"].contains(op) else {
                throw SCIMError(
                    status: 400,
                    scimType: .invalidSyntax,
                    detail:
                        "Operations[\(i)].op '\(op)' is not one of add, replace, remove (lowercase, as the spec's enum says)."
                )
            }
            let path = try string(operation, "path", "Operations[\(i)]", required: false)
            out.append(PatchOperation(op: op, path: path, value: operation["value"]))
        }
        return out
    }

    // MARK: - Member checks

    static func schemas(_ o: JSONObject, _ urn: String, _ what: String) throws(SCIMError) {
        guard let values = o["schemas"]?.arrayValue, !values.isEmpty else {
            throw SCIMError(
                status: 400,
                scimType: .invalidSyntax,
                detail: "The \(what) body needs \"schemas\": [\"\(urn)\"]."
            )
        }
        for v in values where v.stringValue != urn {
            throw SCIMError(
                status: 400,
                scimType: .invalidSyntax,
                detail: "The \(what) body's schemas may only hold \"\(urn)\", not \(v.serialized())."
            )
        }
    }

    @discardableResult
    static func string(_ o: JSONObject, _ key: String, _ owner: String, required: Bool = true, nonEmpty: Bool = false)
        throws(SCIMError) -> String?
    {
        guard let v = o[key] else {
            if required { throw missing(key, owner, "a string") }
            return nil
        }
        guard let s = v.stringValue, !(nonEmpty && s.isEmpty) else {
            throw wrongType(key, owner, nonEmpty ? "a non-empty string" : "a string", v)
        }
        return s
    }

    static func boolean(_ o: JSONObject, _ key: String, _ owner: String, required: Bool = true) throws(SCIMError) {
        guard let v = o[key] else {
            if required { throw missing(key, owner, "a boolean") }
            return
        }
        guard v.boolValue != nil else { throw wrongType(key, owner, "a boolean", v) }
    }

    static func array(_ o: JSONObject, _ key: String, _ owner: String) throws(SCIMError) -> [JSONValue] {
        guard let v = o[key] else { throw missing(key, owner, "an array") }
        guard let a = v.arrayValue else { throw wrongType(key, owner, "an array", v) }
        return a
    }

    static func object(_ v: JSONValue, _ name: String) throws(SCIMError) -> JSONObject {
        guard let o = v.objectValue else {
            throw SCIMError(
                status: 400,
                scimType: .invalidSyntax,
                detail: "\(name) must be an object, not \(v.typeName)."
            )
        }
        return o
    }

    static func missing(_ key: String, _ owner: String, _ type: String) -> SCIMError {
        SCIMError(
            status: 400,
            scimType: .invalidSyntax,
            detail: "The \(owner) body is missing '\(key)' (required: \(type))."
        )
    }

    static func wrongType(_ key: String, _ owner: String, _ type: String, _ v: JSONValue) -> SCIMError {
        SCIMError(
            status: 400,
            scimType: .invalidSyntax,
            detail: "'\(key)' of the \(owner) body must be \(type), not \(v.serialized())."
        )
    }
}
