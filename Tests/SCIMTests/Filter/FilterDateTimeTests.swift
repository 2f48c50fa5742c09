import Testing

@testable import SCIM

/// dateTime values in filters: RFC 7643 §2.3.5 (xsd:dateTime), compared chronologically
/// (RFC 7644 §3.4.2.2, Table 3) through `SCIMDateTime`.
@Suite("Filter: dateTime values")
struct FilterDateTimeTests {
    typealias F = FilterFixtures

    @Test(
        "the same instant in any spelling",
        arguments: [
            "2011-05-13T04:42:34Z", "2011-05-13T04:42:34z", "2011-05-13t04:42:34Z", "2011-05-13T04:42:34+00:00",
            "2011-05-13T04:42:34-00:00", "2011-05-13T06:42:34+02:00", "2011-05-12T23:12:34-05:30",
            "2011-05-13T04:42:34.000Z", "2011-05-13T04:42:34.0000000000Z", "2011-05-13T04:42:34",
            "2011-05-13T18:42:34+14:00", "2011-05-12T14:42:34-14:00",
        ]
    )
    func sameInstant(_ text: String) throws {
        #expect(SCIMDateTime(text) == SCIMDateTime("2011-05-13T04:42:34Z"))
        #expect(try F.matches(#"meta.lastModified eq "\#(text)""#, F.fullUser))
    }

    @Test(
        "invalid dateTimes are refused in filters",
        arguments: [
            "2011-05-13", "2011-05-13T04:42Z", "2011-02-29T00:00:00Z", "2011-04-31T00:00:00Z", "2011-13-01T00:00:00Z",
            "2011-05-13T25:00:00Z", "2011-05-13T24:00:01Z", "2011-05-13T04:60:00Z", "2011-05-13T04:42:34.Z",
            "2011-05-13T04:42:34+2:00", "2011-05-13T04:42:34+02", "2011-05-13 04:42:34Z", "11-05-13T04:42:34Z",
            "2011-05-13T04:42:34Zjunk", "", "yesterday", "1305261754",
        ]
    )
    func invalid(_ text: String) throws {
        #expect(SCIMDateTime(text) == nil)
        #expect(F.error(#"meta.lastModified gt "\#(text)""#)?.scimType == .invalidFilter)
    }

    @Test(
        "calendar edge cases",
        arguments: [
            ("2012-02-29T00:00:00Z", "2012-03-01T00:00:00Z", true),  // leap year
            ("2000-02-29T00:00:00Z", "2000-03-01T00:00:00Z", true),  // divisible by 400
            ("2011-12-31T23:59:59Z", "2012-01-01T00:00:00Z", true),
            ("2011-05-13T24:00:00Z", "2011-05-14T00:00:00Z", false),  // end of day equals the next midnight
            ("1969-12-31T23:59:59.5Z", "1970-01-01T00:00:00Z", true),  // before the epoch
            ("2011-05-13T04:42:34.0001Z", "2011-05-13T04:42:34.001Z", true),
            ("2011-05-13T04:42:34.123456789Z", "2011-05-13T04:42:34.1234567891Z", false),  // beyond nanoseconds
        ]
    )
    func ordering(_ earlier: String, _ later: String, _ strictlyBefore: Bool) throws {
        let a = try #require(SCIMDateTime(earlier))
        let b = try #require(SCIMDateTime(later))
        #expect((a < b) == strictlyBefore)
        #expect((a == b) == !strictlyBefore)
        let u = F.user(["meta": ["lastModified": .string(earlier)]])
        #expect(try F.matches(#"meta.lastModified lt "\#(later)""#, u) == strictlyBefore)
        #expect(try F.matches(#"meta.lastModified le "\#(later)""#, u))
    }

    @Test("a window query: created in 2010, modified after")
    func window() throws {
        let f =
            #"meta.created ge "2010-01-01T00:00:00Z" and meta.created lt "2011-01-01T00:00:00+00:00" and meta.lastModified gt "2010-01-23T04:56:22Z""#
        #expect(try F.matches(f, F.fullUser))
        #expect(
            try F.matches(
                f,
                F.user(["meta": ["created": "2011-01-01T00:00:00Z", "lastModified": "2012-01-01T00:00:00Z"]])
            ) == false
        )
        #expect(try F.matches(f, F.tourGuides, schema: F.groupSchema))
    }

    @Test("formats back to UTC")
    func iso8601() throws {
        #expect(SCIMDateTime("2011-05-13T06:42:34+02:00")?.iso8601 == "2011-05-13T04:42:34Z")
        #expect(SCIMDateTime("1969-12-31T23:59:59.5Z")?.iso8601 == "1969-12-31T23:59:59.500Z")
        #expect(SCIMDateTime("1970-01-01T00:00:00Z")?.iso8601 == "1970-01-01T00:00:00Z")
        #expect(SCIMDateTime("0001-01-01T00:00:00.005Z")?.iso8601 == "0001-01-01T00:00:00.005Z")
        #expect(SCIMDateTime("9999-12-31T23:59:59.999Z")?.iso8601 == "9999-12-31T23:59:59.999Z")
        #expect(SCIMDateTime("2024-02-29T10:09:08.010-00:30")?.iso8601 == "2024-02-29T10:39:08.010Z")
    }
}
