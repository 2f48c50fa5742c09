package import SCIM

/// Which of a channel's groups and users one target receives (`scope:` of its configuration): groups
/// by name, with `include` and `exclude` globs, and by a SCIM filter over the canonical group; users
/// all or only the members of in-scope groups, and by a SCIM filter over the canonical user. Pure.
package struct TargetScope: Sendable, Hashable {
    /// `scope.users`: which users the target receives.
    package enum Users: String, Sendable, Hashable, CaseIterable {
        /// Every user of the channel (the default).
        case all
        /// Only users who are direct members of at least one in-scope group.
        case groupMembers
    }

    /// Names a group must match one of; empty: every name.
    package var include: [GlobPattern]
    /// Names that leave a group out, whatever `include` says.
    package var exclude: [GlobPattern]
    /// A filter the canonical group must match (`displayName sw "eng-"`), with its text.
    package var filter: (text: String, resolved: ResolvedFilter)?
    package var users: Users
    /// A filter the canonical user must match (`active eq true`), with its text.
    package var userFilter: (text: String, resolved: ResolvedFilter)?

    /// Every group and every user: the default.
    package static let everything = TargetScope(include: [], exclude: [], filter: nil)

    package init(
        include: [GlobPattern],
        exclude: [GlobPattern],
        filter: (text: String, resolved: ResolvedFilter)?,
        users: Users = .all,
        userFilter: (text: String, resolved: ResolvedFilter)? = nil
    ) {
        self.include = include
        self.exclude = exclude
        self.filter = filter
        self.users = users
        self.userFilter = userFilter
    }

    /// Whether every group is in scope.
    package var isEverything: Bool { include.isEmpty && exclude.isEmpty && filter == nil }

    /// Whether some users of a channel may be left out.
    package var restrictsUsers: Bool { users == .groupMembers || userFilter != nil }

    /// Whether the canonical user passes `userFilter` (membership is the caller's to check).
    package func admits(user attributes: JSONObject) -> Bool {
        guard let userFilter else { return true }
        return FilterEvaluator.matches(userFilter.resolved, attributes)
    }

    /// Whether the canonical group (its attributes as stored) is in scope.
    package func includes(group attributes: JSONObject) -> Bool {
        guard !isEverything else { return true }
        let name = attributes["displayName"]?.stringValue ?? ""
        if !include.isEmpty, !include.contains(where: { $0.matches(name) }) { return false }
        if exclude.contains(where: { $0.matches(name) }) { return false }
        if let filter, !FilterEvaluator.matches(filter.resolved, attributes) { return false }
        return true
    }

    /// The filter text of a group filter, resolved against the Group schema.
    package static func groupFilter(_ text: String) throws(SCIMError) -> (text: String, resolved: ResolvedFilter) {
        try filter(text, over: "Group")
    }

    /// The filter text of a user filter, resolved against the User schema (with the enterprise extension).
    package static func userFilter(_ text: String) throws(SCIMError) -> (text: String, resolved: ResolvedFilter) {
        try filter(text, over: "User")
    }

    static func filter(_ text: String, over resourceType: String) throws(SCIMError) -> (
        text: String, resolved: ResolvedFilter
    ) {
        guard let schema = SchemaRegistry.standard.resourceSchema(for: resourceType) else {
            throw .invalidFilter("the \(resourceType) schema is not available")
        }
        return (text, try FilterResolver.resolve(text, against: schema))
    }

    /// A stable text of the scope, to tell at start-up whether the configuration changed it.
    package var fingerprint: String {
        "include=\(include.map(\.description).joined(separator: ","));exclude=\(exclude.map(\.description).joined(separator: ","));filter=\(filter?.text ?? "")"
            + (restrictsUsers ? ";users=\(users.rawValue);userFilter=\(userFilter?.text ?? "")" : "")
    }

    package static func == (a: TargetScope, b: TargetScope) -> Bool { a.fingerprint == b.fingerprint }
    package func hash(into hasher: inout Hasher) { hasher.combine(fingerprint) }
}
