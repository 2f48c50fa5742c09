import Testing

@testable import SCIM

private typealias F = SchemaTestFixtures
private typealias S = ValidationTestSupport

@Suite("ResourceValidator: rejections (RFC 7643 §2-§3, RFC 7644 §3.12)")
struct ResourceValidatorErrorTests {
    /// One body that must be refused: the expected `scimType` and a fragment of the detail
    /// that names the offending attribute or URN.
    struct Case: Sendable, CustomTestStringConvertible {
        var label: String
        var resourceType = "User"
        /// Resolve against the registry with the test extension (required or not).
        var testExtension: Bool? = nil
        var body: String
        var scimType: SCIMError.ScimType
        var detailNames: String
        var testDescription: String { label }
    }

    static let core = F.userURN
    static let ent = F.enterpriseURN
    static let test = F.testExtensionURN
    /// `"schemas": [core User], "userName": "u"` – the smallest valid User, to extend.
    static let base = #""schemas": ["\#(core)"], "userName": "u""#

    static let cases: [Case] = [
        // schemas (RFC 7643 §3)
        .init(label: "schemas missing", body: #"{"userName": "u"}"#, scimType: .invalidValue, detailNames: "schemas"),
        .init(
            label: "schemas null",
            body: #"{"schemas": null, "userName": "u"}"#,
            scimType: .invalidValue,
            detailNames: "schemas"
        ),
        .init(
            label: "schemas without the core URN",
            body: #"{"schemas": ["\#(ent)"], "userName": "u"}"#,
            scimType: .invalidValue,
            detailNames: core
        ),
        .init(
            label: "schemas empty",
            body: #"{"schemas": [], "userName": "u"}"#,
            scimType: .invalidValue,
            detailNames: core
        ),
        .init(
            label: "unknown URN in schemas",
            body: #"{"schemas": ["\#(core)", "urn:example:unknown:1.0"], "userName": "u"}"#,
            scimType: .invalidValue,
            detailNames: "urn:example:unknown:1.0"
        ),
        .init(
            label: "Group URN on a User",
            body: #"{"schemas": ["\#(core)", "\#(F.groupURN)"], "userName": "u"}"#,
            scimType: .invalidValue,
            detailNames: F.groupURN
        ),
        .init(
            label: "schemas holding a number",
            body: #"{"schemas": ["\#(core)", 7], "userName": "u"}"#,
            scimType: .invalidValue,
            detailNames: "schemas"
        ),
        .init(
            label: "schemas as an object",
            body: #"{"schemas": {"a": 1}, "userName": "u"}"#,
            scimType: .invalidValue,
            detailNames: "schemas"
        ),

        // unknown names
        .init(
            label: "unknown attribute",
            body: #"{\#(base), "favouriteColour": "blue"}"#,
            scimType: .invalidSyntax,
            detailNames: "favouriteColour"
        ),
        .init(
            label: "unknown sub-attribute",
            body: #"{\#(base), "name": {"givenName": "B", "middle": "J"}}"#,
            scimType: .invalidSyntax,
            detailNames: "middle"
        ),
        .init(
            label: "unknown sub-attribute in a multi-valued element",
            body: #"{\#(base), "emails": [{"value": "a@b.c", "kind": "work"}]}"#,
            scimType: .invalidSyntax,
            detailNames: "kind"
        ),
        .init(
            label: "unknown attribute inside an extension",
            body: #"{\#(base), "\#(ent)": {"badge": "1"}}"#,
            scimType: .invalidSyntax,
            detailNames: "badge"
        ),
        .init(
            label: "unknown extension container",
            body: #"{\#(base), "urn:example:ext:1.0:Thing": {"a": 1}}"#,
            scimType: .invalidSyntax,
            detailNames: "urn:example:ext:1.0:Thing"
        ),
        .init(
            label: "extension attribute without its URN",
            body: #"{\#(base), "employeeNumber": "1"}"#,
            scimType: .invalidSyntax,
            detailNames: "employeeNumber"
        ),
        .init(
            label: "URN-qualified key naming an unknown attribute",
            body: #"{\#(base), "\#(ent):badge": "1"}"#,
            scimType: .invalidSyntax,
            detailNames: "badge"
        ),
        .init(
            label: "extension given as a string",
            body: #"{\#(base), "\#(ent)": "701984"}"#,
            scimType: .invalidSyntax,
            detailNames: ent
        ),
        .init(
            label: "qualified key contradicting the extension object",
            body: #"{\#(base), "\#(ent)": {"costCenter": "1"}, "\#(ent):costCenter": "2"}"#,
            scimType: .invalidSyntax,
            detailNames: "costCenter"
        ),
        .init(
            label: "User attribute on a Group",
            resourceType: "Group",
            body: #"{"schemas": ["\#(F.groupURN)"], "displayName": "g", "userName": "u"}"#,
            scimType: .invalidSyntax,
            detailNames: "userName"
        ),

        // types (RFC 7643 §2.3)
        .init(
            label: "string given a number",
            body: #"{"schemas": ["\#(core)"], "userName": 42}"#,
            scimType: .invalidValue,
            detailNames: "userName"
        ),
        .init(
            label: "boolean given a string",
            body: #"{\#(base), "active": "true"}"#,
            scimType: .invalidValue,
            detailNames: "active"
        ),
        .init(
            label: "sub-attribute boolean given a string",
            body: #"{\#(base), "emails": [{"value": "a@b.c", "primary": "True"}]}"#,
            scimType: .invalidValue,
            detailNames: "emails.primary"
        ),
        .init(
            label: "reference given a number",
            body: #"{\#(base), "profileUrl": 1}"#,
            scimType: .invalidValue,
            detailNames: "profileUrl"
        ),
        .init(
            label: "complex given a string",
            body: #"{\#(base), "name": "Barbara Jensen"}"#,
            scimType: .invalidValue,
            detailNames: "name"
        ),
        .init(
            label: "binary that is not base64",
            body: #"{\#(base), "x509Certificates": [{"value": "not base64!"}]}"#,
            scimType: .invalidValue,
            detailNames: "x509Certificates.value"
        ),
        .init(
            label: "integer given a decimal",
            testExtension: false,
            body: #"{\#(base), "\#(test)": {"count": 1.5}}"#,
            scimType: .invalidValue,
            detailNames: "\(test):count"
        ),
        .init(
            label: "integer given 1.0",
            testExtension: false,
            body: #"{\#(base), "\#(test)": {"count": 1.0}}"#,
            scimType: .invalidValue,
            detailNames: "count"
        ),
        .init(
            label: "integer given a string",
            testExtension: false,
            body: #"{\#(base), "\#(test)": {"count": "1"}}"#,
            scimType: .invalidValue,
            detailNames: "count"
        ),
        .init(
            label: "decimal given a string",
            testExtension: false,
            body: #"{\#(base), "\#(test)": {"score": "2.5"}}"#,
            scimType: .invalidValue,
            detailNames: "score"
        ),
        .init(
            label: "dateTime with month 13",
            testExtension: false,
            body: #"{\#(base), "\#(test)": {"since": "2020-13-01T00:00:00Z"}}"#,
            scimType: .invalidValue,
            detailNames: "since"
        ),
        .init(
            label: "dateTime without a time",
            testExtension: false,
            body: #"{\#(base), "\#(test)": {"since": "2020-01-01"}}"#,
            scimType: .invalidValue,
            detailNames: "since"
        ),
        .init(
            label: "dateTime given a number",
            testExtension: false,
            body: #"{\#(base), "\#(test)": {"since": 1700000000}}"#,
            scimType: .invalidValue,
            detailNames: "since"
        ),

        // plurality (RFC 7643 §2.4)
        .init(
            label: "array for a singular attribute",
            body: #"{\#(base), "displayName": ["Babs"]}"#,
            scimType: .invalidValue,
            detailNames: "displayName"
        ),
        .init(
            label: "array for a singular sub-attribute",
            body: #"{\#(base), "emails": [{"value": ["a@b.c"]}]}"#,
            scimType: .invalidValue,
            detailNames: "emails.value"
        ),
        .init(
            label: "string element of a complex multi-valued attribute",
            body: #"{\#(base), "emails": ["a@b.c"]}"#,
            scimType: .invalidValue,
            detailNames: "emails"
        ),
        .init(
            label: "nested array",
            body: #"{\#(base), "emails": [[{"value": "a@b.c"}]]}"#,
            scimType: .invalidValue,
            detailNames: "emails"
        ),
        .init(
            label: "two primary values",
            body: #"{\#(base), "emails": [{"value": "a@b.c", "primary": true}, {"value": "d@e.f", "primary": true}]}"#,
            scimType: .invalidValue,
            detailNames: "emails"
        ),
        .init(
            label: "two primary values, sub-attribute names in other cases",
            body: #"{\#(base), "addresses": [{"locality": "A", "PRIMARY": true}, {"locality": "B", "Primary": true}]}"#,
            scimType: .invalidValue,
            detailNames: "addresses"
        ),

        // required (RFC 7643 §2.2, §4.1.1, §4.2, §6)
        .init(
            label: "userName missing",
            body: #"{"schemas": ["\#(core)"], "displayName": "B"}"#,
            scimType: .invalidValue,
            detailNames: "userName"
        ),
        .init(
            label: "userName null",
            body: #"{"schemas": ["\#(core)"], "userName": null}"#,
            scimType: .invalidValue,
            detailNames: "userName"
        ),
        .init(
            label: "userName empty",
            body: #"{"schemas": ["\#(core)"], "userName": ""}"#,
            scimType: .invalidValue,
            detailNames: "userName"
        ),
        .init(
            label: "Group displayName missing",
            resourceType: "Group",
            body: #"{"schemas": ["\#(F.groupURN)"], "members": [{"value": "1"}]}"#,
            scimType: .invalidValue,
            detailNames: "displayName"
        ),
        .init(
            label: "required sub-attribute missing",
            testExtension: false,
            body: #"{\#(base), "\#(test)": {"locker": {"serial": 1}}}"#,
            scimType: .invalidValue,
            detailNames: "locker.code"
        ),
        .init(
            label: "required extension not in use",
            testExtension: true,
            body: #"{\#(base)}"#,
            scimType: .invalidValue,
            detailNames: test
        ),
    ]

    @Test(
        "bodies that break a rule are refused with status, scimType and a detail naming the attribute",
        arguments: cases
    )
    func refused(_ c: Case) throws {
        let registry = try c.testExtension.map { try F.registryWithTestExtension(required: $0) } ?? .standard
        let schema = try #require(registry.resourceSchema(for: c.resourceType))
        let body = try S.object(c.body)
        let error = try #require(
            S.rejection { () throws(SCIMError) in try ResourceValidator.validateForCreate(body, schema: schema) }
        )
        #expect(error.status == 400)
        #expect(error.scimType == c.scimType)
        #expect(error.detail.contains(c.detailNames), "detail: \(error.detail)")
        // The same body is refused on replace too.
        let again = S.rejection { () throws(SCIMError) in
            try ResourceValidator.validateForReplace(body, existing: JSONObject(), schema: schema)
        }
        #expect(again == error)
    }

    @Test func requiredExtensionIsSatisfiedByItsData() throws {
        let schema = try F.userSchema(F.registryWithTestExtension(required: true))
        let out = try ResourceValidator.validateForCreate(
            S.object(#"{\#(Self.base), "\#(Self.test)": {"count": 1}}"#),
            schema: schema
        )
        #expect(out["schemas"] == [.string(F.userURN), .string(F.testExtensionURN)])
    }
}
