import Testing

@testable import SCIM

@Suite("Paging (RFC 7644 §3.4.2.4, RFC 9865)")
struct PaginationTests {
    @Test("§3.4.2.4 example: startIndex=1&count=10, then 11")
    func rfcExample() throws {
        let first = try IndexPage.parse(startIndex: "1", count: "10", defaultPageSize: 100, maxPageSize: 1000)
        #expect(first == IndexPage(startIndex: 1, count: 10))
        #expect(first.range(total: 100) == 0..<10)
        let next = try IndexPage.parse(startIndex: "11", count: "10", defaultPageSize: 100, maxPageSize: 1000)
        #expect(next.range(total: 100) == 10..<20)
        let all = Array(1...100)
        #expect(Array(next.slice(all)) == Array(11...20))
    }

    @Test func outOfRangeValuesAreInterpreted() throws {
        let p = try IndexPage.parse(startIndex: "0", count: "-5", defaultPageSize: 100, maxPageSize: 1000)
        #expect(p.startIndex == 1)
        #expect(p.count == 0)
        #expect(p.range(total: 50) == 0..<0)
        let q = try IndexPage.parse(startIndex: "-3", count: nil, defaultPageSize: 25, maxPageSize: 1000)
        #expect(q == IndexPage(startIndex: 1, count: 25))
    }

    @Test func countIsClampedToMaxPageSize() throws {
        let p = try IndexPage.parse(startIndex: nil, count: "5000", defaultPageSize: 100, maxPageSize: 200)
        #expect(p.count == 200)
        let huge = try IndexPage.parse(
            startIndex: "99999999999999999999999",
            count: "99999999999999999999",
            defaultPageSize: 1,
            maxPageSize: 200
        )
        #expect(huge.count == 200)
        #expect(huge.startIndex == Int.max)
        #expect(huge.range(total: 10) == 10..<10)
    }

    @Test func pageBeyondTheEndIsEmptyAndLastPageIsShort() throws {
        let p = IndexPage(startIndex: 95, count: 10)
        #expect(p.range(total: 100) == 94..<100)
        #expect(IndexPage(startIndex: 101, count: 10).range(total: 100) == 100..<100)
    }

    @Test("non-numeric values are 400 invalidValue", arguments: ["abc", "1.5", "", "1e3", "--1", "0x10"])
    func nonNumeric(_ text: String) {
        for (s, c) in [(text, "1"), ("1", text)] {
            do {
                _ = try IndexPage.parse(startIndex: s, count: c, defaultPageSize: 10, maxPageSize: 10)
                Issue.record("expected an error for \(text)")
            } catch {
                #expect(error.status == 400)
                #expect(error.scimType == .invalidValue)
            }
        }
    }

    // MARK: Cursor paging (RFC 9865)

    @Test func emptyCursorIsTheFirstPage() throws {
        let p = try CursorPage.parse(cursor: "", count: "10", defaultPageSize: 100, maxPageSize: 250)
        #expect(p.isFirstPage)
        #expect(p.count == 10)
        let next = try CursorPage.parse(cursor: "VZUTiyhEQJ94IR", count: "10", defaultPageSize: 100, maxPageSize: 250)
        #expect(next.cursor == "VZUTiyhEQJ94IR")
        #expect(!next.isFirstPage)
    }

    @Test("cursors outside the unreserved set are invalidCursor", arguments: ["a b", "a/b", "a+b", "%41", "é"])
    func invalidCursor(_ cursor: String) {
        do {
            _ = try CursorPage.parse(cursor: cursor, count: nil, defaultPageSize: 100, maxPageSize: 250)
            Issue.record("expected an error")
        } catch {
            #expect(error.status == 400)
            #expect(error.scimType == .invalidCursor)
            #expect(error.json["scimType"] == "invalidCursor")
        }
    }

