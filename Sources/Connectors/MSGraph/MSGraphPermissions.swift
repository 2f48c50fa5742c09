/// The application permissions (app roles) the Graph connector needs, as an access token's `roles`
/// claim lists them, and which are missing. Pure.
package enum MSGraphPermissions {
    /// One thing the connector does, and the roles that allow it (any one of them).
    package struct Need: Sendable, Hashable {
        package var purpose: String
        /// The least privileged role first: the one to add.
        package var roles: [String]
    }

    package static let needs: [Need] = [
        Need(purpose: "create, update and disable users", roles: ["User.ReadWrite.All", "Directory.ReadWrite.All"]),
        Need(
            purpose: "create, rename and delete groups",
            roles: ["Group.ReadWrite.All", "Directory.ReadWrite.All"]
        ),
        Need(
            purpose: "add and remove group members",
            roles: ["GroupMember.ReadWrite.All", "Group.ReadWrite.All", "Directory.ReadWrite.All"]
        ),
    ]

    /// The needs that none of `roles` meets.
    package static func missing(from roles: Set<String>) -> [Need] {
        needs.filter { need in !need.roles.contains(where: roles.contains) }
    }
}
