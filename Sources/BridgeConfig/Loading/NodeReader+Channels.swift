import Yams

extension NodeReader {
    /// `channels:`, checked against the names of `targets`.
    mutating func channels(_ node: Node?, targetNames: [String]) -> [ChannelSettings] {
        guard let node else { return [] }
        guard case .sequence(let sequence) = node else {
            report("channels", "expected a list of channels (- name: …), found \(Self.describe(node))", at: node)
            return []
        }
        var channels: [ChannelSettings] = []
        var seen: [String: Int] = [:]
        for (i, element) in sequence.enumerated() {
            let path = "channels[\(i)]"
            guard let f = fields(element, at: path, allowed: ["name", "targets"]) else { continue }
            let name = string(f, "name", required: true)
            if let name {
                if !ChannelSettings.isValidName(name) {
                    report(
                        f.path("name"),
                        "'\(name)' is not a valid channel name: use 1-64 lowercase letters, digits, '-' or '_', "
                            + "not starting with '-' (it becomes the URL path /scim/v2/NAME)",
                        at: f["name"]
                    )
                } else if let first = seen[name] {
                    report(f.path("name"), "duplicate channel name '\(name)' (also channels[\(first)])", at: f["name"])
                } else {
                    seen[name] = i
                }
            }
            var targets: [String] = []
            if let list = strings(f, "targets") {
                for (j, target) in list.enumerated() {
                    let elementPath = "\(f.path("targets"))[\(j)]"
                    let elementNode = f["targets"].flatMap { $0.sequence.map { Array($0) } }?[j]
                    if targets.contains(target) {
                        report(elementPath, "target '\(target)' is listed twice", at: elementNode)
                    } else if !targetNames.contains(target) {
                        let known =
                            targetNames.isEmpty
                            ? "no targets are configured" : "targets are: \(targetNames.joined(separator: ", "))"
                        report(
                            elementPath,
                            "no target named '\(target)'\(Suggestion.hint(for: target, in: targetNames)); \(known)",
                            at: elementNode
                        )
                    } else {
                        targets.append(target)
                    }
                }
            }
            if let name { channels.append(ChannelSettings(name: name, targets: targets)) }
        }
        return channels
    }
}
