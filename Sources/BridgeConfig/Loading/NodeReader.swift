import Foundation
import Yams

/// Reads typed values out of a composed YAML tree, strictly: every unknown key, wrong type or bad value becomes a
/// `ConfigurationProblem` naming the key's full path, and reading goes on so that all problems are reported at once.
/// A value that cannot be read is `nil`; the caller then uses its default and the problem stays reported.
struct NodeReader {
    var problems: [ConfigurationProblem] = []
    let environment: [String: String]
    let readFile: (String) throws -> String

    /// The keys of one mapping, checked against the allowed ones.
    struct Fields {
        let path: String
        let node: Node
        let values: [String: Node]

        subscript(key: String) -> Node? {
            // An explicit null (`key:` or `key: ~`) counts as not given.
            guard let value = values[key], value.tagName != .null else { return nil }
            return value
        }

        func path(_ key: String) -> String { NodeReader.join(path, key) }
    }

    static func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    mutating func report(_ path: String, _ message: String, at node: Node?) {
        problems.append(ConfigurationProblem(path: path, message: message, line: node?.mark?.line))
    }

    /// The mapping at `node` with its keys checked: a key outside `allowed` is reported as unknown (with the nearest
    /// allowed key), or with `elsewhere[key]` when that explains where it belongs.
    mutating func fields(
        _ node: Node,
        at path: String,
        allowed: [String],
        elsewhere: [String: String] = [:]
    ) -> Fields? {
        guard case .mapping(let mapping) = node else {
            report(path, "expected a mapping (key: value lines), found \(Self.describe(node))", at: node)
            return nil
        }
        var values: [String: Node] = [:]
        for (key, value) in mapping {
            guard case .scalar(let scalar) = key, key.tagName == .str || key.tagName == .merge else {
                report(path, "keys must be plain words, found \(Self.describe(key))", at: key)
                continue
            }
            let name = scalar.string
            if allowed.contains(name) {
                values[name] = value
            } else if let note = elsewhere[name] {
                report(Self.join(path, name), note, at: key)
            } else {
                report(Self.join(path, name), "unknown key\(Suggestion.hint(for: name, in: allowed))", at: key)
            }
        }
        return Fields(path: path, node: node, values: values)
    }

    mutating func missing(_ key: String, in fields: Fields, _ explanation: String = "") {
        report(fields.path(key), "missing required key\(explanation)", at: fields.node)
    }

    // MARK: Scalars

    /// A string; numbers are taken as written (`apiVersion: 62.0`), booleans are refused (YAML reads `yes`, `on`
    /// and `off` as booleans: quote them).
    mutating func string(_ fields: Fields, _ key: String, required: Bool = false) -> String? {
        guard let node = fields[key] else {
            if required { missing(key, in: fields) }
            return nil
        }
        guard case .scalar(let scalar) = node, [.str, .int, .float, .timestamp].contains(node.tagName) else {
            let hint = node.tagName == .bool ? " (quote it if you mean the text)" : ""
            report(fields.path(key), "expected a string, found \(Self.describe(node))\(hint)", at: node)
            return nil
        }
        guard !scalar.string.isEmpty else {
            report(fields.path(key), "must not be empty", at: node)
            return nil
        }
        return scalar.string
    }

    mutating func int(_ fields: Fields, _ key: String, in range: ClosedRange<Int>) -> Int? {
        guard let node = fields[key] else { return nil }
        guard node.tagName == .int, let value = node.int else {
            report(fields.path(key), "expected an integer, found \(Self.describe(node))", at: node)
            return nil
        }
        guard range.contains(value) else {
            report(
                fields.path(key),
                "must be between \(range.lowerBound) and \(range.upperBound), not \(value)",
                at: node
            )
            return nil
        }
        return value
    }

    mutating func bool(_ fields: Fields, _ key: String) -> Bool? {
        guard let node = fields[key] else { return nil }
        guard node.tagName == .bool, let value = node.bool else {
            report(fields.path(key), "expected true or false, found \(Self.describe(node))", at: node)
            return nil
        }
        return value
    }

    /// One of the raw values of `E`.
    mutating func choice<E: RawRepresentable & CaseIterable>(
        _ fields: Fields,
        _ key: String,
        required: Bool = false
    ) -> E? where E.RawValue == String {
        guard let text = string(fields, key, required: required) else { return nil }
        if let value = E(rawValue: text) { return value }
        let names = E.allCases.map(\.rawValue)
        report(
            fields.path(key),
            "must be one of \(names.joined(separator: ", ")), not '\(text)'\(Suggestion.hint(for: text, in: names))",
            at: fields[key]
        )
        return nil
    }

