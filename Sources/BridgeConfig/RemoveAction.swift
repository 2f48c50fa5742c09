/// `removeAction`: what deprovisioning a user does on the target.
public enum RemoveAction: String, Sendable, Hashable, CaseIterable {
    /// Deactivate (SCIM `active: false`, Google `suspended`, Salesforce `IsActive = false`). The default.
    case disable
    /// Delete the user, where the vendor allows it (often irreversible).
    case delete
}
