import Foundation
package import SCIM

/// The pattern language of scenario expectations (docs/traffic-fixtures.md): placeholders, paths
/// into a JSON answer, and matching of a pattern against an answer. Pure functions.
package enum Matching {
    package struct PlaceholderError: Error, CustomStringConvertible {
        package var description: String
    }

    // MARK: - Placeholders

    /// The `{{name}}` placeholders of `s`: (range, name), in order.
    package static func placeholders(in s: String) -> [(range: Range<String.Index>, name: String)] {
        var out: [(Range<String.Index>, String)] = []
        var i = s.startIndex
        while let open = s[i...].range(of: "{{"), let close = s[open.upperBound...].range(of: "}}") {
            let name = s[open.upperBound..<close.lowerBound]
            if !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || "_.-".contains($0) }) {
                out.append((open.lowerBound..<close.upperBound, String(name)))
                i = close.upperBound
            } else {
                i = open.upperBound
            }
        }
        return out
    }

    /// `s` with each placeholder replaced by its value's text.
    package static func substituteText(_ s: String, _ captures: [String: JSONValue]) throws -> String {
        var out = ""
        var last = s.startIndex
        for p in placeholders(in: s) {
            out += s[last..<p.range.lowerBound]
            guard let v = captures[p.name] else {
                throw PlaceholderError(description: "placeholder {{\(p.name)}} is not defined")
            }
            switch v {
            case .string(let t): out += t
            case .integer, .decimal, .bool: out += v.serialized()
            default: throw PlaceholderError(description: "placeholder {{\(p.name)}} holds \(v.typeName), not text")
            }
            last = p.range.upperBound
        }
        return out + s[last...]
    }

    /// `v` with placeholders replaced in every string; a string that is exactly one placeholder
    /// becomes the captured value with its type.
    package static func substitute(_ v: JSONValue, _ captures: [String: JSONValue]) throws -> JSONValue {
        switch v {
        case .string(let s):
            let found = placeholders(in: s)
            if found.count == 1, found[0].range == s.startIndex..<s.endIndex {
                guard let value = captures[found[0].name] else {
                    throw PlaceholderError(description: "placeholder {{\(found[0].name)}} is not defined")
                }
                return value
            }
            return .string(try substituteText(s, captures))
        case .array(let a): return .array(try a.map { try substitute($0, captures) })
        case .object(let o):
            var out = JSONObject()
            for (k, x) in o.members { out[k] = try substitute(x, captures) }
            return .object(out)
        default: return v
        }
    }

    // MARK: - Paths

    /// `a.0.b` → `["a", "0", "b"]`; a segment starting with `urn:` runs to the first `.` after its last `:`.
    package static func segments(_ path: String) -> [String] {
        var out: [String] = []
        var rest = Substring(path)
        while !rest.isEmpty {
            var end = rest.firstIndex(of: ".") ?? rest.endIndex
            if rest.lowercased().hasPrefix("urn:"), let lastColon = rest.lastIndex(of: ":") {
                end = rest[lastColon...].firstIndex(of: ".") ?? rest.endIndex
            }
            out.append(String(rest[..<end]))
            rest = end == rest.endIndex ? "" : rest[rest.index(after: end)...]
        }
        return out
    }

    package static func lookup(_ v: JSONValue?, path: String) -> JSONValue? {
        var current = v
        for seg in segments(path) {
            if let i = Int(seg), case .array(let a)? = current {
                current = i < a.count ? a[i] : nil
            } else {
                current = current?[seg]
            }
        }
        return current
    }

    /// Missing, null and `[]` are alike (RFC 7643 §2.5); a name applied to an array applies to every element.
    package static func isAbsent(_ v: JSONValue?, path: [String]) -> Bool {
        guard let first = path.first else {
            switch v {
            case nil, .null?: return true
            case .array(let a)?: return a.isEmpty
            default: return false
            }
        }
        switch v {
        case nil, .null?: return true
        case .array(let a)?:
            if let i = Int(first) { return i >= a.count || isAbsent(a[i], path: Array(path.dropFirst())) }
            return a.allSatisfy { isAbsent($0, path: path) }
        case .object(let o)?: return isAbsent(o[first], path: Array(path.dropFirst()))
        default: return true
        }
    }

    // MARK: - Matching

    /// nil when `actual` matches `pattern`, else a description of the first mismatch.
    package static func match(_ pattern: JSONValue, _ actual: JSONValue, at path: String) -> String? {
        switch pattern {
        case .string("$any"):
            return actual.isNull ? "\(path): expected a value" : nil
        case .object(let p):
            if let list = p["$contains"]?.arrayValue, p.count == 1 {
                guard case .array(let a) = actual else { return "\(path): expected an array" }
                return assign(list, a, exact: false)
                    ? nil : "\(path): no element matches for some of \(JSONValue.array(list).serialized())"
            }
            if let list = p["$unordered"]?.arrayValue, p.count == 1 {
                guard case .array(let a) = actual, a.count == list.count else {
                    return "\(path): expected an array of \(list.count) elements, got \(actual.serialized())"
                }
                return assign(list, a, exact: true)
                    ? nil : "\(path): elements do not match \(JSONValue.array(list).serialized()) in any order"
            }
            guard case .object(let o) = actual else { return "\(path): expected an object, got \(actual.typeName)" }
            for (k, v) in p.members {
                let value = o[k]
                if v == .string("$absent") {
                    if let value, !isAbsent(value, path: []) {
                        return "\(path).\(k): expected absent, got \(value.serialized())"
                    }
                    continue
                }
                guard let value else { return "\(path).\(k): missing" }
                if let m = match(v, value, at: "\(path).\(k)") { return m }
            }
            return nil
        case .array(let p):
            guard case .array(let a) = actual, a.count == p.count else {
                return "\(path): expected \(p.count) elements, got \(actual.serialized())"
            }
            for (i, (x, y)) in zip(p, a).enumerated() {
                if let m = match(x, y, at: "\(path).\(i)") { return m }
            }
            return nil
        case .integer, .decimal:
            return pattern.numberValue == actual.numberValue
                ? nil : "\(path): expected \(pattern.serialized()), got \(actual.serialized())"
        default:
            return pattern == actual ? nil : "\(path): expected \(pattern.serialized()), got \(actual.serialized())"
        }
    }

    /// Whether each pattern matches a different element (a matching exists); small arrays, so backtracking.
    static func assign(_ patterns: [JSONValue], _ elements: [JSONValue], exact: Bool) -> Bool {
        var used = [Bool](repeating: false, count: elements.count)
        func go(_ i: Int) -> Bool {
            if i == patterns.count { return true }
            for j in elements.indices where !used[j] && match(patterns[i], elements[j], at: "") == nil {
                used[j] = true
                if go(i + 1) { return true }
                used[j] = false
            }
            return false
        }
        return go(0)
    }
}
