public import SCIM

/// The records of an emulated Salesforce org and the rules its REST API enforces on them
/// (research/targets.md §D and §E): required `User` fields, `Username` unique across every org,
/// `CommunityNickname` derived and unique, users that cannot be deleted, unique `DeveloperName`s,
/// `DUPLICATE_VALUE` for a second identical `GroupMember` or `PermissionSetAssignment`, references
/// that must point at a record of the right object. A value type: the emulator holds it under its lock.
public struct SalesforceOrg: Sendable {
    /// An sObject the emulator knows: its key prefix (the first three characters of an id) and fields.
    struct ObjectType: Sendable {
        var name: String
        var prefix: String
        var fields: [String]
        /// Fields the API computes; writing them is `INVALID_FIELD_FOR_INSERT_UPDATE`.
        var readOnly: Set<String> = ["Id"]
        var creatable = true
        var updatable = true
        var deletable = true
    }

    static let objectTypes: [ObjectType] = [
        ObjectType(
            name: "User",
            prefix: "005",
            fields: [
                "Id", "Username", "LastName", "FirstName", "Email", "Alias", "CommunityNickname", "TimeZoneSidKey",
                "LocaleSidKey",
                "EmailEncodingKey", "LanguageLocaleKey", "ProfileId", "ContactId", "IsActive", "FederationIdentifier",
                "UserType",
            ],
            readOnly: ["Id", "UserType"],
            deletable: false
        ),
        ObjectType(name: "Group", prefix: "00G", fields: ["Id", "Name", "DeveloperName", "Type"]),
        ObjectType(name: "GroupMember", prefix: "011", fields: ["Id", "GroupId", "UserOrGroupId"], updatable: false),
        ObjectType(
            name: "PermissionSet",
            prefix: "0PS",
            fields: ["Id", "Name", "Label", "IsOwnedByProfile"],
            readOnly: ["Id", "IsOwnedByProfile"]
        ),
        ObjectType(
            name: "PermissionSetAssignment",
            prefix: "0Pa",
            fields: ["Id", "AssigneeId", "PermissionSetId"],
            updatable: false
        ),
        ObjectType(
            name: "UserLogin",
            prefix: "060",
            fields: ["Id", "UserId", "IsFrozen", "IsPasswordLocked"],
            readOnly: ["Id", "UserId"],
            creatable: false,
            deletable: false
        ),
        ObjectType(name: "Contact", prefix: "003", fields: ["Id", "AccountId", "FirstName", "LastName", "Email"]),
        ObjectType(name: "Account", prefix: "001", fields: ["Id", "Name"]),
        ObjectType(
            name: "Profile",
            prefix: "00e",
            fields: ["Id", "Name"],
            creatable: false,
            updatable: false,
            deletable: false
        ),
    ]

    /// The fields a new `User` must have [D: Object Reference, User].
    public static let requiredUserFields = [
        "Username", "LastName", "Email", "Alias", "TimeZoneSidKey", "LocaleSidKey", "EmailEncodingKey",
        "LanguageLocaleKey", "ProfileId",
    ]
    /// The restricted picklist of `EmailEncodingKey`.
    static let emailEncodings: Set<String> = [
        "UTF-8", "ISO-8859-1", "Shift_JIS", "ISO-2022-JP", "EUC-JP", "ks_c_5601-1987", "Big5", "GB2312", "Big5-HKSCS",
        "x-SJIS_0213",
    ]

    /// Ids per object, in creation order.
    private(set) var order: [String: [String]] = [:]
    /// Every record by id, with `Id` among its fields.
    private(set) var records: [String: JSONObject] = [:]
    /// Usernames (lowercased) taken in other orgs: creating one is `DUPLICATE_USERNAME`.
    var takenUsernames: Set<String>
    private var counter = 0

    /// An org holding only `profiles` and `accounts`, given as (id, name).
    init(takenUsernames: Set<String>, profiles: [(String, String)], accounts: [(String, String)]) {
        self.takenUsernames = Set(takenUsernames.map { $0.lowercased() })
        for (id, name) in profiles { store("Profile", ["Id": .string(id), "Name": .string(name)]) }
        for (id, name) in accounts { store("Account", ["Id": .string(id), "Name": .string(name)]) }
    }

