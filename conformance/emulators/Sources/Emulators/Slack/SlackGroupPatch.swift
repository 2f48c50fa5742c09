internal import Foundation
public import SCIM

/// A Slack SCIM v2 group PATCH (targets.md §B "Group membership PATCH shapes") read into changes:
/// `add`/`replace`/`remove` on `members`, `remove` of `members[value eq "U1"]` with the id quoted or,
/// as in Slack's own example, bare, and `replace` of `displayName`. `op` is read without regard to case.
enum SlackGroupPatch {
    enum Change: Sendable, Equatable {
        case rename(String)
        case add([String])
        case replace([String])
        case remove([String])
        case removeAll
    }

    static func changes(_ body: JSONObject) throws(SlackError) -> [Change] {
        let operations = try SlackPatchOperation.operations(body)
        var changes: [Change] = []
        var named = 0
        for operation in operations {
            let change = try self.change(operation)
            changes += change
            for c in change {
                switch c {
                case .add(let m), .replace(let m), .remove(let m): named += m.count
                default: break
                }
            }
        }
        guard named <= SlackValidation.maximumMembersPerRequest else { throw SlackError.tooManyUsers }
        return changes
    }

    static func change(_ operation: SlackPatchOperation) throws(SlackError) -> [Change] {
        guard let path = operation.path else {
            // No path: the value is an object of attributes to set.
            guard operation.op != "remove", let object = operation.value?.objectValue else {
                throw SlackError.invalidSyntax
            }
            var out: [Change] = []
            for (key, value) in object {
                switch key.lowercased() {
                case "displayname":
                    guard let name = value.stringValue, !name.isEmpty else { throw SlackError.missingSchemaElement }
                    out.append(.rename(name))
                case "members":
                    let ids = try SlackValidation.memberIDs(value)
                    out.append(operation.op == "add" ? .add(ids) : .replace(ids))
                case "schemas", "id", "meta":
                    continue
                default:
                    throw SlackError.invalidSyntax
                }
            }
            return out
        }
        let lowered = path.lowercased()
        if lowered == "displayname" {
            guard operation.op != "remove", let name = operation.value?.stringValue, !name.isEmpty else {
                throw SlackError.missingSchemaElement
            }
            return [.rename(name)]
        }
        if lowered == "members" {
            switch operation.op {
            case "add": return [.add(try SlackValidation.memberIDs(operation.value ?? .null))]
            case "replace": return [.replace(try SlackValidation.memberIDs(operation.value ?? .null))]
            default:
                // Entra-style `remove` with a value array removes those; without one, everybody.
                guard let value = operation.value, !value.isNull else { return [.removeAll] }
                return [.remove(try SlackValidation.memberIDs(value))]
            }
        }
        if operation.op == "remove", let id = memberFilterValue(path) { return [.remove([id])] }
        throw SlackError.invalidSyntax
    }

    /// The id in `members[value eq "U1"]` or `members[value eq U1]` (spaces and case of the
    /// keywords free), else nil.
    static func memberFilterValue(_ path: String) -> String? {
        let trimmed = path.trimmingCharacters(in: .whitespaces)
        guard trimmed.lowercased().hasPrefix("members"), trimmed.hasSuffix("]") else { return nil }
        var inner = trimmed.dropFirst("members".count).drop { $0 == " " }
        guard inner.first == "[" else { return nil }
        inner = inner.dropFirst().dropLast()
        let words = inner.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: true)
        guard words.count == 3, words[0].lowercased() == "value", words[1].lowercased() == "eq" else { return nil }
        var value = words[2].trimmingCharacters(in: .whitespaces)
        if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") {
            value = String(value.dropFirst().dropLast())
        }
        return value.isEmpty || value.contains(" ") ? nil : value
    }
}

/// One operation of a `PatchOp` body (RFC 7644 §3.5.2), `op` lowercased.
struct SlackPatchOperation: Sendable {
    var op: String
    var path: String?
    var value: JSONValue?

    static let schema = "urn:ietf:params:scim:api:messages:2.0:PatchOp"

    static func operations(_ body: JSONObject) throws(SlackError) -> [SlackPatchOperation] {
        guard let array = body["Operations"]?.arrayValue, !array.isEmpty else { throw SlackError.missingSchemaElement }
        var out: [SlackPatchOperation] = []
        for element in array {
            guard let op = element["op"]?.stringValue?.lowercased(), ["add", "remove", "replace"].contains(op) else {
                throw SlackError.invalidSyntax
            }
            let path = element["path"].flatMap { $0.isNull ? nil : $0.stringValue }
            out.append(SlackPatchOperation(op: op, path: path, value: element["value"]))
        }
        return out
    }
}
