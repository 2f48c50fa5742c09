import Membership
import SCIM
import Yams

extension NodeReader {
    /// `scope: { groups: { include: [...], exclude: [...], filter: '...' }, users: all | groupMembers,
    /// userFilter: '...' }`: which groups and users a target receives. Every pattern and filter is
    /// checked now, so that a mistake stops start-up.
    mutating func scope(_ node: Node, at path: String) -> TargetScope? {
        guard let s = fields(node, at: path, allowed: ["groups", "users", "userFilter"]) else { return nil }
        var valid = true
        let users: TargetScope.Users = choice(s, "users") ?? .all
        var userFilter: (text: String, resolved: ResolvedFilter)?
        if let text = string(s, "userFilter") {
            do {
                userFilter = try TargetScope.userFilter(text)
            } catch {
                report(s.path("userFilter"), "not a SCIM filter over users: \(error.detail)", at: s["userFilter"])
                valid = false
            }
        }
        guard let groupsNode = s["groups"] else {
            return valid
                ? TargetScope(include: [], exclude: [], filter: nil, users: users, userFilter: userFilter) : nil
        }
        guard let g = fields(groupsNode, at: s.path("groups"), allowed: ["include", "exclude", "filter"]) else {
            return nil
        }
        func patterns(_ key: String) -> [GlobPattern] {
            guard let texts = strings(g, key) else { return [] }
            var out: [GlobPattern] = []
            for (i, text) in texts.enumerated() {
                do {
                    out.append(try GlobPattern(text))
                } catch {
                    report("\(g.path(key))[\(i)]", "\(error)", at: g[key])
                    valid = false
                }
            }
            return out
        }
        let include = patterns("include")
        let exclude = patterns("exclude")
        var filter: (text: String, resolved: ResolvedFilter)?
        if let text = string(g, "filter") {
            do {
                filter = try TargetScope.groupFilter(text)
            } catch {
                report(g.path("filter"), "not a SCIM filter over groups: \(error.detail)", at: g["filter"])
                valid = false
            }
        }
        return valid
            ? TargetScope(include: include, exclude: exclude, filter: filter, users: users, userFilter: userFilter)
            : nil
    }
}
