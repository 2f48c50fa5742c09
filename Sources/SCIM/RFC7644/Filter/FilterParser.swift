/// Parses filter text into a `FilterExpression`, RFC 7644 §3.4.2.2 (the whole ABNF of Figure 1).
///
/// Precedence is `not` > `and` > `or`, with parentheses for grouping. Operators, `and`/`or`/`not`
/// and attribute names are case-insensitive (PingOne sends `username Eq "..."`); string values use
/// JSON string syntax (RFC 7159), so escapes work. Errors are `invalidFilter` with the position.
public enum FilterParser {
    /// Deeper nesting than this is refused (it protects the stack, not any real client).
    public static let maximumDepth = 64

    /// More comparisons than this are refused: every stage after parsing (resolving, evaluating,
    /// translating to SQL with one bound parameter per value) grows with the count, and no IdP
    /// sends more than a handful.
    public static let maximumComparisons = 1_000

    /// Parses a filter, as given in the `filter` query parameter.
    public static func parse(_ text: String) throws(SCIMError) -> FilterExpression {
        var p = Parser(bytes: Array(text.utf8))
        p.skipSpace()
        guard !p.atEnd else { throw .invalidFilter("The filter is empty.") }
        let e = try p.parseOr(depth: 0, inValuePath: false)
        p.skipSpace()
        guard p.atEnd else {
            throw p.error("Unexpected '\(p.peekToken())'; expected 'and', 'or' or the end of the filter")
        }
        return e
    }

    /// Parses the inside of a value filter (`valFilter`), e.g. from a PATCH path `members[value eq "x"]`.
    public static func parseValueFilter(_ text: String) throws(SCIMError) -> FilterExpression {
        var p = Parser(bytes: Array(text.utf8))
        p.skipSpace()
        guard !p.atEnd else { throw .invalidFilter("The value filter is empty.") }
        let e = try p.parseOr(depth: 0, inValuePath: true)
        p.skipSpace()
        guard p.atEnd else { throw p.error("Unexpected '\(p.peekToken())' in the value filter") }
        return e
    }

    struct Parser {
        let bytes: [UInt8]
        var pos = 0

        var atEnd: Bool { pos >= bytes.count }

        /// Comparisons (and `pr` tests) parsed so far, for `maximumComparisons`.
        var comparisons = 0

        func error(_ message: String, at position: Int? = nil) -> SCIMError {
            .invalidFilter("\(message) at position \(characterPosition(position ?? pos)).")
        }

        /// The 1-based character position of byte offset `offset`, as a person counts it in the filter.
        func characterPosition(_ offset: Int) -> Int {
            String(decoding: bytes[0..<min(offset, bytes.count)], as: UTF8.self).count + 1
        }

        mutating func skipSpace() {
            while pos < bytes.count,
                bytes[pos] == 0x20 || bytes[pos] == 0x09 || bytes[pos] == 0x0A || bytes[pos] == 0x0D
            {
                pos += 1
            }
        }

        func isDelimiter(_ c: UInt8) -> Bool {
            c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D || c == UInt8(ascii: "(") || c == UInt8(ascii: ")")
                || c == UInt8(ascii: "[") || c == UInt8(ascii: "]") || c == UInt8(ascii: "\"")
        }

        /// The next bare word (not consumed).
        func peekWord() -> Substring {
            var end = pos
            while end < bytes.count, !isDelimiter(bytes[end]) { end += 1 }
            return Substring(decoding: bytes[pos..<end], as: UTF8.self)
        }

        func peekToken() -> String {
            guard !atEnd else { return "end of filter" }
            let w = peekWord()
            return w.isEmpty ? String(decoding: [bytes[pos]], as: UTF8.self) : String(w)
        }

        /// Consumes `keyword` (case-insensitive) if it is the next whole word.
        mutating func acceptKeyword(_ keyword: String) -> Bool {
            let w = peekWord()
            guard caseInsensitiveEquals(String(w), keyword) else { return false }
            pos += w.utf8.count
            return true
        }

        mutating func expect(_ c: Character, _ what: String) throws(SCIMError) {
            skipSpace()
            guard pos < bytes.count, bytes[pos] == c.asciiValue! else {
                throw error("Expected \(what) but found '\(peekToken())'")
            }
            pos += 1
        }

        // or-expression: and-expression *( "or" and-expression )
        mutating func parseOr(depth: Int, inValuePath: Bool) throws(SCIMError) -> FilterExpression {
            var operands = [try parseAnd(depth: depth, inValuePath: inValuePath)]
            while true {
                let save = pos
                skipSpace()
                if save != pos, acceptKeyword("or") {
                    try requireSpace("or")
                    operands.append(try parseAnd(depth: depth, inValuePath: inValuePath))
                } else {
                    pos = save
                    return Self.balanced(operands[...], FilterExpression.or)
                }
            }
        }

        mutating func parseAnd(depth: Int, inValuePath: Bool) throws(SCIMError) -> FilterExpression {
            var operands = [try parseUnary(depth: depth, inValuePath: inValuePath)]
            while true {
                let save = pos
                skipSpace()
                if save != pos, acceptKeyword("and") {
                    try requireSpace("and")
                    operands.append(try parseUnary(depth: depth, inValuePath: inValuePath))
                } else {
                    pos = save
                    return Self.balanced(operands[...], FilterExpression.and)
                }
            }
        }

        /// Joins a chain `a op b op c ...` into a balanced tree, in order. `and`/`or` are associative,
        /// so the meaning is that of the left-nested reading, but the depth is logarithmic: every later
        /// stage (and the enum's own deinit) recurses over the tree, and a left-nested chain of a few
        /// thousand operands overflows the stack.
        static func balanced(
            _ xs: ArraySlice<FilterExpression>,
            _ join: (FilterExpression, FilterExpression) -> FilterExpression
        ) -> FilterExpression {
            if xs.count == 1 { return xs[xs.startIndex] }
            let mid = xs.startIndex + (xs.count + 1) / 2
            return join(balanced(xs[..<mid], join), balanced(xs[mid...], join))
        }

