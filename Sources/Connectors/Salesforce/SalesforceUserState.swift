package import BridgeConfig
package import SCIM

/// What reconciliation reads and compares of a Salesforce `User`, in canonical terms. Pure.
/// Compared: `active` (`IsActive`; under freeze deprovisioning, not frozen, since updates then leave
/// `IsActive` alone), `name.givenName` (`FirstName`), `name.familyName` (`LastName`, as
/// `SalesforceMapping` derives it) and `emails.value` (`Email`, without regard to case). Not compared:
/// `Username` (the match key), `FederationIdentifier` (the userName again) and what an update never
/// writes (alias, locale, profile).
package enum SalesforceUserState {
    /// Canonical path → `User` field.
    static let fields = ["name.givenName": "FirstName", "name.familyName": "LastName", "emails.value": "Email"]

    /// The `User` fields a listing selects.
    package static let selected = ["Id", "Username", "IsActive", "FirstName", "LastName", "Email"]

    /// A listed `User` row; `frozen` is its `UserLogin.IsFrozen` when deprovisioning freezes (nil otherwise).
    package static func listed(_ row: JSONObject, frozen: Bool?, options: SalesforceSettings) -> TargetUser? {
        guard let id = row["Id"]?.stringValue, let username = row["Username"]?.stringValue else { return nil }
        let active = options.deprovisioning == .freeze ? !(frozen ?? false) : row["IsActive"]?.boolValue ?? true
        return TargetUser(id: id, matchKey: username, active: active, attributes: canonical(row))
    }

    package static func differences(of user: JSONObject, from actual: TargetUser, options: SalesforceSettings)
        -> [AttributeDifference]
    {
        UserComparison.differences(
            active: user["active"]?.boolValue ?? true,
            wanted: canonical(SalesforceMapping.userFields(user, options: options, creating: false)),
            actual: actual,
            folded: ["emails.value"]
        )
    }

    /// `User` fields as canonical paths.
    static func canonical(_ record: JSONObject) -> [String: String] {
        var out: [String: String] = [:]
        for (path, field) in fields {
            if let v = record[field]?.stringValue, !v.isEmpty { out[path] = v }
        }
        return out
    }
}
