/// A strict RFC 8259 JSON parser that produces `JSONValue`, keeping integers and decimals apart.
///
/// Foundation's decoders cannot tell `1` from `1.0`; RFC 7643 §2.3.3/§2.3.4 need that.
/// Errors carry the byte offset so that a SCIM `invalidSyntax` detail can point at it.
public struct JSONParser {
    /// Nesting deeper than this is refused rather than risking the stack.
    public static let maximumDepth = 256

    /// A syntax error at a byte offset.
    public struct SyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
        /// Byte offset of the problem in the input.
        public var offset: Int
        /// What is wrong.
        public var reason: String
        public var description: String { "\(reason) at byte \(offset)" }
    }

    /// Parses a complete JSON text.
    public static func parse(_ bytes: some Collection<UInt8>) throws(SyntaxError) -> JSONValue {
        let array = Array(bytes)
        return try array.withUnsafeBufferPointer { (buf) throws(SyntaxError) -> JSONValue in
            var p = Cursor(buf: buf)
            p.skipWhitespace()
            let value = try p.parseValue(depth: 0)
            p.skipWhitespace()
            guard p.pos == buf.count else { throw p.error("unexpected data after the JSON value") }
            return value
        }
    }

    /// Parses a complete JSON text from a string.
    public static func parse(_ text: String) throws(SyntaxError) -> JSONValue {
        try parse(Array(text.utf8))
    }

    private struct Cursor {
        let buf: UnsafeBufferPointer<UInt8>
        var pos = 0

        func error(_ reason: String) -> SyntaxError { SyntaxError(offset: pos, reason: reason) }

        mutating func skipWhitespace() {
            while pos < buf.count {
                switch buf[pos] {
                case 0x20, 0x09, 0x0A, 0x0D: pos += 1
                default: return
                }
            }
        }

        mutating func expectLiteral(_ literal: StaticString, _ value: JSONValue) throws(SyntaxError) -> JSONValue {
            let n = literal.utf8CodeUnitCount
            guard pos + n <= buf.count else { throw error("invalid literal") }
            let lit = literal.utf8Start
            for i in 0..<n where buf[pos + i] != lit[i] { throw error("invalid literal") }
            pos += n
            return value
        }

        mutating func parseValue(depth: Int) throws(SyntaxError) -> JSONValue {
            guard pos < buf.count else { throw error("unexpected end of input") }
            switch buf[pos] {
            case UInt8(ascii: "{"): return try parseObject(depth: depth + 1)
            case UInt8(ascii: "["): return try parseArray(depth: depth + 1)
            case UInt8(ascii: "\""): return .string(try parseString())
            case UInt8(ascii: "t"): return try expectLiteral("true", .bool(true))
            case UInt8(ascii: "f"): return try expectLiteral("false", .bool(false))
            case UInt8(ascii: "n"): return try expectLiteral("null", .null)
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
            default: throw error("unexpected character")
            }
        }

        mutating func parseObject(depth: Int) throws(SyntaxError) -> JSONValue {
            guard depth <= JSONParser.maximumDepth else { throw error("nesting too deep") }
            pos += 1
            var members: [(key: String, value: JSONValue)] = []
            skipWhitespace()
            if pos < buf.count, buf[pos] == UInt8(ascii: "}") {
                pos += 1
                return .object(JSONObject(uniqueMembers: members))
            }
            var seen: Set<String>? = nil
            while true {
                skipWhitespace()
                guard pos < buf.count, buf[pos] == UInt8(ascii: "\"") else { throw error("expected a member name") }
                let key = try parseString()
                skipWhitespace()
                guard pos < buf.count, buf[pos] == UInt8(ascii: ":") else { throw error("expected ':'") }
                pos += 1
                skipWhitespace()
                let value = try parseValue(depth: depth)
                // Duplicate names (case-insensitively, as SCIM reads them): the last one wins.
                if members.count < 16 && seen == nil {
                    if let i = members.firstIndex(where: { caseInsensitiveEquals($0.key, key) }) {
                        members.remove(at: i)
                    }
                } else {
                    if seen == nil { seen = Set(members.map { $0.key.lowercased() }) }
                    if !seen!.insert(key.lowercased()).inserted,
                        let i = members.firstIndex(where: { caseInsensitiveEquals($0.key, key) })
                    {
                        members.remove(at: i)
                    }
                }
                members.append((key, value))
                skipWhitespace()
                guard pos < buf.count else { throw error("unterminated object") }
                if buf[pos] == UInt8(ascii: ",") {
                    pos += 1
                    continue
                }
                if buf[pos] == UInt8(ascii: "}") {
                    pos += 1
                    return .object(JSONObject(uniqueMembers: members))
                }
                throw error("expected ',' or '}'")
            }
        }

        mutating func parseArray(depth: Int) throws(SyntaxError) -> JSONValue {
            guard depth <= JSONParser.maximumDepth else { throw error("nesting too deep") }
            pos += 1
            var elements: [JSONValue] = []
            skipWhitespace()
            if pos < buf.count, buf[pos] == UInt8(ascii: "]") {
                pos += 1
                return .array(elements)
            }
            while true {
                skipWhitespace()
                elements.append(try parseValue(depth: depth))
                skipWhitespace()
                guard pos < buf.count else { throw error("unterminated array") }
                if buf[pos] == UInt8(ascii: ",") {
                    pos += 1
                    continue
                }
                if buf[pos] == UInt8(ascii: "]") {
                    pos += 1
                    return .array(elements)
                }
                throw error("expected ',' or ']'")
            }
        }

        mutating func parseNumber() throws(SyntaxError) -> JSONValue {
            let start = pos
            var isDecimal = false
            if buf[pos] == UInt8(ascii: "-") { pos += 1 }
            guard pos < buf.count, isDigit(buf[pos]) else { throw error("invalid number") }
            if buf[pos] == UInt8(ascii: "0") {
                pos += 1
                if pos < buf.count, isDigit(buf[pos]) { throw error("leading zeros are not allowed") }
            } else {
                while pos < buf.count, isDigit(buf[pos]) { pos += 1 }
            }
            if pos < buf.count, buf[pos] == UInt8(ascii: ".") {
                isDecimal = true
                pos += 1
                guard pos < buf.count, isDigit(buf[pos]) else { throw error("invalid number") }
                while pos < buf.count, isDigit(buf[pos]) { pos += 1 }
            }
            if pos < buf.count, buf[pos] == UInt8(ascii: "e") || buf[pos] == UInt8(ascii: "E") {
                isDecimal = true
                pos += 1
                if pos < buf.count, buf[pos] == UInt8(ascii: "+") || buf[pos] == UInt8(ascii: "-") { pos += 1 }
                guard pos < buf.count, isDigit(buf[pos]) else { throw error("invalid number") }
                while pos < buf.count, isDigit(buf[pos]) { pos += 1 }
            }
            let text = String(decoding: UnsafeBufferPointer(rebasing: buf[start..<pos]), as: UTF8.self)
            if !isDecimal, let i = Int64(text) { return .integer(i) }
            guard let d = Double(text), d.isFinite else {
                pos = start
                throw error("number out of range")
            }
            return .decimal(d)
        }

        @inline(__always) func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }

        mutating func parseString() throws(SyntaxError) -> String {
            pos += 1  // opening quote
            let start = pos
            // Fast path: no escapes.
            while pos < buf.count {
                let c = buf[pos]
                if c == UInt8(ascii: "\"") {
                    let slice = UnsafeBufferPointer(rebasing: buf[start..<pos])
                    pos += 1
                    guard let s = String(validating: slice, as: UTF8.self) else {
                        throw SyntaxError(offset: start, reason: "invalid UTF-8 in string")
                    }
                    return s
                }
                if c == UInt8(ascii: "\\") { break }
                if c < 0x20 { throw error("control character in string") }
                pos += 1
            }
            var bytes = Array(UnsafeBufferPointer(rebasing: buf[start..<pos]))
            while true {
                guard pos < buf.count else { throw error("unterminated string") }
                let c = buf[pos]
                if c == UInt8(ascii: "\"") {
                    pos += 1
                    guard let s = String(validating: bytes, as: UTF8.self) else {
                        throw SyntaxError(offset: start, reason: "invalid UTF-8 in string")
                    }
                    return s
                }
                if c < 0x20 { throw error("control character in string") }
                if c != UInt8(ascii: "\\") {
                    bytes.append(c)
                    pos += 1
                    continue
                }
                pos += 1
                guard pos < buf.count else { throw error("unterminated escape") }
                let e = buf[pos]
                pos += 1
                switch e {
                case UInt8(ascii: "\""): bytes.append(0x22)
                case UInt8(ascii: "\\"): bytes.append(0x5C)
                case UInt8(ascii: "/"): bytes.append(0x2F)
                case UInt8(ascii: "b"): bytes.append(0x08)
                case UInt8(ascii: "f"): bytes.append(0x0C)
                case UInt8(ascii: "n"): bytes.append(0x0A)
                case UInt8(ascii: "r"): bytes.append(0x0D)
                case UInt8(ascii: "t"): bytes.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try parseHex4()
                    if (0xD800...0xDBFF).contains(scalar) {
                        guard pos + 1 < buf.count, buf[pos] == UInt8(ascii: "\\"), buf[pos + 1] == UInt8(ascii: "u")
                        else { throw error("unpaired surrogate") }
                        pos += 2
                        let low = try parseHex4()
                        guard (0xDC00...0xDFFF).contains(low) else { throw error("unpaired surrogate") }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    } else if (0xDC00...0xDFFF).contains(scalar) {
                        throw error("unpaired surrogate")
                    }
                    guard let u = Unicode.Scalar(scalar) else { throw error("invalid escape") }
                    bytes.append(contentsOf: UTF8.encode(u)!)
                default:
                    throw error("invalid escape")
                }
            }
        }

        mutating func parseHex4() throws(SyntaxError) -> UInt32 {
            guard pos + 4 <= buf.count else { throw error("invalid \\u escape") }
            var v: UInt32 = 0
            for _ in 0..<4 {
                let c = buf[pos]
                let d: UInt32
                switch c {
                case 0x30...0x39: d = UInt32(c - 0x30)
                case 0x41...0x46: d = UInt32(c - 0x41 + 10)
                case 0x61...0x66: d = UInt32(c - 0x61 + 10)
                default: throw error("invalid \\u escape")
                }
                v = v << 4 | d
                pos += 1
            }
            return v
        }
    }
}
