public import SCIM

/// An OData `$filter` expression of the forms research/targets.md §F lists for users and groups:
/// `p eq|ne|ge|le|gt|lt literal`, `p eq null`, `p in ('a', 'b')`, `startsWith(p, 'x')`,
/// `endsWith(p, 'x')`, `c/any(x:x eq 'v')`, `not(…)`, `and`, `or`, parentheses. String literals use
/// `''` for a quote. Text compares without regard to case, as directory queries do. Pure.
public indirect enum MSGraphFilter: Sendable, Hashable {
    /// A comparison operator of OData.
    public enum Operator: String, Sendable, Hashable {
        case eq, ne, ge, le, gt, lt
    }

    case compare(String, Operator, JSONValue)
    case isIn(String, [JSONValue])
    case startsWith(String, String)
    case endsWith(String, String)
    /// `property/any(x: x op value)` on a collection.
    case any(String, Operator, JSONValue)
    case not(MSGraphFilter)
    case and(MSGraphFilter, MSGraphFilter)
    case or(MSGraphFilter, MSGraphFilter)

    /// A `$filter` that could not be read: the message of Graph's 400.
    public struct SyntaxError: Error, Sendable, Hashable {
        public var message: String
    }

    public static func parse(_ text: String) throws(SyntaxError) -> MSGraphFilter {
        var parser = Parser(tokens: try tokenize(text), text: text)
        let filter = try parser.expression()
        guard parser.position == parser.tokens.count else {
            throw SyntaxError(
                message: "Invalid filter clause: unexpected '\(parser.tokens[parser.position])' in '\(text)'."
            )
        }
        return filter
    }

    /// The first operator that Graph serves only as an advanced query (`ConsistencyLevel: eventual`
    /// and `$count=true`): `ne`, `not`, `endsWith`; nil when there is none.
    public var advancedOperator: String? {
        switch self {
        case .compare(_, .ne, _), .any(_, .ne, _): "ne"
        case .not: "not"
        case .endsWith: "endsWith"
        case .and(let a, let b), .or(let a, let b): a.advancedOperator ?? b.advancedOperator
        default: nil
        }
    }

    /// Every property the expression reads.
    public var properties: [String] {
        switch self {
        case .compare(let p, _, _), .isIn(let p, _), .startsWith(let p, _), .endsWith(let p, _), .any(let p, _, _):
            [p]
        case .not(let f): f.properties
        case .and(let a, let b), .or(let a, let b): a.properties + b.properties
        }
    }

    /// Whether an object satisfies the expression.
    public func matches(_ object: JSONObject) -> Bool {
        switch self {
        case .compare(let p, let op, let v): Self.compare(object[p] ?? .null, op, v)
        case .isIn(let p, let values): values.contains { Self.compare(object[p] ?? .null, .eq, $0) }
        case .startsWith(let p, let prefix):
            object[p]?.stringValue?.lowercased().hasPrefix(prefix.lowercased()) ?? false
        case .endsWith(let p, let suffix): object[p]?.stringValue?.lowercased().hasSuffix(suffix.lowercased()) ?? false
        case .any(let p, let op, let v): (object[p]?.arrayValue ?? []).contains { Self.compare($0, op, v) }
        case .not(let f): !f.matches(object)
        case .and(let a, let b): a.matches(object) && b.matches(object)
        case .or(let a, let b): a.matches(object) || b.matches(object)
        }
    }

    static func compare(_ actual: JSONValue, _ op: Operator, _ expected: JSONValue) -> Bool {
        let order: Int?
        switch (actual, expected) {
        case (.string(let a), .string(let b)):
            let (x, y) = (a.lowercased(), b.lowercased())
            order = x == y ? 0 : (x < y ? -1 : 1)
        case (.bool(let a), .bool(let b)): order = a == b ? 0 : nil
        case (_, _) where actual.numberValue != nil && expected.numberValue != nil:
            let (x, y) = (actual.numberValue!, expected.numberValue!)
            order = x == y ? 0 : (x < y ? -1 : 1)
        case (.null, .null): order = 0
        default: order = nil
        }
        switch op {
        case .eq: return order == 0
        case .ne: return order != 0
        case .ge: return order.map { $0 >= 0 } ?? false
        case .le: return order.map { $0 <= 0 } ?? false
        case .gt: return order.map { $0 > 0 } ?? false
        case .lt: return order.map { $0 < 0 } ?? false
        }
    }

    // MARK: - Reading

    enum Token: Hashable, CustomStringConvertible {
        case word(String)
        case string(String)
        case open, close, comma

        var description: String {
            switch self {
            case .word(let w): w
            case .string(let s): "'\(s)'"
            case .open: "("
            case .close: ")"
            case .comma: ","
            }
        }
    }

    static func tokenize(_ text: String) throws(SyntaxError) -> [Token] {
        var tokens: [Token] = []
        let chars = Array(text)
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c == " " || c == "\t" {
                i += 1
            } else if c == "(" {
                tokens.append(.open)
                i += 1
            } else if c == ")" {
                tokens.append(.close)
                i += 1
            } else if c == "," {
                tokens.append(.comma)
                i += 1
            } else if c == "'" {
                var s = ""
                i += 1
                var closed = false
                while i < chars.count {
                    if chars[i] == "'" {
                        if i + 1 < chars.count && chars[i + 1] == "'" {
                            s.append("'")
                            i += 2
                            continue
                        }
                        closed = true
                        i += 1
                        break
                    }
                    s.append(chars[i])
                    i += 1
                }
                guard closed else {
                    throw SyntaxError(message: "Invalid filter clause: unterminated string in '\(text)'.")
                }
                tokens.append(.string(s))
            } else {
                var w = ""
                while i < chars.count, !" \t(),'".contains(chars[i]) {
                    w.append(chars[i])
                    i += 1
                }
                tokens.append(.word(w))
            }
        }
        return tokens
    }

    struct Parser {
        let tokens: [Token]
        let text: String
        var position = 0

        init(tokens: [Token], text: String) {
            self.tokens = tokens
            self.text = text
        }

        func error(_ what: String) -> SyntaxError {
            SyntaxError(message: "Invalid filter clause: \(what) in '\(text)'.")
        }

        var peek: Token? { position < tokens.count ? tokens[position] : nil }

        mutating func next() throws(SyntaxError) -> Token {
            guard let t = peek else { throw error("the expression ends too soon") }
            position += 1
            return t
        }

        mutating func expect(_ token: Token) throws(SyntaxError) {
            let t = try next()
            guard t == token else { throw error("expected '\(token)', found '\(t)'") }
        }

        func isKeyword(_ t: Token?, _ keyword: String) -> Bool {
            if case .word(let w) = t { return w.lowercased() == keyword }
            return false
        }

        mutating func expression() throws(SyntaxError) -> MSGraphFilter {
            var left = try conjunction()
            while isKeyword(peek, "or") {
                position += 1
                left = .or(left, try conjunction())
            }
            return left
        }

        mutating func conjunction() throws(SyntaxError) -> MSGraphFilter {
            var left = try unary()
            while isKeyword(peek, "and") {
                position += 1
                left = .and(left, try unary())
            }
            return left
        }

        mutating func unary() throws(SyntaxError) -> MSGraphFilter {
            if isKeyword(peek, "not") {
                position += 1
                return .not(try unary())
            }
            return try primary()
        }

        mutating func primary() throws(SyntaxError) -> MSGraphFilter {
            let t = try next()
            if t == .open {
                let inner = try expression()
                try expect(.close)
                return inner
            }
            guard case .word(let word) = t else { throw error("unexpected '\(t)'") }
            let lowered = word.lowercased()
            if (lowered == "startswith" || lowered == "endswith") && peek == .open {
                position += 1
                let property = try propertyName()
                try expect(.comma)
                guard case .string(let s) = try next() else { throw error("\(word) needs a string") }
                try expect(.close)
                return lowered == "startswith" ? .startsWith(property, s) : .endsWith(property, s)
            }
            if lowered.hasSuffix("/any") && peek == .open {
                position += 1
                // `c:c eq 'x'` arrives as the word `c:c` (or `c:` and `c` when spaced).
                guard case .word(let lambda) = try next(), lambda.contains(":") else {
                    throw error("any() needs a lambda such as x:x eq 'value'")
                }
                let halves = lambda.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
                var subject = String(halves[1])
                if subject.isEmpty, case .word(let w) = try next() { subject = w }
                guard subject == String(halves[0]) else { throw error("the lambda must compare its variable") }
                let op = try comparison()
                let value = try literal()
                try expect(.close)
                return .any(String(word.dropLast(4)), op, value)
            }
            if isKeyword(peek, "in") {
                position += 1
                try expect(.open)
                var values = [try literal()]
                while peek == .comma {
                    position += 1
                    values.append(try literal())
                }
                try expect(.close)
                return .isIn(word, values)
            }
            let op = try comparison()
            return .compare(word, op, try literal())
        }

        mutating func propertyName() throws(SyntaxError) -> String {
            guard case .word(let w) = try next() else { throw error("expected a property name") }
            return w
        }

        mutating func comparison() throws(SyntaxError) -> Operator {
            guard case .word(let w) = try next(), let op = Operator(rawValue: w.lowercased()) else {
                throw error("expected eq, ne, ge, le, gt or lt")
            }
            return op
        }

        mutating func literal() throws(SyntaxError) -> JSONValue {
            switch try next() {
            case .string(let s): return .string(s)
            case .word(let w):
                switch w.lowercased() {
                case "true": return .bool(true)
                case "false": return .bool(false)
                case "null": return .null
                default:
                    if let n = Int64(w) { return .integer(n) }
                    if let d = Double(w) { return .decimal(d) }
                    // A bare GUID literal (`id eq 5e3b…`) as the directory accepts it.
                    if w.count == 36, w.filter({ $0 == "-" }).count == 4 { return .string(w) }
                    throw error("'\(w)' is not a literal")
                }
            case let t: throw error("unexpected '\(t)'")
            }
        }
    }
}
