import SCIM

/// The grammar of an `AttributeTemplate`, by hand (it is ours, like the filter grammar):
///
///     template   = *( text / "{{" / "}}" / "{" expression "}" )
///     expression = source *( "??" source ) *( "|" function )
///     source     = attribute-path / quoted-string
///     function   = name [ "(" argument *( "," argument ) ")" ]
///     argument   = quoted-string / integer
struct TemplateParser {
    let text: String
    let schema: ResourceSchema
    let chars: [Character]
    var i = 0

    init(text: String, schema: ResourceSchema) {
        self.text = text
        self.schema = schema
        self.chars = Array(text)
    }

    mutating func parseTemplate() throws(TemplateError) -> [AttributeTemplate.Part] {
        var parts: [AttributeTemplate.Part] = []
        var literal = ""
        while i < chars.count {
            let c = chars[i]
            if c == "{", peek(1) == "{" {
                literal.append("{")
                i += 2
            } else if c == "}", peek(1) == "}" {
                literal.append("}")
                i += 2
            } else if c == "}" {
                throw TemplateError("a '}' at character \(i + 1) closes nothing; write '}}' for a literal brace")
            } else if c == "{" {
                if !literal.isEmpty { parts.append(.text(literal)) }
                literal = ""
                i += 1
                parts.append(.expression(try expression()))
            } else {
                literal.append(c)
                i += 1
            }
        }
        if !literal.isEmpty { parts.append(.text(literal)) }
        guard parts.contains(where: { if case .expression = $0 { true } else { false } }) else {
            throw TemplateError("names no attribute; write one in braces, such as {userName}")
        }
        return parts
    }

    private func peek(_ offset: Int) -> Character? {
        i + offset < chars.count ? chars[i + offset] : nil
    }

    private mutating func skipSpaces() {
        while i < chars.count, chars[i] == " " { i += 1 }
    }

    private mutating func expression() throws(TemplateError) -> AttributeTemplate.Expression {
        var sources = [try source()]
        skipSpaces()
        while peek(0) == "?", peek(1) == "?" {
            i += 2
            sources.append(try source())
            skipSpaces()
        }
        var functions: [AttributeTemplate.Function] = []
        while peek(0) == "|" {
            i += 1
            functions.append(try function())
            skipSpaces()
        }
        guard peek(0) == "}" else {
            let found = peek(0).map { "'\($0)'" } ?? "the end"
            throw TemplateError("expected '??', '|' or '}' at character \(i + 1), found \(found)")
        }
        i += 1
        return .init(sources: sources, functions: functions)
    }

    private mutating func source() throws(TemplateError) -> AttributeTemplate.Source {
        skipSpaces()
        if peek(0) == "\"" { return .literal(try quoted()) }
        let start = i
        var depth = 0
        var inString = false
        while i < chars.count {
            let c = chars[i]
            if inString {
                if c == "\\" { i += 1 } else if c == "\"" { inString = false }
            } else if c == "\"" {
                inString = true
            } else if c == "[" {
                depth += 1
            } else if c == "]" {
                depth -= 1
            } else if depth == 0, c == " " || c == "|" || c == "}" || c == "?" {
                break
            }
            i += 1
        }
        let path = String(chars[start..<i])
        guard !path.isEmpty else {
            throw TemplateError("expected an attribute path or a quoted text at character \(start + 1)")
        }
        return .attribute(try AttributeReader(path, over: schema))
    }

    private mutating func quoted() throws(TemplateError) -> String {
        let start = i
        i += 1
        var out = ""
        while i < chars.count {
            let c = chars[i]
            if c == "\\", let next = peek(1) {
                out.append(next)
                i += 2
                continue
            }
            if c == "\"" {
                i += 1
                return out
            }
            out.append(c)
            i += 1
        }
        throw TemplateError("the text opened by '\"' at character \(start + 1) is never closed")
    }

    private mutating func function() throws(TemplateError) -> AttributeTemplate.Function {
        skipSpaces()
        let start = i
        while i < chars.count, chars[i].isLetter { i += 1 }
        let name = String(chars[start..<i])
        var arguments: [String] = []
        skipSpaces()
        if peek(0) == "(" {
            i += 1
            while true {
                skipSpaces()
                if peek(0) == "\"" {
                    arguments.append(try quoted())
                } else {
                    let numberStart = i
                    while i < chars.count, chars[i].isNumber { i += 1 }
                    guard i > numberStart else {
                        throw TemplateError("\(name)(…) takes quoted texts or numbers; see character \(i + 1)")
                    }
                    arguments.append(String(chars[numberStart..<i]))
                }
                skipSpaces()
                if peek(0) == "," {
                    i += 1
                    continue
                }
                guard peek(0) == ")" else { throw TemplateError("\(name)( is not closed by ')'") }
                i += 1
                break
            }
        }
        func count(_ n: Int, _ usage: String) throws(TemplateError) {
            guard arguments.count == n else { throw TemplateError("\(name) is written \(usage)") }
        }
        switch name {
        case "lower":
            try count(0, "lower")
            return .lower
        case "upper":
            try count(0, "upper")
            return .upper
        case "trim":
            try count(0, "trim")
            return .trim
        case "localPart":
            try count(0, "localPart")
            return .localPart
        case "domain":
            try count(0, "domain")
            return .domain
        case "replace":
            try count(2, #"replace("from", "to")"#)
            return .replace(arguments[0], arguments[1])
        case "truncate":
            try count(1, "truncate(N)")
            guard let n = Int(arguments[0]), n > 0 else {
                throw TemplateError("truncate(N) takes a count of characters above 0")
            }
            return .truncate(n)
        case "default":
            try count(1, #"default("text")"#)
            return .default(arguments[0])
        default:
            throw TemplateError(
                "unknown function '\(name)'; the functions are lower, upper, trim, localPart, domain, replace(\"from\", \"to\"), truncate(N) and default(\"text\")"
            )
        }
    }
}
