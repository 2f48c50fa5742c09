/// The application permissions (app roles in the token's `roles` claim) each Graph operation needs,
/// as any-of sets from least to most privileged (research/targets.md §F "Base and auth"; the
/// `Directory.*` roles cover everything). Pure.
public enum MSGraphPermissions {
    /// The roles of which the token must hold at least one.
    public static func required(method: String, route: MSGraphRoute) -> Set<String> {
        let read = method.uppercased() == "GET"
        switch route {
        case .users, .user:
            return read
                ? ["User.Read.All", "User.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"]
                : ["User.ReadWrite.All", "Directory.ReadWrite.All"]
        case .groups where !read:
            return ["Group.Create", "Group.ReadWrite.All", "Directory.ReadWrite.All"]
        case .groups, .group, .members:
            if read {
                return [
                    "Group.Read.All", "Group.ReadWrite.All", "GroupMember.Read.All", "GroupMember.ReadWrite.All",
                    "Directory.Read.All", "Directory.ReadWrite.All",
                ]
            }
            return ["Group.ReadWrite.All", "Directory.ReadWrite.All"]
        case .memberReferences, .memberReference:
            return ["GroupMember.ReadWrite.All", "Group.ReadWrite.All", "Directory.ReadWrite.All"]
        case .batch:
            return []
        }
    }

    /// A `PATCH /groups/{id}` that only binds members needs no more than a member write.
    public static func requiredForGroupPatch(onlyMembers: Bool) -> Set<String> {
        onlyMembers
            ? ["GroupMember.ReadWrite.All", "Group.ReadWrite.All", "Directory.ReadWrite.All"]
            : ["Group.ReadWrite.All", "Directory.ReadWrite.All"]
    }
}
