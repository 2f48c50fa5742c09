import Membership
import SCIM
import Yams

extension NodeReader {
    /// `mapping: { user: { PATH: TEMPLATE, … }, group: { displayName: TEMPLATE } }`: how this target's
    /// view of users and groups differs from the canonical ones. Every path and template is checked
    /// now, and a user attribute the kind never reads is refused.
    mutating func mapping(_ node: Node, at path: String, kind: TargetKind?) -> (
        user: AttributeMapping, group: AttributeMapping
    )? {
        guard let m = fields(node, at: path, allowed: ["user", "group"]) else { return nil }
        let user = m["user"].map { templates($0, at: m.path("user"), kind: kind, AttributeMapping.users) }
        let group = m["group"].map { templates($0, at: m.path("group"), kind: nil, AttributeMapping.groups) }
        guard let user = user ?? AttributeMapping.none, let group = group ?? AttributeMapping.none else { return nil }
        return (user, group)
    }

    /// One `mapping.user` or `mapping.group` block, each entry checked on its own so that every bad
    /// one is reported with its key.
    private mutating func templates(
        _ node: Node,
        at path: String,
        kind: TargetKind?,
        _ make: ([(path: String, template: String)]) throws(MappingError) -> AttributeMapping
    ) -> AttributeMapping? {
        guard case .mapping(let pairs) = node else {
            report(path, "expected attribute paths with templates, found \(Self.describe(node))", at: node)
            return nil
        }
        var valid = true
        var templates: [(path: String, template: String)] = []
        for (keyNode, valueNode) in pairs {
            let key = keyNode.string ?? ""
            guard case .scalar(let scalar) = valueNode, valueNode.tagName == .str else {
                report("\(path).\(key)", "expected a template in quotes, such as \"{userName | lower}\"", at: valueNode)
                valid = false
                continue
            }
            templates.append((key, scalar.string))
        }
        for entry in templates {
            let keyPath = "\(path).\(entry.path)"
            let at = pairs.first { $0.key.string == entry.path }?.value
            do throws(MappingError) {
                let single = try make([entry])
                if let kind, let rule = single.rules.first, !kind.reads(userAttribute: rule.attribute) {
                    let read = kind.userAttributes?.joined(separator: ", ") ?? ""
                    report(keyPath, "kind \(kind.rawValue) never reads \(rule.attribute); it reads \(read)", at: at)
                    valid = false
                }
            } catch {
                report(keyPath, error.problem, at: at)
                valid = false
            }
        }
        guard valid else { return nil }
        do throws(MappingError) {
            return try make(templates)
        } catch {
            report("\(path).\(error.path)", error.problem, at: node)
            return nil
        }
    }

    /// `safety: { maxDeprovisions: N | off }`: the brake on mass deletions.
    mutating func maxDeprovisions(_ node: Node, at path: String) -> Int?? {
        guard let s = fields(node, at: path, allowed: ["maxDeprovisions"]) else { return nil }
        guard let value = s["maxDeprovisions"] else { return .some(TargetSettings.defaultMaxDeprovisions) }
        // YAML reads a bare `off` as false.
        if value.tagName == .bool, value.bool == false { return .some(nil) }
        if value.string == "off" { return .some(nil) }
        guard let n = int(s, "maxDeprovisions", in: 1...1_000_000) else { return nil }
        return .some(n)
    }
}
