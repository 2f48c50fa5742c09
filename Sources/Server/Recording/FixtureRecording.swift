import SCIM

/// Turns recorded exchanges into a replay fixture (docs/traffic-fixtures.md), pure and testable:
/// secrets redacted, server-assigned ids captured where they first appear and replaced by
/// `{{userN.id}}` / `{{groupN.id}}` everywhere after, channel URLs written as `{{baseURL}}`, and
/// server-generated values (timestamps, versions) matched with `$any`.
struct FixtureRecording: Sendable {
    /// One exchange as it happened.
    struct Exchange: Sendable {
        var method: String
        /// Relative to the channel base URL, query included, as sent.
        var path: String
        var headers: [(String, String)]
        var body: JSONValue?
        var status: Int
        var responseHeaders: [(String, String)]
        var responseBody: JSONValue?
    }

    let name: String
    /// The channel's absolute base URL, as rendered in `meta.location`.
    let baseURL: String
    private(set) var exchanges: [Exchange] = []

    init(name: String, baseURL: String) {
        self.name = name
        self.baseURL = baseURL
    }

    mutating func append(_ e: Exchange) { exchanges.append(e) }

    /// The fixture document for everything recorded so far.
    var document: JSONValue {
        var ids: [(literal: String, name: String)] = []
        var counters: [String: Int] = [:]
        var steps: [JSONValue] = []
        for e in exchanges {
            var request: JSONObject = [
                "method": .string(e.method), "path": .string(Self.replace(e.path, ids, baseURL: nil)),
            ]
            if !e.headers.isEmpty {
                request["headers"] = .object(JSONObject(e.headers.map { ($0.0, .string($0.1)) }))
            }
            if let body = e.body { request["body"] = Self.rewrite(Self.redacted(body), ids, baseURL: baseURL) }

            // New ids in this response are captured before the expectation is written, so it can use them.
            var capture = JSONObject()
            for (path, id, kind) in Self.ids(in: e.responseBody) where !ids.contains(where: { $0.literal == id }) {
                let prefix = kind == "Group" ? "group" : "user"
                counters[prefix, default: 0] += 1
                let name = "\(prefix)\(counters[prefix]!).id"
                ids.append((id, name))
                capture[name] = .string(path)
            }
            var expect: JSONObject = ["status": .integer(Int64(e.status))]
            if let body = e.responseBody {
                expect["body"] = Self.rewrite(Self.generatedValuesAsAny(body), ids, baseURL: baseURL)
            } else if e.status == 204 {
                expect["body"] = .null
            }
            var headers = JSONObject()
            for (k, v) in e.responseHeaders {
                switch k.lowercased() {
                case "location": headers["Location"] = .string(Self.replace(v, ids, baseURL: baseURL))
                case "content-type": headers["Content-Type"] = .string(v)
                case "etag": headers["ETag"] = "$any"
                default: break
                }
            }
            if !headers.isEmpty { expect["headers"] = .object(headers) }
            var step: JSONObject = ["request": .object(request), "expect": .object(expect)]
            if !capture.isEmpty { step["capture"] = .object(capture) }
            steps.append(.object(step))
        }
        return [
            "name": .string(name),
            "idp": "other",
            "description": "Traffic recorded by scim-bridge serve --record (secrets redacted).",
            "steps": .array(steps),
        ]
    }

    /// Server-assigned ids in a response: a resource's `id`, or each `Resources.N.id` of a list.
    static func ids(in body: JSONValue?) -> [(path: String, id: String, kind: String)] {
        guard let body else { return [] }
        if let id = body["id"]?.stringValue {
            return [("id", id, body["meta"]?["resourceType"]?.stringValue ?? "User")]
        }
        return (body["Resources"]?.arrayValue ?? []).enumerated().compactMap { i, r in
            r["id"]?.stringValue.map { ("Resources.\(i).id", $0, r["meta"]?["resourceType"]?.stringValue ?? "User") }
        }
    }

    /// `meta.created`, `meta.lastModified` and `meta.version` differ on every run.
    static func generatedValuesAsAny(_ v: JSONValue) -> JSONValue {
        switch v {
        case .object(var o):
            for (k, x) in o { o[k] = generatedValuesAsAny(x) }
            if case .object(var meta)? = o["meta"] {
                for key in ["created", "lastModified", "version"] where meta[key] != nil { meta[key] = "$any" }
                o["meta"] = .object(meta)
            }
            return .object(o)
        case .array(let a): return .array(a.map(generatedValuesAsAny))
        default: return v
        }
    }

    /// Every string with ids and the base URL replaced by placeholders.
    static func rewrite(_ v: JSONValue, _ ids: [(literal: String, name: String)], baseURL: String) -> JSONValue {
        switch v {
        case .string(let s): return .string(replace(s, ids, baseURL: baseURL))
        case .array(let a): return .array(a.map { rewrite($0, ids, baseURL: baseURL) })
        case .object(let o):
            var out = JSONObject()
            for (k, x) in o { out[k] = rewrite(x, ids, baseURL: baseURL) }
            return .object(out)
        default: return v
        }
    }

    static func replace(_ s: String, _ ids: [(literal: String, name: String)], baseURL: String?) -> String {
        var out = s
        if let baseURL { out = out.replacing(baseURL, with: "{{baseURL}}") }
        for (literal, name) in ids { out = out.replacing(literal, with: "{{\(name)}}") }
        return out
    }

    /// Secrets out: `password` values (and PATCH operations on `password`), tokens and client secrets.
    static func redacted(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(let o):
            var out = JSONObject()
            let patchOnPassword = o["path"]?.stringValue.map { $0.lowercased().hasSuffix("password") } ?? false
            for (k, v) in o {
                let lower = k.lowercased()
                if lower == "password" || lower.hasSuffix(":password") || lower.contains("token")
                    || lower.contains("secret")
                    || (patchOnPassword && lower == "value")
                {
                    out[k] = "REDACTED"
                } else {
                    out[k] = redacted(v)
                }
            }
            return .object(out)
        case .array(let a): return .array(a.map(redacted))
        default: return value
        }
    }
}
