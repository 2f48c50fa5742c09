internal import SCIM

/// The part of SOQL the emulator understands, enough for a connector's lookups:
/// `SELECT f1, f2 FROM Object [WHERE f = 'x' [AND g != true …]] [ORDER BY f [ASC|DESC]] [LIMIT n]`.
/// String literals take `\'` and `\\` escapes; keywords and field names ignore case. Anything else
/// is `MALFORMED_QUERY`, as a real org would answer a query it cannot parse.
struct SOQLQuery: Sendable, Hashable {
    struct Condition: Sendable, Hashable {
        var field: String
        var negated: Bool
        var value: JSONValue
    }

    var fields: [String]
    var object: String
    var conditions: [Condition]
    var orderBy: (field: String, descending: Bool)?
    var limit: Int?

    static func == (a: SOQLQuery, b: SOQLQuery) -> Bool {
        a.fields == b.fields && a.object == b.object && a.conditions == b.conditions && a.limit == b.limit
            && a.orderBy?.field == b.orderBy?.field && a.orderBy?.descending == b.orderBy?.descending
    }

    func hash(into h: inout Hasher) {
        h.combine(fields)
        h.combine(object)
        h.combine(conditions)
    }

    enum Token: Equatable {
        case word(String)
        case string(String)
        case comma, equals, notEquals
    }

    static func parse(_ text: String) throws(SalesforceError) -> SOQLQuery {
        var tokens = try tokenize(text)[...]
        func keyword(_ k: String) -> Bool {
            if case .word(let w) = tokens.first, w.uppercased() == k {
                tokens.removeFirst()
                return true
            }
            return false
        }
        func word(_ what: String) throws(SalesforceError) -> String {
            guard case .word(let w) = tokens.first else {
                throw .malformedQuery("unexpected token: expected \(what) in: \(text)")
            }
            tokens.removeFirst()
            return w
        }
        guard keyword("SELECT") else { throw .malformedQuery("A query must start with SELECT: \(text)") }
        var fields = [try word("a field")]
        while tokens.first == .comma {
            tokens.removeFirst()
            fields.append(try word("a field"))
        }
        guard keyword("FROM") else { throw .malformedQuery("unexpected token: expected FROM in: \(text)") }
        let object = try word("an object")
        var conditions: [Condition] = []
        if keyword("WHERE") {
            repeat {
                let field = try word("a field")
                let negated: Bool
                switch tokens.first {
                case .equals: negated = false
                case .notEquals: negated = true
                default: throw .malformedQuery("unexpected token after \(field): only = and != are understood")
                }
                tokens.removeFirst()
                let value: JSONValue
                switch tokens.first {
                case .string(let s): value = .string(s)
                case .word(let w) where ["TRUE", "FALSE"].contains(w.uppercased()):
                    value = .bool(w.uppercased() == "TRUE")
                case .word(let w) where w.uppercased() == "NULL": value = .null
                default: throw .malformedQuery("unexpected token: expected a literal after \(field)")
                }
                tokens.removeFirst()
                conditions.append(Condition(field: field, negated: negated, value: value))
            } while keyword("AND")
        }
        var orderBy: (String, Bool)?
        if keyword("ORDER") {
            guard keyword("BY") else { throw .malformedQuery("unexpected token: expected BY after ORDER") }
            let field = try word("a field")
            let descending = keyword("DESC")
            if !descending { _ = keyword("ASC") }
            orderBy = (field, descending)
        }
        var limit: Int?
        if keyword("LIMIT") {
            guard let n = Int(try word("a number")), n >= 0 else {
                throw .malformedQuery("LIMIT needs a non-negative number")
            }
            limit = n
        }
        guard tokens.isEmpty else { throw .malformedQuery("unexpected token: \(tokens.first!) in: \(text)") }
        return SOQLQuery(fields: fields, object: object, conditions: conditions, orderBy: orderBy, limit: limit)
    }

    static func tokenize(_ text: String) throws(SalesforceError) -> [Token] {
        var tokens: [Token] = []
        var chars = Array(text)[...]
        while let c = chars.first {
            if c.isWhitespace {
                chars.removeFirst()
            } else if c == "," {
                tokens.append(.comma)
                chars.removeFirst()
            } else if c == "=" {
                tokens.append(.equals)
                chars.removeFirst()
            } else if c == "!" && chars.dropFirst().first == "=" {
                tokens.append(.notEquals)
                chars.removeFirst(2)
            } else if c == "'" {
                chars.removeFirst()
                var s = ""
                var closed = false
                while let d = chars.popFirst() {
                    if d == "\\" {
                        guard let e = chars.popFirst() else { break }
                        switch e {
                        case "n": s.append("\n")
                        case "t": s.append("\t")
                        case "'", "\\", "\"": s.append(e)
                        default: throw .malformedQuery("invalid escape sequence \\\(e) in a string literal")
                        }
                    } else if d == "'" {
                        closed = true
                        break
                    } else {
                        s.append(d)
                    }
                }
                guard closed else { throw .malformedQuery("unterminated string literal in: \(text)") }
                tokens.append(.string(s))
            } else if c.isLetter || c.isNumber || c == "_" || c == "." {
                var w = ""
                while let d = chars.first, d.isLetter || d.isNumber || d == "_" || d == "." {
                    w.append(d)
                    chars.removeFirst()
                }
                tokens.append(.word(w))
            } else {
                throw .malformedQuery("unexpected character '\(c)' in: \(text)")
            }
        }
        return tokens
    }
}