    // MARK: - Reading

    /// The records of one object, oldest first.
    public func all(_ type: String) -> [JSONObject] { (order[type] ?? []).compactMap { records[$0] } }

    /// A record by id, if it is of `type`.
    public func record(_ type: String, id: String) -> JSONObject? {
        guard let r = records[id], Self.typeName(ofID: id) == type else { return nil }
        return r
    }

    static func objectType(_ name: String) -> ObjectType? { objectTypes.first { caseInsensitiveEquals($0.name, name) } }

    static func typeName(ofID id: String) -> String? {
        objectTypes.first { id.count == 18 && id.hasPrefix($0.prefix) }?.name
    }

    /// The rows of a query, each with only the selected fields (spelled as selected) after `attributes`.
    func query(_ q: SOQLQuery, apiVersion: String) throws(SalesforceError) -> [JSONObject] {
        guard let type = Self.objectType(q.object) else {
            throw SalesforceError(400, "INVALID_TYPE", "sObject type '\(q.object)' is not supported.")
        }
        func canonical(_ field: String) throws(SalesforceError) -> String {
            guard let f = type.fields.first(where: { caseInsensitiveEquals($0, field) }) else {
                throw SalesforceError(
                    400,
                    "INVALID_FIELD",
                    "No such column '\(field)' on entity '\(type.name)'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name."
                )
            }
            return f
        }
        var selected: [(String, String)] = []
        for f in q.fields { selected.append((f, try canonical(f))) }
        var conditions: [(String, SOQLQuery.Condition)] = []
        for c in q.conditions { conditions.append((try canonical(c.field), c)) }
        var rows = all(type.name).filter { r in
            conditions.allSatisfy { field, c in Self.matches(r[field], c.value) != c.negated }
        }
        if let order = q.orderBy {
            let field = try canonical(order.field)
            rows.sort { a, b in
                let x = a[field]?.stringValue ?? "", y = b[field]?.stringValue ?? ""
                return order.descending ? x > y : x < y
            }
        }
        if let limit = q.limit { rows = Array(rows.prefix(limit)) }
        return rows.map { r in
            var o: JSONObject = ["attributes": Self.attributes(type.name, r["Id"]?.stringValue ?? "", apiVersion)]
            for (spelled, field) in selected { o[spelled] = r[field] ?? .null }
            return o
        }
    }

    /// SOQL `=` on text ignores case; `null` matches an unset field.
    static func matches(_ value: JSONValue?, _ literal: JSONValue) -> Bool {
        switch (value ?? .null, literal) {
        case (.null, .null): true
        case (.string(let a), .string(let b)): caseInsensitiveEquals(a, b)
        case (.bool(let a), .bool(let b)): a == b
        default: false
        }
    }

    static func attributes(_ type: String, _ id: String, _ apiVersion: String) -> JSONValue {
        ["type": .string(type), "url": .string("/services/data/v\(apiVersion)/sobjects/\(type)/\(id)")]
    }

    /// A record as `GET /sobjects/{type}/{id}` returns it: `attributes`, then every field (null when unset).
    func rendered(_ type: String, id: String, apiVersion: String) throws(SalesforceError) -> JSONObject {
        guard let t = Self.objectType(type), let r = record(t.name, id: id) else { throw .notFound }
        var o: JSONObject = ["attributes": Self.attributes(t.name, id, apiVersion)]
        for f in t.fields { o[f] = r[f] ?? .null }
        return o
    }

    // MARK: - Writing

