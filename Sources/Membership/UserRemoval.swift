/// What deprovisioning a user does on a target, as PingOne offers it (a target's `removeAction`).
package enum UserRemoval: String, Sendable, Hashable, CaseIterable {
    /// Deactivate (SCIM `active: false`, Google `suspended`, Salesforce `IsActive = false`). The default.
    case disable
    /// Delete the user, where the vendor allows it (often irreversible).
    case delete
}