        mutating func requireSpace(_ after: String) throws(SCIMError) {
            let save = pos
            skipSpace()
            guard !atEnd else { throw error("Unexpected end of filter after '\(after)'; expected a filter") }
            guard pos > save || (pos < bytes.count && bytes[pos] == UInt8(ascii: "(")) else {
                throw error("Expected a space after '\(after)'")
            }
        }

        mutating func parseUnary(depth: Int, inValuePath: Bool) throws(SCIMError) -> FilterExpression {
            guard depth < FilterParser.maximumDepth else { throw error("The filter is nested too deeply") }
            skipSpace()
            guard !atEnd else { throw error("Unexpected end of filter; expected an attribute, 'not' or '('") }
            if bytes[pos] == UInt8(ascii: "(") {
                pos += 1
                let e = try parseOr(depth: depth + 1, inValuePath: inValuePath)
                try expect(")", "')'")
                return e
            }
            let save = pos
            if acceptKeyword("not") {
                skipSpace()
                if pos < bytes.count, bytes[pos] == UInt8(ascii: "(") {
                    pos += 1
                    let e = try parseOr(depth: depth + 1, inValuePath: inValuePath)
                    try expect(")", "')'")
                    return .not(e)
                }
                // `not` is also a legal attribute name (`not pr`, `not eq 1`); anything else after it
                // is the common mistake of leaving out the parentheses the grammar requires.
                let next = String(peekWord()).lowercased()
                let isAttribute =
                    (pos < bytes.count && bytes[pos] == UInt8(ascii: "["))
                    || (pos > save + 3 && (next == "pr" || ComparisonOperator(rawValue: next) != nil))
                guard isAttribute else {
                    throw error("'not' must be followed by a filter in parentheses, as in 'not (title pr)'", at: save)
                }
                pos = save
            }
            return try parseAttributeExpression(depth: depth, inValuePath: inValuePath)
        }

        mutating func parseAttributeExpression(depth: Int, inValuePath: Bool) throws(SCIMError) -> FilterExpression {
            let start = pos
            let word = peekWord()
            guard !word.isEmpty else { throw error("Expected an attribute name but found '\(peekToken())'") }
            guard let path = AttributePath.parse(word) else {
                throw error("'\(word)' is not a valid attribute path")
            }
            pos += word.utf8.count
            let attr = FilterAttribute(path: path, position: characterPosition(start))
            if pos < bytes.count, bytes[pos] == UInt8(ascii: "[") {
                guard !inValuePath else { throw error("Value filters cannot be nested") }
                pos += 1
                let inner = try parseOr(depth: depth + 1, inValuePath: true)
                try expect("]", "']' to close the value filter on '\(path)'")
                return .valuePath(attr, inner)
            }
            let beforeSpace = pos
            skipSpace()
            guard pos > beforeSpace else {
                throw error("Expected a space and an operator after '\(path)'")
            }
            let opStart = pos
            let opWord = peekWord()
            comparisons += 1
            guard comparisons <= FilterParser.maximumComparisons else {
                throw error("The filter has more than \(FilterParser.maximumComparisons) comparisons", at: start)
            }
            if caseInsensitiveEquals(String(opWord), "pr") {
                pos += opWord.utf8.count
                return .present(attr)
            }
            guard let op = ComparisonOperator(rawValue: opWord.lowercased()) else {
                throw error(
                    opWord.isEmpty
                        ? "Expected an operator after '\(path)'"
                        : "Unknown operator '\(opWord)'; expected eq, ne, co, sw, ew, gt, lt, ge, le or pr",
                    at: opStart
                )
            }
            pos += opWord.utf8.count
            let afterOp = pos
            skipSpace()
            // The ABNF wants a space here, but RFC 7644 §3.5.2.2 itself prints `value eq\"…\"`;
            // a quote cannot continue an operator, so the missing space is unambiguous.
            guard pos > afterOp || (pos < bytes.count && bytes[pos] == UInt8(ascii: "\"")) else {
                throw error("Expected a space and a value after '\(opWord)'")
            }
            let value = try parseValue()
            return .compare(attr, op, value)
        }

        /// compValue = false / null / true / number / string (RFC 7159 syntax).
        mutating func parseValue() throws(SCIMError) -> JSONValue {
            guard !atEnd else { throw error("Expected a value but reached the end of the filter") }
            let start = pos
            if bytes[pos] == UInt8(ascii: "\"") {
                var i = pos + 1
                while i < bytes.count {
                    if bytes[i] == UInt8(ascii: "\\") {
                        i += 2
                        continue
                    }
                    if bytes[i] == UInt8(ascii: "\"") { break }
                    i += 1
                }
                guard i < bytes.count else { throw error("Unterminated string value", at: start) }
                pos = i + 1
                do {
                    return try JSONParser.parse(bytes[start..<pos])
                } catch {
                    throw self.error("Invalid string value (\(error.reason))", at: start)
                }
            }
            let word = peekWord()
            guard !word.isEmpty else { throw error("Expected a value but found '\(peekToken())'") }
            pos += word.utf8.count
            switch word.lowercased() {
            case "true": return .bool(true)
            case "false": return .bool(false)
            case "null": return .null
            default: break
            }
            if let v = try? JSONParser.parse(Array(word.utf8)), v.numberValue != nil { return v }
            throw error(
                "'\(word)' is not a valid value; strings must be in double quotes, other values are true, false, null or a number",
                at: start
            )
        }
    }
}