    /// `POST /sobjects/{type}`: validates and stores a new record; returns its id.
    mutating func insert(_ typeName: String, _ body: JSONObject) throws(SalesforceError) -> String {
        guard let type = Self.objectType(typeName) else { throw .notFound }
        guard type.creatable else {
            throw SalesforceError(
                400,
                "CANNOT_INSERT_UPDATE_ACTIVATE_ENTITY",
                "entity type \(type.name) does not support insert"
            )
        }
        var fields = try normalized(body, type, writing: "create")
        switch type.name {
        case "User": try checkNewUser(&fields)
        case "Group":
            let missing = ["Name", "DeveloperName"].filter { Self.isBlank(fields[$0]) }
            if !missing.isEmpty { throw .requiredFieldsMissing(missing) }
            if fields["Type"] == nil { fields["Type"] = "Regular" }
            try checkGroup(fields, id: nil)
        case "GroupMember":
            try checkPair(fields, "GroupId", ["Group"], "UserOrGroupId", ["User", "Group"])
        case "PermissionSet":
            let missing = ["Name", "Label"].filter { Self.isBlank(fields[$0]) }
            if !missing.isEmpty { throw .requiredFieldsMissing(missing) }
            try checkAPIName(
                fields["Name"]?.stringValue ?? "",
                field: "Name",
                of: "PermissionSet",
                except: nil,
                maxLength: 80
            )
            fields["IsOwnedByProfile"] = false
        case "PermissionSetAssignment":
            try checkPair(fields, "PermissionSetId", ["PermissionSet"], "AssigneeId", ["User"])
        case "Contact":
            if Self.isBlank(fields["LastName"]) { throw .requiredFieldsMissing(["LastName"]) }
            if let a = fields["AccountId"]?.stringValue, record("Account", id: a) == nil {
                throw .invalidReference("AccountId")
            }
        case "Account":
            if Self.isBlank(fields["Name"]) { throw .requiredFieldsMissing(["Name"]) }
        default: break
        }
        let id = store(type.name, fields)
        if type.name == "User" {
            store("UserLogin", ["UserId": .string(id), "IsFrozen": false, "IsPasswordLocked": false])
        }
        return id
    }

    /// `PATCH /sobjects/{type}/{id}`: validates and applies the changed fields.
    mutating func update(_ typeName: String, id: String, _ body: JSONObject) throws(SalesforceError) {
        guard let type = Self.objectType(typeName), var current = record(type.name, id: id) else { throw .notFound }
        guard type.updatable else {
            throw SalesforceError(
                400,
                "INVALID_FIELD_FOR_INSERT_UPDATE",
                "Unable to create/update fields: \(body.keys.joined(separator: ", ")). Please check the security settings of this field and verify that it is read/write for your profile or permission set.",
                fields: body.keys
            )
        }
        let changes = try normalized(body, type, writing: "update")
        for (k, v) in changes { current[k] = v }
        switch type.name {
        case "User":
            let blank = Self.requiredUserFields.filter { changes[$0] != nil && Self.isBlank(changes[$0]) }
            if !blank.isEmpty { throw .requiredFieldsMissing(blank) }
            try checkUserFields(current, id: id)
        case "Group": try checkGroup(current, id: id)
        case "PermissionSet":
            try checkAPIName(
                current["Name"]?.stringValue ?? "",
                field: "Name",
                of: "PermissionSet",
                except: id,
                maxLength: 80
            )
        default: break
        }
        records[id] = current
    }

    /// `DELETE /sobjects/{type}/{id}`. Users cannot be deleted; a deleted group or permission set takes
    /// its memberships or assignments with it.
    mutating func delete(_ typeName: String, id: String) throws(SalesforceError) {
        guard let type = Self.objectType(typeName) else { throw .notFound }
        guard type.deletable else {
            throw SalesforceError(
                405,
                "METHOD_NOT_ALLOWED",
                "HTTP Method 'DELETE' not allowed. Allowed are GET,HEAD,PATCH"
            )
        }
        guard record(type.name, id: id) != nil else { throw .notFound }
        remove(id)
        switch type.name {
        case "Group":
            for m in all("GroupMember") where m["GroupId"]?.stringValue == id || m["UserOrGroupId"]?.stringValue == id {
                remove(m["Id"]?.stringValue ?? "")
            }
        case "PermissionSet":
            for a in all("PermissionSetAssignment") where a["PermissionSetId"]?.stringValue == id {
                remove(a["Id"]?.stringValue ?? "")
            }
        default: break
        }
    }

    // MARK: - Rules