    @Test func nonNumericCursorCountIsInvalidCount() {
        do {
            _ = try CursorPage.parse(cursor: "", count: "ten", defaultPageSize: 100, maxPageSize: 250)
            Issue.record("expected an error")
        } catch {
            #expect(error.status == 400)
            #expect(error.scimType == .invalidCount)
        }
    }

    @Test func paginationErrorsRenderTheirScimType() {
        #expect(SCIMError.expiredCursor().json["scimType"] == "expiredCursor")
        #expect(SCIMError.expiredCursor().status == 400)
        #expect(SCIMError.invalidCount("x").json["scimType"] == "invalidCount")
    }

    @Test func methodSelection() throws {
        let both = PaginationConfiguration(
            cursor: true,
            index: true,
            defaultPaginationMethod: .cursor,
            defaultPageSize: 100,
            maxPageSize: 250
        )
        #expect(
            try PaginationRequest.parse(startIndex: nil, cursor: nil, count: nil, configuration: both)
                == .cursor(CursorPage(cursor: nil, count: 100))
        )
        #expect(
            try PaginationRequest.parse(startIndex: "3", cursor: nil, count: "999", configuration: both)
                == .index(IndexPage(startIndex: 3, count: 250))
        )
        #expect(
            try PaginationRequest.parse(startIndex: nil, cursor: "abc", count: "5", configuration: both)
                == .cursor(CursorPage(cursor: "abc", count: 5))
        )
        #expect(throws: SCIMError.self) {
            try PaginationRequest.parse(startIndex: "1", cursor: "", count: nil, configuration: both)
        }

        // Index only: a cursor parameter is not recognised and so ignored.
        let indexOnly = PaginationConfiguration(cursor: false, index: true)
        #expect(
            try PaginationRequest.parse(
                startIndex: nil,
                cursor: "abc",
                count: "5",
                configuration: indexOnly,
                fallbackPageSize: 50
            )
                == .index(IndexPage(startIndex: 1, count: 5))
        )
        #expect(
            try PaginationRequest.parse(
                startIndex: nil,
                cursor: nil,
                count: nil,
                configuration: indexOnly,
                fallbackPageSize: 50
            )
            .count == 50
        )
        // Without a configured default, index is preferred when supported (RFC 9865 §2.4).
        #expect(PaginationConfiguration(cursor: true, index: true).effectiveDefaultMethod == .index)
        #expect(PaginationConfiguration(cursor: true, index: false).effectiveDefaultMethod == .cursor)
    }

    @Test("RFC 9865 §4 ServiceProviderConfig pagination example round-trips")
    func configurationJSON() throws {
        let text = """
            {
               "cursor": true,
               "index": true,
               "defaultPaginationMethod": "cursor",
               "defaultPageSize": 100,
               "maxPageSize": 250,
               "cursorTimeout": 3600
            }
            """
        let config = try PaginationConfiguration(json: try JSONParser.parse(text))
        #expect(
            config
                == PaginationConfiguration(
                    cursor: true,
                    index: true,
                    defaultPaginationMethod: .cursor,
                    defaultPageSize: 100,
                    maxPageSize: 250,
                    cursorTimeout: 3600
                )
        )
        #expect(config.json == (try JSONParser.parse(text)))
        #expect(
            PaginationConfiguration(cursor: false, index: true).json.serialized() == #"{"cursor":false,"index":true}"#
        )
    }

    @Test(
        "invalid pagination configurations are refused",
        arguments: [
            #"{"index": true}"#, #"{"cursor": true, "index": "yes"}"#,
            #"{"cursor": true, "index": true, "maxPageSize": 0}"#,
            #"{"cursor": true, "index": true, "defaultPaginationMethod": "offset"}"#, #"[]"#,
        ]
    )
    func invalidConfiguration(_ text: String) throws {
        let json = try JSONParser.parse(text)
        #expect(throws: SCIMError.self) { try PaginationConfiguration(json: json) }
    }
}
