import Membership
import SCIM
import Yams

extension NodeReader {
    /// `mapping: { user: { PATH: TEMPLATE, … } }`: how this target's view of a user differs from the
    /// canonical user. Every path and template is checked now, and a path the kind never reads is refused.
    mutating func mapping(_ node: Node, at path: String, kind: TargetKind?) -> AttributeMapping? {
        guard let m = fields(node, at: path, allowed: ["user"]) else { return nil }
        guard let userNode = m["user"] else { return AttributeMapping.none }
        guard case .mapping(let pairs) = userNode else {
            report(
                m.path("user"),
                "expected attribute paths with templates, found \(Self.describe(userNode))",
                at: userNode
            )
            return nil
        }
        var valid = true
        var templates: [(path: String, template: String)] = []
        for (keyNode, valueNode) in pairs {
            let key = keyNode.string ?? ""
            let keyPath = "\(m.path("user")).\(key)"
            guard case .scalar(let scalar) = valueNode, valueNode.tagName == .str else {
                report(keyPath, "expected a template in quotes, such as \"{userName | lower}\"", at: valueNode)
                valid = false
                continue
            }
            templates.append((key, scalar.string))
        }
        // Checked one by one, so that every bad entry is reported with its own key.
        for entry in templates {
            let keyPath = "\(m.path("user")).\(entry.path)"
            let node = pairs.first { $0.key.string == entry.path }?.value
            do throws(MappingError) {
                let single = try AttributeMapping.users([entry])
                if let kind, let rule = single.rules.first, !kind.reads(userAttribute: rule.attribute) {
                    let read = kind.userAttributes?.joined(separator: ", ") ?? ""
                    report(keyPath, "kind \(kind.rawValue) never reads \(rule.attribute); it reads \(read)", at: node)
                    valid = false
                }
            } catch {
                report(keyPath, error.problem, at: node)
                valid = false
            }
        }
        guard valid else { return nil }
        do throws(MappingError) {
            return try AttributeMapping.users(templates)
        } catch {
            report("\(m.path("user")).\(error.path)", error.problem, at: userNode)
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