    /// The body's fields under their canonical names; unknown and read-only fields are refused.
    private func normalized(_ body: JSONObject, _ type: ObjectType, writing verb: String) throws(SalesforceError)
        -> JSONObject
    {
        var out = JSONObject()
        for (key, value) in body where key != "attributes" {
            guard let field = type.fields.first(where: { caseInsensitiveEquals($0, key) }) else {
                throw SalesforceError(
                    400,
                    "INVALID_FIELD",
                    "No such column '\(key)' on sobject of type \(type.name)",
                    fields: [key]
                )
            }
            if type.readOnly.contains(field) {
                throw SalesforceError(
                    400,
                    "INVALID_FIELD_FOR_INSERT_UPDATE",
                    "Unable to \(verb) fields: \(field). Please check the security settings of this field and verify that it is read/write for your profile or permission set.",
                    fields: [field]
                )
            }
            out[field] = value
        }
        return out
    }

    private mutating func checkNewUser(_ fields: inout JSONObject) throws(SalesforceError) {
        let missing = Self.requiredUserFields.filter { Self.isBlank(fields[$0]) }
        if !missing.isEmpty { throw .requiredFieldsMissing(missing) }
        // Left unset, the nickname is derived from the username, and may collide (research/targets.md §E 2).
        if Self.isBlank(fields["CommunityNickname"]) {
            let username = fields["Username"]?.stringValue ?? ""
            fields["CommunityNickname"] = .string(String(username.split(separator: "@").first ?? Substring(username)))
        }
        if fields["IsActive"] == nil { fields["IsActive"] = true }
        if let contact = fields["ContactId"]?.stringValue {
            guard record("Contact", id: contact) != nil else { throw .invalidReference("ContactId") }
            if all("User").contains(where: { $0["ContactId"]?.stringValue == contact }) {
                throw SalesforceError(
                    400,
                    "PORTAL_USER_ALREADY_EXISTS_FOR_CONTACT",
                    "portal user already exists for contact",
                    fields: ["ContactId"]
                )
            }
        }
        try checkUserFields(fields, id: nil)
        fields["UserType"] = fields["ContactId"] == nil ? "Standard" : "PowerCustomerSuccess"
    }

    private func checkUserFields(_ fields: JSONObject, id: String?) throws(SalesforceError) {
        let others = all("User").filter { $0["Id"]?.stringValue != id }
        let username = fields["Username"]?.stringValue ?? ""
        if takenUsernames.contains(username.lowercased())
            || others.contains(where: {
                $0["Username"]?.stringValue.map { caseInsensitiveEquals($0, username) } ?? false
            })
        {
            throw SalesforceError(
                400,
                "DUPLICATE_USERNAME",
                "Duplicate Username.<br>The username already exists in this or another Salesforce organization. Usernames must be unique across all Salesforce organizations. To resolve, use a different username (it doesn't need to match the user's email address).",
                fields: ["Username"]
            )
        }
        if let alias = fields["Alias"]?.stringValue, alias.count > 8 {
            throw SalesforceError(
                400,
                "STRING_TOO_LONG",
                "Alias: data value too large: \(alias) (max length=8)",
                fields: ["Alias"]
            )
        }
        if let nick = fields["CommunityNickname"]?.stringValue,
            others.contains(where: {
                $0["CommunityNickname"]?.stringValue.map { caseInsensitiveEquals($0, nick) } ?? false
            })
        {
            throw SalesforceError(
                400,
                "DUPLICATE_COMM_NICKNAME",
                "Duplicate Nickname.<br>Another user has already selected this nickname.<br>Please select another.",
                fields: ["CommunityNickname"]
            )
        }
        if let encoding = fields["EmailEncodingKey"]?.stringValue, !Self.emailEncodings.contains(encoding) {
            throw SalesforceError(
                400,
                "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
                "Email Encoding: bad value for restricted picklist field: \(encoding)",
                fields: ["EmailEncodingKey"]
            )
        }
        if let profile = fields["ProfileId"]?.stringValue, record("Profile", id: profile) == nil {
            throw .invalidReference("ProfileId")
        }
        if let active = fields["IsActive"], active.boolValue == nil {
            throw SalesforceError(
                400,
                "JSON_PARSER_ERROR",
                "Cannot deserialize instance of boolean from \(active.typeName) value",
                fields: ["IsActive"]
            )
        }
    }

