import Testing

@testable import SCIM

@Suite("Sorting (RFC 7644 §3.4.2.3)")
struct SortSpecificationTests {
    let user = QueryFixtures.user

    func spec(_ sortBy: String, _ order: String? = nil) throws -> SortSpecification {
        try #require(try SortSpecification.parse(sortBy: sortBy, sortOrder: order, schema: user))
    }

    func ids(_ resources: [JSONObject]) -> [String] { resources.map { $0["id"]?.stringValue ?? "?" } }

    func users(_ texts: [String]) throws -> [JSONObject] { try texts.map(QueryFixtures.object) }

    @Test func noSortByMeansNoSort() throws {
        #expect(try SortSpecification.parse(sortBy: nil, sortOrder: "descending", schema: user) == nil)
        #expect(try SortSpecification.parse(sortBy: "", sortOrder: nil, schema: user) == nil)
    }

    @Test func sortOrderDefaultsToAscendingAndIsCaseInsensitive() throws {
        #expect(try spec("userName").order == .ascending)
        #expect(try spec("userName", "DESCENDING").order == .descending)
        #expect(try spec("userName", "Ascending").order == .ascending)
    }

    @Test("invalid sortOrder is 400 invalidValue", arguments: ["up", "asc", "desc", "1"])
    func invalidSortOrder(_ order: String) {
        do {
            _ = try SortSpecification.parse(sortBy: "userName", sortOrder: order, schema: user)
            Issue.record("expected an error")
        } catch {
            #expect(error.status == 400)
            #expect(error.scimType == .invalidValue)
            #expect(error.detail.contains(order))
        }
    }

    @Test("unusable sortBy is 400 invalidValue", arguments: ["nope", "name", "urn:x:y:User:z", "emails.nope"])
    func invalidSortBy(_ sortBy: String) {
        do {
            _ = try SortSpecification.parse(sortBy: sortBy, sortOrder: nil, schema: user)
            Issue.record("expected an error for \(sortBy)")
        } catch {
            #expect(error.status == 400)
            #expect(error.scimType == .invalidValue)
        }
    }

    @Test func caseInsensitiveStringsFoldCase() throws {
        let list = try users([
            #"{"id":"1","userName":"bob"}"#, #"{"id":"2","userName":"Alice"}"#, #"{"id":"3","userName":"carol"}"#,
            #"{"id":"4","userName":"ALBERT"}"#,
        ])
        #expect(ids(try spec("userName").sorted(list)) == ["4", "2", "1", "3"])
        #expect(ids(try spec("userName", "descending").sorted(list)) == ["3", "1", "2", "4"])
    }

    @Test func caseExactStringsKeepCase() throws {
        // `id` and `externalId` are caseExact: uppercase letters sort before lowercase ones.
        let list = try users([#"{"id":"b"}"#, #"{"id":"B"}"#, #"{"id":"a"}"#, #"{"id":"A"}"#])
        #expect(ids(try spec("id").sorted(list)) == ["A", "B", "a", "b"])
    }

    @Test func dateTimesSortChronologically() throws {
        // Lexical order would put the +02:00 one last; chronologically it is first.
        let list = try users([
            #"{"id":"1","meta":{"created":"2020-01-01T10:00:00Z"}}"#,
            #"{"id":"2","meta":{"created":"2020-01-01T11:00:00+02:00"}}"#,
            #"{"id":"3","meta":{"created":"2020-01-01T09:30:00.5Z"}}"#,
        ])
        #expect(ids(try spec("meta.created").sorted(list)) == ["2", "3", "1"])
    }

    @Test func numbersSortNumerically() throws {
        let ext = Schema(
            id: "urn:example:params:scim:schemas:extension:acme:2.0:User",
            name: "Acme",
            attributes: [AttributeDefinition(name: "level", type: .integer)]
        )
        var registry = SchemaRegistry.standard
        try registry.addExtension(ext, to: "User")
        let schema = registry.resourceSchema(for: "User")!
        let list = try users([
            #"{"id":"1","urn:example:params:scim:schemas:extension:acme:2.0:User":{"level":10}}"#,
            #"{"id":"2","urn:example:params:scim:schemas:extension:acme:2.0:User":{"level":9}}"#,
            #"{"id":"3","urn:example:params:scim:schemas:extension:acme:2.0:User":{"level":100}}"#,
        ])
        let s = try #require(try SortSpecification.parse(sortBy: "level", sortOrder: nil, schema: schema))
        #expect(ids(s.sorted(list)) == ["2", "1", "3"])
    }

    @Test func missingValuesLastAscendingFirstDescending() throws {
        let list = try users([
            #"{"id":"1","displayName":"b"}"#, #"{"id":"2"}"#, #"{"id":"3","displayName":"a"}"#,
            #"{"id":"4","displayName":null}"#,
        ])
        #expect(ids(try spec("displayName").sorted(list)) == ["3", "1", "2", "4"])
        #expect(ids(try spec("displayName", "descending").sorted(list)) == ["2", "4", "1", "3"])
    }

    @Test func multiValuedSortsByPrimaryElseFirst() throws {
        let list = try users([
            // primary is "z...", although "a..." comes first
            #"{"id":"1","emails":[{"value":"a@x.org"},{"value":"z@x.org","primary":true}]}"#,
            // no primary: the first value
            #"{"id":"2","emails":[{"value":"m@x.org"},{"value":"b@x.org"}]}"#,
            #"{"id":"3","emails":[]}"#,
        ])
        #expect(ids(try spec("emails.value").sorted(list)) == ["2", "1", "3"])
        // `emails` alone sorts through the value sub-attribute.
        #expect(ids(try spec("emails").sorted(list)) == ["2", "1", "3"])
    }

    @Test func equalKeysKeepInputOrder() throws {
        let list = try users([
            #"{"id":"1","displayName":"same"}"#, #"{"id":"2","displayName":"SAME"}"#,
            #"{"id":"3","displayName":"Same"}"#,
        ])
        #expect(ids(try spec("displayName").sorted(list)) == ["1", "2", "3"])
        #expect(ids(try spec("displayName", "descending").sorted(list)) == ["1", "2", "3"])
    }

    @Test func comparatorAgreesWithSorted() throws {
        let a = try QueryFixtures.object(#"{"userName":"a"}"#)
        let b = try QueryFixtures.object(#"{"userName":"B"}"#)
        let none = try QueryFixtures.object(#"{}"#)
        let asc = try spec("userName")
        #expect(asc.areInIncreasingOrder(a, b))
        #expect(!asc.areInIncreasingOrder(b, a))
        #expect(asc.areInIncreasingOrder(b, none))
        let desc = try spec("userName", "descending")
        #expect(desc.areInIncreasingOrder(b, a))
        #expect(desc.areInIncreasingOrder(none, a))
    }

    @Test func extensionAttributeSort() throws {
        let list = try users([
            #"{"id":"1","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"employeeNumber":"20"}}"#,
            #"{"id":"2","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"employeeNumber":"10"}}"#,
        ])
        let s = try spec("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber")
        #expect(ids(s.sorted(list)) == ["2", "1"])
    }
}
