import Foundation
import HTTPTypes
import NIOCore
import SCIM
import TestSupport

/// Replays a traffic fixture (docs/traffic-fixtures.md) against a channel of a running bridge and
/// reports the first expectation that does not hold.
struct FixtureRunner {
    let client: SCIMClient
    let channel: String
    let token: String
    /// The channel base URL as the server renders it (`{{baseURL}}`).
    let baseURL: String

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Runs every step; throws a `Failure` naming scenario, step, note, request and mismatch.
    func run(_ fixture: JSONValue) async throws {
        let name = fixture["name"]?.stringValue ?? "?"
        var captures: [String: JSONValue] = ["baseURL": .string(baseURL)]
        for (i, step) in (fixture["steps"]?.arrayValue ?? []).enumerated() {
            let request = step["request"] ?? .null
            let method = HTTPRequest.Method(request["method"]?.stringValue ?? "GET")!
            let path = try substituteText(request["path"]?.stringValue ?? "/", captures)
            func fail(_ what: String) -> Failure {
                Failure(
                    description:
                        "\(name) step \(i + 1) (\(step["note"]?.stringValue ?? "")) \(method.rawValue) \(path): \(what)"
                )
            }
            var headers: HTTPFields = [:]
            for (k, v) in request["headers"]?.objectValue ?? JSONObject() {
                guard let field = HTTPField.Name(k), let value = v.stringValue else { continue }
                headers[field] = try substituteText(value, captures)
            }
            let body = try request["body"].map { try substitute($0, captures) }
            let reply = try await client.request(
                method,
                "/scim/v2/\(channel)" + path,
                token: token,
                body: body,
                headers: headers
            )

            let expect = step["expect"] ?? .null
            let status = Int(expect["status"]?.integerValue ?? 0)
            guard reply.status == status else {
                throw fail("status \(reply.status), expected \(status); body \(reply.body?.description ?? "")")
            }
            for (capName, pathValue) in step["capture"]?.objectValue ?? JSONObject() {
                guard let path = pathValue.stringValue, let value = Self.lookup(reply.body, path: path), !value.isNull
                else {
                    throw fail(
                        "capture \(capName): nothing at '\(pathValue)' in \(reply.body?.description ?? "no body")"
                    )
                }
                captures[capName] = value
            }
            if let pattern = expect["body"] {
                if pattern.isNull {
                    guard reply.raw.readableBytes == 0 else { throw fail("expected an empty body") }
                } else {
                    let p = try substitute(pattern, captures)
                    if let mismatch = Self.match(p, reply.body ?? .null, at: "body") {
                        throw fail("\(mismatch); body \(reply.body?.description ?? "")")
                    }
                }
            }
            for absentPath in expect["absent"]?.arrayValue ?? [] {
                guard let path = absentPath.stringValue else { continue }
                if !Self.isAbsent(reply.body, path: Self.segments(path)) { throw fail("'\(path)' is present") }
            }
            for (k, v) in expect["headers"]?.objectValue ?? JSONObject() {
                guard let field = HTTPField.Name(k) else { continue }
                let actual = reply.headers[field]
                switch v.stringValue {
                case "$any": if actual == nil { throw fail("header \(k) missing") }
                case "$absent": if actual != nil { throw fail("header \(k) present: \(actual!)") }
                case let expected?:
                    let e = try substituteText(expected, captures)
                    if field == .contentType {
                        let media = actual?.split(separator: ";").first.map {
                            $0.trimmingCharacters(in: .whitespaces).lowercased()
                        }
                        if media != e.lowercased() { throw fail("Content-Type \(actual ?? "none"), expected \(e)") }
                    } else if actual != e {
                        throw fail("header \(k) is \(actual ?? "none"), expected \(e)")
                    }
                case nil: break
                }
            }
        }
    }

    // MARK: - Placeholders

