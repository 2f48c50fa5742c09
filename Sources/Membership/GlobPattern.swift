/// A case-insensitive glob over a name (`eng-*`, `team-?`): `*` matches any run of characters, `?`
/// one character, everything else itself. Pure.
package struct GlobPattern: Sendable, Hashable, CustomStringConvertible {
    /// Why a pattern cannot be used.
    package struct Invalid: Error, Sendable, CustomStringConvertible {
        package var description: String
    }

    package let description: String
    private let folded: [Character]

    /// - Throws: `Invalid` for an empty pattern, or one with `[`, `]` or `\`, which other glob dialects
    ///   give a meaning this one does not have.
    package init(_ text: String) throws(Invalid) {
        guard !text.isEmpty else { throw Invalid(description: "a pattern cannot be empty") }
        if let c = text.first(where: { "[]\\".contains($0) }) {
            throw Invalid(
                description:
                    "'\(text)' has '\(c)': patterns take only '*' (any run of characters) and '?' (one character)"
            )
        }
        description = text
        folded = Array(text.lowercased())
    }

    /// Whether `name` matches, without regard to case.
    package func matches(_ name: String) -> Bool {
        let s = Array(name.lowercased())
        var p = 0
        var i = 0
        var star: Int? = nil
        var mark = 0
        // Greedy with backtracking to the last `*`: linear in practice, no recursion.
        while i < s.count {
            if p < folded.count, folded[p] == "?" || folded[p] == s[i] {
                p += 1
                i += 1
            } else if p < folded.count, folded[p] == "*" {
                star = p
                mark = i
                p += 1
            } else if let star {
                p = star + 1
                mark += 1
                i = mark
            } else {
                return false
            }
        }
        while p < folded.count, folded[p] == "*" { p += 1 }
        return p == folded.count
    }
}
