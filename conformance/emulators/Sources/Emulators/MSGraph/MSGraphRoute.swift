/// Which Graph operation a path under `/v1.0` names: the subset of research/targets.md §F
/// "Endpoints used", with the spec's path templates as names. Pure; the same for a request that came
/// alone and one that came inside a `$batch`.
public enum MSGraphRoute: Sendable, Hashable {
    case users
    case user(String)
    case groups
    case group(String)
    /// `/groups/{group-id}/members`, or with `usersOnly` the cast `/members/microsoft.graph.user`.
    case members(group: String, usersOnly: Bool)
    /// `/groups/{group-id}/members/$ref`.
    case memberReferences(group: String)
    /// `/groups/{group-id}/members/{directoryObject-id}/$ref`.
    case memberReference(group: String, member: String)
    case batch

    /// The route of a percent-decoded path relative to `/v1.0` (`/groups/abc/members/$ref`), nil when
    /// the emulator serves nothing there. Segment names are compared without regard to case.
    public static func parse(_ path: String) -> MSGraphRoute? {
        let s = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        let names = s.map { $0.lowercased() }
        switch names.count {
        case 1 where names[0] == "users": return .users
        case 1 where names[0] == "groups": return .groups
        case 1 where names[0] == "$batch": return .batch
        case 2 where names[0] == "users": return .user(s[1])
        case 2 where names[0] == "groups": return .group(s[1])
        case 3 where names[0] == "groups" && names[2] == "members": return .members(group: s[1], usersOnly: false)
        case 4 where names[0] == "groups" && names[2] == "members" && names[3] == "microsoft.graph.user":
            return .members(group: s[1], usersOnly: true)
        case 4 where names[0] == "groups" && names[2] == "members" && names[3] == "$ref":
            return .memberReferences(group: s[1])
        case 5 where names[0] == "groups" && names[2] == "members" && names[4] == "$ref":
            return .memberReference(group: s[1], member: s[3])
        default: return nil
        }
    }

    /// The spec's path template, under which requests are counted (`/groups/{group-id}/members/$ref`).
    public var template: String {
        switch self {
        case .users: "/users"
        case .user: "/users/{user-id}"
        case .groups: "/groups"
        case .group: "/groups/{group-id}"
        case .members(_, false): "/groups/{group-id}/members"
        case .members(_, true): "/groups/{group-id}/members/microsoft.graph.user"
        case .memberReferences: "/groups/{group-id}/members/$ref"
        case .memberReference: "/groups/{group-id}/members/{directoryObject-id}/$ref"
        case .batch: "/$batch"
        }
    }

    /// The methods the emulator serves on this route.
    public var methods: Set<String> {
        switch self {
        case .users, .groups: ["GET", "POST"]
        case .user, .group: ["GET", "PATCH", "DELETE"]
        case .members: ["GET"]
        case .memberReferences: ["POST"]
        case .memberReference: ["DELETE"]
        case .batch: ["POST"]
        }
    }
}