    /// The `{{name}}` placeholders of `s`: (range, name), in order.
    static func placeholders(in s: String) -> [(range: Range<String.Index>, name: String)] {
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

    func substituteText(_ s: String, _ captures: [String: JSONValue]) throws -> String {
        var out = ""
        var last = s.startIndex
        for p in Self.placeholders(in: s) {
            out += s[last..<p.range.lowerBound]
            guard let v = captures[p.name] else {
                throw Failure(description: "placeholder {{\(p.name)}} is not defined")
            }
            switch v {
            case .string(let t): out += t
            case .integer, .decimal, .bool: out += v.serialized()
            default: throw Failure(description: "placeholder {{\(p.name)}} holds \(v.typeName), not text")
            }
            last = p.range.upperBound
        }
        return out + s[last...]
    }

    func substitute(_ v: JSONValue, _ captures: [String: JSONValue]) throws -> JSONValue {
        switch v {
        case .string(let s):
            let found = Self.placeholders(in: s)
            if found.count == 1, found[0].range == s.startIndex..<s.endIndex {
                guard let value = captures[found[0].name] else {
                    throw Failure(description: "placeholder {{\(found[0].name)}} is not defined")
                }
                return value
            }
            return .string(try substituteText(s, captures))
        case .array(let a): return .array(try a.map { try substitute($0, captures) })
        case .object(let o):
            var out = JSONObject()
            for (k, x) in o { out[k] = try substitute(x, captures) }
            return .object(out)
        default: return v
        }
    }

    // MARK: - Paths

    static func segments(_ path: String) -> [String] {
        var out: [String] = []
        var rest = Substring(path)
        while !rest.isEmpty {
            if rest.lowercased().hasPrefix("urn:"), let lastColon = rest.lastIndex(of: ":") {
                let end = rest[lastColon...].firstIndex(of: ".") ?? rest.endIndex
                out.append(String(rest[..<end]))
                rest = end == rest.endIndex ? "" : rest[rest.index(after: end)...]
            } else {
                let end = rest.firstIndex(of: ".") ?? rest.endIndex
                out.append(String(rest[..<end]))
                rest = end == rest.endIndex ? "" : rest[rest.index(after: end)...]
            }
        }
        return out
    }

    static func lookup(_ v: JSONValue?, path: String) -> JSONValue? {
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

    static func isAbsent(_ v: JSONValue?, path: [String]) -> Bool {
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
    static func match(_ pattern: JSONValue, _ actual: JSONValue, at path: String) -> String? {
        switch pattern {
        case .string("$any"):
            return actual.isNull ? "\(path): expected a value" : nil
        case .object(let p):
            if let list = p["$contains"]?.arrayValue, p.count == 1 {
                guard case .array(let a) = actual else { return "\(path): expected an array" }
                return assign(list, a, exact: false) ? nil : "\(path): no element matches for some of \(list)"
            }
            if let list = p["$unordered"]?.arrayValue, p.count == 1 {
                guard case .array(let a) = actual, a.count == list.count else {
                    return "\(path): expected an array of \(list.count) elements"
                }
                return assign(list, a, exact: true) ? nil : "\(path): elements do not match \(list) in any order"
            }
            guard case .object(let o) = actual else { return "\(path): expected an object, got \(actual.typeName)" }
            for (k, v) in p {
                let value = o[k]
                if v == .string("$absent") {
                    if let value, !isAbsent(value, path: []) { return "\(path).\(k): expected absent, got \(value)" }
                    continue
                }
                guard let value else { return "\(path).\(k): missing" }
                if let m = match(v, value, at: "\(path).\(k)") { return m }
            }
            return nil
        case .array(let p):
            guard case .array(let a) = actual, a.count == p.count else {
                return "\(path): expected \(p.count) elements, got \(actual)"
            }
            for (i, (x, y)) in zip(p, a).enumerated() {
                if let m = match(x, y, at: "\(path).\(i)") { return m }
            }
            return nil
        case .integer, .decimal:
            return pattern.numberValue == actual.numberValue ? nil : "\(path): expected \(pattern), got \(actual)"
        default:
            return pattern == actual ? nil : "\(path): expected \(pattern), got \(actual)"
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