    /// A duration such as `30s`, `15m`, `1h30m`; with `allowOff`, `off` gives `.some(nil)`.
    mutating func duration(
        _ fields: Fields,
        _ key: String,
        atLeast minimum: Duration,
        atMost maximum: Duration,
        allowOff: Bool = false
    ) -> Duration?? {
        guard let node = fields[key] else { return nil }
        let off = allowOff ? ", or off" : ""
        // YAML reads a bare `off` as false.
        if allowOff, node.tagName == .bool, node.bool == false { return .some(nil) }
        guard case .scalar(let scalar) = node, node.tagName == .str || node.tagName == .int else {
            report(
                fields.path(key),
                "expected a duration such as 30s, 15m or 1h\(off), found \(Self.describe(node))",
                at: node
            )
            return nil
        }
        if allowOff, scalar.string == "off" { return .some(nil) }
        guard let value = DurationText.parse(scalar.string) else {
            let unitHint =
                node.tagName == .int ? " (a duration needs a unit: \(scalar.string)s, \(scalar.string)m …)" : ""
            report(
                fields.path(key),
                "'\(scalar.string)' is not a duration: write whole numbers with units d, h, m, s or ms, largest first, "
                    + "e.g. 30s, 15m, 1h30m\(off)\(unitHint)",
                at: node
            )
            return nil
        }
        guard value >= minimum, value <= maximum else {
            report(
                fields.path(key),
                "must be between \(DurationText.format(minimum)) and \(DurationText.format(maximum)), "
                    + "not \(scalar.string)",
                at: node
            )
            return nil
        }
        return .some(value)
    }

    /// An absolute `http`/`https` URL without credentials, query or fragment, returned without a trailing `/`.
    /// The value is not echoed in messages: a URL with `user:password@` would put a credential in a log.
    mutating func url(_ fields: Fields, _ key: String, required: Bool = false) -> String? {
        guard let text = string(fields, key, required: required) else { return nil }
        let node = fields[key]
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
            scheme == "http" || scheme == "https", let host = components.host, !host.isEmpty
        else {
            report(fields.path(key), "must be an absolute http:// or https:// URL with a host", at: node)
            return nil
        }
        guard components.user == nil, components.password == nil else {
            report(
                fields.path(key),
                "must not hold user:password@ (put credentials under auth, as secret references)",
                at: node
            )
            return nil
        }
        guard components.query == nil, components.fragment == nil else {
            report(fields.path(key), "must not have a query (?…) or a fragment (#…)", at: node)
            return nil
        }
        var normalized = text
        while normalized.hasSuffix("/") { normalized.removeLast() }
        return normalized
    }

    /// A list of strings.
    mutating func strings(_ fields: Fields, _ key: String) -> [String]? {
        guard let node = fields[key] else { return nil }
        guard case .sequence(let sequence) = node else {
            report(fields.path(key), "expected a list such as [a, b], found \(Self.describe(node))", at: node)
            return nil
        }
        var result: [String] = []
        for (i, element) in sequence.enumerated() {
            guard case .scalar(let scalar) = element, [.str, .int, .float].contains(element.tagName),
                !scalar.string.isEmpty
            else {
                report("\(fields.path(key))[\(i)]", "expected a string, found \(Self.describe(element))", at: element)
                continue
            }
            result.append(scalar.string)
        }
        return result
    }

    // MARK: Secrets

    /// A secret reference, checked to resolve now so that a missing variable or file stops start-up. Messages name
    /// the key and the reference, never what was written (it may be a pasted token) nor the value.
    mutating func secret(_ fields: Fields, _ key: String, required: Bool = true) -> Secret? {
        guard let node = fields[key] else {
            if required { missing(key, in: fields, " (a secret reference: env:NAME or file:PATH)") }
            return nil
        }
        let forms = "env:NAME or file:PATH (inline:VALUE in tests)"
        guard case .scalar(let scalar) = node, node.tagName == .str else {
            report(
                fields.path(key),
                "expected a secret reference, \(forms), found \(Self.describe(node, showing: false))",
                at: node
            )
            return nil
        }
        guard let secret = Secret(reference: scalar.string) else {
            let text = scalar.string
            let why =
                if text.hasPrefix("env:") {
                    "env: must be followed by a variable name (letters, digits and _)"
                } else if text.hasPrefix("file:") || text.hasPrefix("inline:") {
                    "the reference is empty after the prefix"
                } else {
                    "expected a secret reference, \(forms); what is written is not shown, in case it is a credential"
                }
            report(fields.path(key), why, at: node)
            return nil
        }
        do {
            _ = try secret.resolve(environment: environment, readFile: readFile)
        } catch {
            report(fields.path(key), error.description, at: node)
        }
        return secret
    }

    // MARK: Descriptions

    /// `a mapping`, `a list`, `a boolean (yes)`, `a string ('abc')` …; `showing: false` leaves the value out.
    static func describe(_ node: Node, showing: Bool = true) -> String {
        switch node {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        case .scalar(let scalar):
            let shown = showing ? " ('\(scalar.string)')" : ""
            switch node.tagName {
            case .null: return "nothing"
            case .bool: return "a boolean\(shown)"
            case .int: return "an integer\(shown)"
            case .float: return "a number\(shown)"
            case .timestamp: return "a date\(shown)"
            default: return "a string\(shown)"
            }
        }
    }
}

extension Node {
    /// The resolved tag (`str`, `int`, `bool` …); `Tag.name` itself is internal to Yams.
    var tagName: Tag.Name { Tag.Name(rawValue: tag.rawValue) }
}
