public import SCIM

/// The one filter form GitHub's SCIM list endpoints take: a single `attribute eq "value"` (or
/// `'value'`) on a few attributes. "Multiple filters are not supported": anything else is 400.
public struct GitHubEMUFilter: Sendable, Hashable {
    /// The attribute as the allowed list spells it.
    public var attribute: String
    public var value: String

    /// Filterable on `/Users`.
    public static let userAttributes = ["userName", "externalId", "id", "displayName"]
    /// Filterable on `/Groups`.
    public static let groupAttributes = ["externalId", "id", "displayName"]

    /// Parses `text`; the attribute must be one of `allowed` (matched without regard to case).
    public static func parse(_ text: String, allowed: [String]) throws(SCIMError) -> GitHubEMUFilter {
        let usage = "GitHub takes one `attribute eq \"value\"` filter on \(allowed.joined(separator: ", "))"
        let trimmed = text.trimmedOfSpaces
        guard let space = trimmed.firstIndex(of: " ") else {
            throw SCIMError(status: 400, scimType: .invalidFilter, detail: "'\(text)' is not a filter: \(usage).")
        }
        let name = String(trimmed[..<space])
        guard let attribute = allowed.first(where: { caseInsensitiveEquals($0, name) }) else {
            throw SCIMError(status: 400, scimType: .invalidFilter, detail: "'\(name)' cannot be filtered on: \(usage).")
        }
        let rest = trimmed[space...].trimmedOfSpaces
        guard rest.count > 3, rest.prefix(2).lowercased() == "eq", rest.dropFirst(2).first == " " else {
            throw SCIMError(
                status: 400,
                scimType: .invalidFilter,
                detail: "'\(text)' uses an operator other than eq: \(usage)."
            )
        }
        let literal = rest.dropFirst(3).trimmedOfSpaces
        guard let value = Self.literal(literal) else {
            throw SCIMError(
                status: 400,
                scimType: .invalidFilter,
                detail:
                    "'\(text)' is not a single condition with a quoted value (multiple filters are not supported): \(usage)."
            )
        }
        return GitHubEMUFilter(attribute: attribute, value: value)
    }

    /// `"…"` (JSON string escapes) or `'…'` (no quote inside), and nothing after it.
    static func literal(_ s: String) -> String? {
        if s.hasPrefix("\"") {
            guard case .string(let v)? = try? JSONParser.parse(s) else { return nil }
            return v
        }
        guard s.count >= 2, s.hasPrefix("'"), s.hasSuffix("'") else { return nil }
        let inner = s.dropFirst().dropLast()
        return inner.contains("'") ? nil : String(inner)
    }

    /// Whether a value of the attribute matches: ids exactly, names without regard to case.
    public func matches(_ candidate: String?) -> Bool {
        guard let candidate else { return false }
        return attribute == "id" || attribute == "externalId"
            ? candidate == value : caseInsensitiveEquals(candidate, value)
    }
}

extension StringProtocol {
    var trimmedOfSpaces: String {
        var s = Substring(self)
        while s.first == " " || s.first == "\t" { s = s.dropFirst() }
        while s.last == " " || s.last == "\t" { s = s.dropLast() }
        return String(s)
    }
}