    private func checkGroup(_ fields: JSONObject, id: String?) throws(SalesforceError) {
        let name = fields["Name"]?.stringValue ?? ""
        if name.count > 40 {
            throw SalesforceError(
                400,
                "STRING_TOO_LONG",
                "Label: data value too large: \(name) (max length=40)",
                fields: ["Name"]
            )
        }
        let type = fields["Type"]?.stringValue ?? ""
        guard ["Regular", "Queue"].contains(type) else {
            throw SalesforceError(
                400,
                "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
                "Type: bad value for restricted picklist field: \(type)",
                fields: ["Type"]
            )
        }
        try checkAPIName(
            fields["DeveloperName"]?.stringValue ?? "",
            field: "DeveloperName",
            of: "Group",
            except: id,
            maxLength: 40
        )
    }

    /// An API name: a letter, then letters, digits and single underscores, not ending in one; unique per object.
    private func checkAPIName(_ name: String, field: String, of type: String, except id: String?, maxLength: Int)
        throws(SalesforceError)
    {
        let allowed = name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }
        guard allowed, name.first?.isLetter == true, !name.hasSuffix("_"), !name.contains("__") else {
            throw SalesforceError(
                400,
                "FIELD_INTEGRITY_EXCEPTION",
                "The \(field) can only contain underscores and alphanumeric characters. It must begin with a letter and be unique, and must not include spaces, end with an underscore, or contain two consecutive underscores.",
                fields: [field]
            )
        }
        if name.count > maxLength {
            throw SalesforceError(
                400,
                "STRING_TOO_LONG",
                "\(field): data value too large: \(name) (max length=\(maxLength))",
                fields: [field]
            )
        }
        if all(type).contains(where: {
            $0["Id"]?.stringValue != id && ($0[field]?.stringValue).map { caseInsensitiveEquals($0, name) } ?? false
        }) {
            throw SalesforceError(
                400,
                "DUPLICATE_DEVELOPER_NAME",
                "This \(field) already exists or has been previously used. Please choose a different name.",
                fields: [field]
            )
        }
    }

    /// A junction record: both references required and valid, and the pair not already there.
    private func checkPair(
        _ fields: JSONObject,
        _ parent: String,
        _ parentTypes: [String],
        _ child: String,
        _ childTypes: [String]
    ) throws(SalesforceError) {
        let missing = [parent, child].filter { Self.isBlank(fields[$0]) }
        if !missing.isEmpty { throw .requiredFieldsMissing(missing) }
        let p = fields[parent]?.stringValue ?? "", c = fields[child]?.stringValue ?? ""
        guard let pt = Self.typeName(ofID: p), parentTypes.contains(pt), records[p] != nil else {
            throw .invalidReference(parent)
        }
        guard let ct = Self.typeName(ofID: c), childTypes.contains(ct), records[c] != nil else {
            throw .invalidReference(child)
        }
        let junction = parent == "GroupId" ? "GroupMember" : "PermissionSetAssignment"
        if let existing = all(junction).first(where: { $0[parent]?.stringValue == p && $0[child]?.stringValue == c }) {
            throw SalesforceError(
                400,
                "DUPLICATE_VALUE",
                "duplicate value found: <unknown> duplicates value on record with id: \(existing["Id"]?.stringValue ?? "<unknown>")",
                fields: []
            )
        }
    }

    static func isBlank(_ v: JSONValue?) -> Bool {
        guard let v, !v.isNull else { return true }
        if let s = v.stringValue { return s.allSatisfy(\.isWhitespace) }
        return false
    }

    // MARK: - Storage

    @discardableResult
    private mutating func store(_ type: String, _ fields: JSONObject) -> String {
        var fields = fields
        let id: String
        if let given = fields["Id"]?.stringValue {
            id = given
        } else {
            counter += 1
            let prefix = Self.objectType(type)?.prefix ?? "000"
            let n = String(counter, radix: 36, uppercase: true)
            id = prefix + String(repeating: "0", count: max(0, 12 - n.count)) + n + "AAA"
        }
        fields.removeValue(forKey: "Id")
        records[id] = JSONObject([("Id", JSONValue.string(id))] + fields.members.map { ($0.key, $0.value) })
        order[type, default: []].append(id)
        return id
    }

    private mutating func remove(_ id: String) {
        guard let type = Self.typeName(ofID: id) else { return }
        records.removeValue(forKey: id)
        order[type]?.removeAll { $0 == id }
    }
}
