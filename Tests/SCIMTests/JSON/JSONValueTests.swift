import Testing

@testable import SCIM

@Suite("JSON value (RFC 7643 §2.3)")
struct JSONValueTests {
    @Test(
        "integers and decimals stay apart and round-trip exactly",
        arguments: [
            "1", "1.0", "-0", "0.1", "1.5e300", "-12345678901234", "9223372036854775807", "2.5E-7", "1e2",
        ]
    )
    func numbersRoundTrip(_ text: String) throws {
        let v = try JSONParser.parse(text)
        let again = try JSONParser.parse(v.serialized())
        #expect(v == again)
        if text.contains(".") || text.lowercased().contains("e") {
            #expect(v.integerValue == nil)
        } else {
            #expect(v.integerValue != nil)
        }
    }

    @Test func integerAndDecimalAreDifferentValues() throws {
        #expect(try JSONParser.parse("1") != JSONParser.parse("1.0"))
        #expect(try JSONParser.parse("1").serialized() == "1")
        #expect(try JSONParser.parse("1.0").serialized() == "1.0")
    }

    @Test func stringsWithEscapesRoundTrip() throws {
        let text = #"{"a":"q\"uo\\te \u00e9 \ud83d\ude00 \n\t\u0001 /"}"#
        let v = try JSONParser.parse(text)
        #expect(v["a"]?.stringValue == "q\"uo\\te é 😀 \n\t\u{01} /")
        #expect(try JSONParser.parse(v.serialized()) == v)
    }

    @Test func objectKeysAreCaseInsensitiveAndKeepSpelling() throws {
        let v = try JSONParser.parse(#"{"userName":"a","Active":true}"#)
        #expect(v["USERNAME"]?.stringValue == "a")
        #expect(v["active"]?.boolValue == true)
        #expect(v.objectValue?.keys == ["userName", "Active"])
    }

    @Test func duplicateNamesLastOneWins() throws {
        let v = try JSONParser.parse(#"{"a":1,"A":2}"#)
        #expect(v.objectValue?.count == 1)
        #expect(v["a"] == .integer(2))
    }

    @Test(
        "malformed JSON is refused with an offset",
        arguments: [
            "", "{", "[1,]", "{\"a\" 1}", "01", "1.", "\"\\x\"", "tru", "\"\\ud800\"", "[1] 2", "{\"a\":1,}",
            "\"a\u{01}\"",
        ]
    )
    func malformed(_ text: String) {
        #expect(throws: JSONParser.SyntaxError.self) { try JSONParser.parse(text) }
    }

    @Test func deepNestingIsRefusedNotACrash() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: JSONParser.SyntaxError.self) { try JSONParser.parse(deep) }
    }

    @Test func objectEqualityIgnoresOrder() throws {
        #expect(try JSONParser.parse(#"{"a":1,"b":[true,null]}"#) == JSONParser.parse(#"{"b":[true,null],"a":1}"#))
    }
}
