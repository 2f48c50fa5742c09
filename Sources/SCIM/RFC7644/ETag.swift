/// Entity tags for resource versions, RFC 7644 §3.14 (with RFC 7232 weak comparison).
public enum ETag {
    /// The weak ETag for a version number: `W/"7"`.
    public static func make(version: Int64) -> String { "W/\"\(version)\"" }

    /// Whether an `If-Match` / `If-None-Match` header value names `etag`: `*`, or a comma-separated list
    /// of tags compared weakly (the `W/` prefix is ignored, as RFC 7232 §2.3.2 says for these headers).
    public static func header(_ value: String, matches etag: String) -> Bool {
        let wanted = opaque(etag)
        for part in value.split(separator: ",") {
            let tag = part.trimmingSpaces()
            if tag == "*" || opaque(tag) == wanted { return true }
        }
        return false
    }

    static func opaque(_ tag: some StringProtocol) -> Substring {
        var t = Substring(tag)
        if t.hasPrefix("W/") || t.hasPrefix("w/") { t = t.dropFirst(2) }
        if t.count >= 2, t.first == "\"", t.last == "\"" { t = t.dropFirst().dropLast() }
        return t
    }
}

extension StringProtocol {
    /// The text without leading and trailing spaces and tabs.
    func trimmingSpaces() -> Substring {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" { s = s.dropLast() }
        return s
    }
}
