/// The resource types the SCIM emulator serves, RFC 7643 §4.1 (User) and §4.2 (Group).
public enum ResourceKind: String, Sendable, Hashable, CaseIterable {
    case user = "User"
    case group = "Group"

    /// The endpoint name under the base URL (RFC 7644 §3.2).
    public var endpoint: String { self == .user ? "Users" : "Groups" }
}
