package import SCIM

/// Which of a channel's groups one target receives (`scope.groups` of its configuration): by name,
/// with `include` and `exclude` globs, and by a SCIM filter over the canonical group. Pure.
package struct TargetScope: Sendable, Hashable {
    /// Names a group must match one of; empty: every name.
    package var include: [GlobPattern]
    /// Names that leave a group out, whatever `include` says.
    package var exclude: [GlobPattern]
    /// A filter the canonical group must match (`displayName sw "eng-"`), with its text.
    package var filter: (text: String, resolved: ResolvedFilter)?

    /// Every group: the default.
    package static let everything = TargetScope(include: [], exclude: [], filter: nil)

    package init(include: [GlobPattern], exclude: [GlobPattern], filter: (text: String, resolved: ResolvedFilter)?) {
        self.include = include
        self.exclude = exclude
        self.filter = filter
    }

    /// Whether every group is in scope.
    package var isEverything: Bool { include.isEmpty && exclude.isEmpty && filter == nil }

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
        guard let schema = SchemaRegistry.standard.resourceSchema(for: "Group") else {
            throw .invalidFilter("the Group schema is not available")
        }
        return (text, try FilterResolver.resolve(text, against: schema))
    }

    /// A stable text of the scope, to tell at start-up whether the configuration changed it.
    package var fingerprint: String {
        "include=\(include.map(\.description).joined(separator: ","));exclude=\(exclude.map(\.description).joined(separator: ","));filter=\(filter?.text ?? "")"
    }

    package static func == (a: TargetScope, b: TargetScope) -> Bool { a.fingerprint == b.fingerprint }
    package func hash(into hasher: inout Hasher) { hasher.combine(fingerprint) }
}
