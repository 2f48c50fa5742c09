internal import Foundation
public import SCIM
internal import Yams

/// An OpenAPI 3.0 description read from YAML (or JSON, which is YAML) into `JSONValue`s, with
/// `$ref` resolution inside the document. Only local references (`#/components/...`) are supported:
/// the contracts under `conformance/specs` are self-contained.
public struct OpenAPIDocument: Sendable {
    /// The whole document.
    public let root: JSONValue

    /// A document failed to load: not YAML, or not an OpenAPI object.
    public struct LoadError: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    public init(yaml: String) throws {
        let node: Node?
        do {
            node = try Yams.compose(yaml: yaml)
        } catch {
            throw LoadError(description: "The OpenAPI description is not valid YAML: \(error).")
        }
        guard let node, let root = Self.json(node), root["openapi"]?.stringValue != nil, root["paths"] != nil else {
            throw LoadError(description: "The document is not an OpenAPI description (no 'openapi' or 'paths').")
        }
        self.root = root
    }

    /// `#/components/schemas/x` → the value there, nil when the pointer leads nowhere.
    public func resolve(_ reference: String) -> JSONValue? {
        guard reference.hasPrefix("#/") else { return nil }
        var value: JSONValue? = root
        for token in reference.dropFirst(2).split(separator: "/", omittingEmptySubsequences: false) {
            // JSON Pointer escapes (RFC 6901 §4).
            let key = token.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
            // Exact-case lookup: JSONObject's subscript ignores case, component names do not.
            guard let object = value?.objectValue, let member = object.members.first(where: { $0.key == key }) else {
                return nil
            }
            value = member.value
        }
        return value
    }

    /// The value itself, or what its `$ref` names (followed until a value without `$ref`).
    func dereferenced(_ value: JSONValue) -> (value: JSONValue, name: String?) {
        var current = value
        var name: String?
        var hops = 0
        while let reference = current["$ref"]?.stringValue, hops < 32, let target = resolve(reference) {
            name = reference.split(separator: "/").last.map(String.init)
            current = target
            hops += 1
        }
        return (current, name)
    }

    /// A YAML node as JSON: scalars by their resolved tag (null, bool, int, float, else string).
    static func json(_ node: Node) -> JSONValue? {
        switch node {
        case .scalar:
            switch node.tag.description {
            case Tag.Name.null.rawValue: return .null
            case Tag.Name.bool.rawValue: return node.bool.map(JSONValue.bool)
            case Tag.Name.int.rawValue: return node.int.map { .integer(Int64($0)) }
            case Tag.Name.float.rawValue: return node.float.map(JSONValue.decimal)
            default: return node.string.map(JSONValue.string)
            }
        case .mapping(let mapping):
            var members: [(String, JSONValue)] = []
            for (key, value) in mapping {
                guard let name = key.string, let v = json(value) else { return nil }
                members.append((name, v))
            }
            return .object(JSONObject(members))
        case .sequence(let sequence):
            var items: [JSONValue] = []
            for element in sequence {
                guard let v = json(element) else { return nil }
                items.append(v)
            }
            return .array(items)
        case .alias:
            return nil
        }
    }
}
