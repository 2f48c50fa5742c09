import Testing

@testable import SCIM

/// Operator × attribute type × caseExact, RFC 7644 §3.4.2.2 Table 3 and RFC 7643 §2.2–§2.3.
@Suite("Filter: operator × type × caseExact")
struct FilterOperatorMatrixTests {
    typealias F = FilterFixtures

    static let metricsURN = "urn:example:params:scim:schemas:extension:metrics:2.0:User"

    /// The standard User plus a small extension with the number types the standard schemas lack.
    static let schema: ResourceSchema = {
        var registry = SchemaRegistry.standard
        do {
            let metrics = try SchemaLoader.load(
                json: """
                    {"id": "\(metricsURN)", "name": "Metrics", "attributes": [
                      {"name": "loginCount", "type": "integer"},
                      {"name": "score", "type": "decimal"},
                      {"name": "badges", "type": "integer", "multiValued": true},
                      {"name": "serial", "type": "integer"}
                    ]}
                    """
            )
            try registry.addExtension(metrics, to: "User")
        } catch {
            fatalError("test schema is invalid: \(error)")
        }
        return registry.resourceSchema(for: "User")!
    }()

    static let certificate = F.fullUser["x509Certificates"]!.arrayValue![0]["value"]!.stringValue!

    /// The RFC 7643 §8.2 User with a mixed-case externalId and the metrics extension filled in.
    static let subject: JSONObject = {
        var o = F.fullUser
        o["externalId"] = "AbC-701984"
        o[metricsURN] = ["loginCount": 42, "score": 3.5, "badges": [1, 5, 9], "serial": 9_007_199_254_740_993]
        return o
    }()

    enum Outcome: Sendable { case match, noMatch, rejected }

    static func check(_ filter: String, _ expected: Outcome) throws {
        switch expected {
        case .rejected:
            let e = try #require(F.error(filter, schema: schema), "\(filter) should be refused")
            #expect(e.status == 400)
            #expect(e.scimType == .invalidFilter)
        case .match, .noMatch:
            let r = try FilterResolver.resolve(filter, against: schema)
            #expect(FilterEvaluator.matches(r, subject) == (expected == .match), "\(filter)")
        }
    }

    // userName = "bjensen@example.com", caseExact false.
    @Test(
        "string, caseExact false (userName)",
        arguments: [
            (#"eq "BJENSEN@example.COM""#, Outcome.match), (#"eq "bjensen""#, .noMatch),
            (#"ne "BJENSEN@EXAMPLE.COM""#, .noMatch), (#"ne "bjensen""#, .match),
            (#"co "JENSEN@""#, .match), (#"co "xyz""#, .noMatch), (#"co """#, .match),
            (#"sw "BJ""#, .match), (#"sw "jensen""#, .noMatch), (#"sw "BJensen@Example.com""#, .match),
            (#"ew "EXAMPLE.COM""#, .match), (#"ew "example""#, .noMatch), (#"ew "bjensen@example.com""#, .match),
            (#"gt "BJENSEN""#, .match), (#"gt "C""#, .noMatch), (#"gt "BJENSEN@EXAMPLE.COM""#, .noMatch),
            (#"ge "BJENSEN@EXAMPLE.COM""#, .match), (#"ge "c""#, .noMatch),
            // Folded before ordering: "C" < "b" in code points, but "b" < "c" case-insensitively.
            (#"lt "C""#, .match), (#"lt "bjensen@example.com""#, .noMatch),
            (#"le "BJENSEN@EXAMPLE.COM""#, .match), (#"le "A""#, .noMatch),
            ("pr", .match),
            ("eq 1", .rejected), ("eq true", .rejected), ("gt 1.5", .rejected),
        ]
    )
    func caseInsensitiveString(_ rest: String, _ expected: Outcome) throws {
        try Self.check("userName \(rest)", expected)
    }

    // emails.value = ["bjensen@example.com", "babs@jensen.org"], caseExact false, multi-valued.
    @Test(
        "string, caseExact false, multi-valued (emails.value)",
        arguments: [
            (#"eq "BABS@JENSEN.ORG""#, Outcome.match), (#"eq "babs@example.com""#, .noMatch),
            (#"co "JENSEN.ORG""#, .match), (#"sw "Babs""#, .match), (#"ew ".net""#, .noMatch),
            (#"gt "c""#, .noMatch), (#"lt "BB""#, .match), (#"ge "bjensen@example.com""#, .match),
            ("pr", .match), ("eq 7", .rejected),
        ]
    )
    func multiValuedString(_ rest: String, _ expected: Outcome) throws {
        try Self.check("emails.value \(rest)", expected)
    }

    // id = "2819c223-7f76-453a-919d-413861904646", externalId = "AbC-701984", both caseExact true.
    @Test(
        "string, caseExact true (id, externalId)",
        arguments: [
            (#"id eq "2819c223-7f76-453a-919d-413861904646""#, Outcome.match),
            (#"id eq "2819C223-7F76-453A-919D-413861904646""#, .noMatch),
            (#"id ne "2819C223-7F76-453A-919D-413861904646""#, .match),
            (#"id sw "2819c223""#, .match), (#"id sw "2819C""#, .noMatch),
            (#"externalId eq "AbC-701984""#, .match), (#"externalId eq "abc-701984""#, .noMatch),
            (#"externalId ne "abc-701984""#, .match), (#"externalId ne "AbC-701984""#, .noMatch),
            (#"externalId co "bC-7""#, .match), (#"externalId co "BC-7""#, .noMatch),
            (#"externalId ew "984""#, .match), (#"externalId ew "c-701984""#, .noMatch),
            // Code-point order: "A" (0x41) < "a" (0x61).
            (#"externalId lt "abc""#, .match), (#"externalId gt "abc""#, .noMatch),
            (#"externalId gt "AbC-701983""#, .match), (#"externalId le "AbC-701984""#, .match),
            ("externalId pr", .match), ("id eq 2819", .rejected),
        ]
    )
    func caseExactString(_ filter: String, _ expected: Outcome) throws {
        try Self.check(filter, expected)
    }

    // active = true.
    @Test(
        "boolean (active): eq/ne only",
        arguments: [
            ("eq true", Outcome.match), ("eq false", .noMatch), ("ne false", .match), ("ne true", .noMatch),
            ("pr", .match),
            ("gt true", .rejected), ("ge true", .rejected), ("lt false", .rejected), ("le false", .rejected),
            ("co true", .rejected), ("sw true", .rejected), ("ew true", .rejected),
            (#"eq "yes""#, .rejected), (#"eq "true""#, .rejected), ("eq 1", .rejected),
        ]
    )
    func boolean(_ rest: String, _ expected: Outcome) throws {
        try Self.check("active \(rest)", expected)
    }

    @Test("boolean false is present and equal to false")
    func booleanFalse() throws {
        let inactive = F.user(["active": false])
        #expect(try F.matches("active pr", inactive))
        #expect(try F.matches("active eq false", inactive))
        #expect(try F.matches("active eq true", inactive) == false)
        #expect(try F.matches("emails[primary eq true]", F.fullUser))
        #expect(try F.matches("emails[primary eq true and type eq \"home\"]", F.fullUser) == false)
    }

    // meta.lastModified = "2011-05-13T04:42:34Z".
    @Test(
        "dateTime (meta.lastModified): chronological across time zones",
        arguments: [
            (#"eq "2011-05-13T06:42:34+02:00""#, Outcome.match), (#"eq "2011-05-12T21:42:34-07:00""#, .match),
            (#"eq "2011-05-13T04:42:34.000Z""#, .match), (#"eq "2011-05-13T04:42:34.001Z""#, .noMatch),
            (#"ne "2011-05-13T06:42:34+02:00""#, .noMatch), (#"ne "2011-05-13T04:42:34+02:00""#, .match),
            // 06:42:34+02:00 is 04:42:34Z; 05:42:34+02:00 is 03:42:34Z, i.e. earlier despite the larger hour.
            (#"gt "2011-05-13T05:42:34+02:00""#, .match), (#"gt "2011-05-13T06:42:34+02:00""#, .noMatch),
            (#"gt "2011-05-13T04:42:34-01:00""#, .noMatch),
            (#"ge "2011-05-13T06:42:34+02:00""#, .match), (#"le "2011-05-13T06:42:34+02:00""#, .match),
            (#"lt "2011-05-13T06:42:35+02:00""#, .match), (#"lt "2011-05-13T06:42:34+02:00""#, .noMatch),
            // Substring operators are not excluded by Table 3; they work on the text as stored.
            (#"sw "2011-05""#, .match), (#"co "05-13T""#, .match), (#"ew "34Z""#, .match), (#"sw "2012""#, .noMatch),
            ("pr", .match),
            (#"eq "2011-05-13""#, .rejected), (#"gt "yesterday""#, .rejected),
            (#"eq "2011-13-01T00:00:00Z""#, .rejected),
            ("eq 1305261754", .rejected), ("gt true", .rejected),
        ]
    )
    func dateTime(_ rest: String, _ expected: Outcome) throws {
        try Self.check("meta.lastModified \(rest)", expected)
    }

    @Test("a stored dateTime with an offset compares as its instant")
    func storedOffset() throws {
        let u = F.user(["meta": ["lastModified": "2011-05-13T06:42:34+02:00"]])
        #expect(try F.matches(#"meta.lastModified eq "2011-05-13T04:42:34Z""#, u))
        #expect(try F.matches(#"meta.lastModified gt "2011-05-13T05:00:00Z""#, u) == false)
        #expect(try F.matches(#"meta.lastModified lt "2011-05-13T05:00:00Z""#, u))
    }

    // loginCount = 42 (integer).
    @Test(
        "integer (extension loginCount)",
        arguments: [
            ("eq 42", Outcome.match), ("eq 42.0", .match), ("eq 43", .noMatch), ("ne 43", .match), ("ne 42", .noMatch),
            ("gt 41", .match), ("gt 42", .noMatch), ("ge 42", .match), ("lt 42.5", .match), ("le 41", .noMatch),
            ("lt 4.2e1", .noMatch), ("gt -1", .match), ("pr", .match),
            ("co 4", .rejected), ("sw 4", .rejected), ("ew 2", .rejected), (#"eq "42""#, .rejected),
            ("eq true", .rejected),
        ]
    )
    func integer(_ rest: String, _ expected: Outcome) throws {
        try Self.check("loginCount \(rest)", expected)
        try Self.check("\(Self.metricsURN):loginCount \(rest)", expected)
    }

    @Test("integers compare exactly beyond 2^53")
    func largeIntegers() throws {
        try Self.check("serial eq 9007199254740993", .match)
        try Self.check("serial eq 9007199254740992", .noMatch)
        try Self.check("serial gt 9007199254740992", .match)
    }

    // score = 3.5 (decimal).
    @Test(
        "decimal (extension score)",
        arguments: [
            ("eq 3.5", Outcome.match), ("eq 3.50", .match), ("eq 35e-1", .match), ("eq 3", .noMatch),
            ("ne 3.5", .noMatch),
            ("gt 3", .match), ("lt 4", .match), ("ge 3.5", .match), ("le 3.4", .noMatch), ("lt 1e1", .match),
            ("pr", .match), ("co 3", .rejected), ("ew 5", .rejected), (#"eq "3.5""#, .rejected), ("gt null", .rejected),
        ]
    )
    func decimal(_ rest: String, _ expected: Outcome) throws {
        try Self.check("score \(rest)", expected)
    }

    // badges = [1, 5, 9] (multi-valued integer): any value may match.
    @Test(
        "multi-valued integer (extension badges)",
        arguments: [
            ("eq 5", Outcome.match), ("eq 4", .noMatch), ("gt 8", .match), ("gt 9", .noMatch), ("lt 2", .match),
            ("lt 1", .noMatch), ("pr", .match),
        ]
    )
    func multiValuedInteger(_ rest: String, _ expected: Outcome) throws {
        try Self.check("badges \(rest)", expected)
    }

    // profileUrl = "https://login.example.com/bjensen" (reference, caseExact true).
    @Test(
        "reference (profileUrl, photos.value)",
        arguments: [
            (#"profileUrl eq "https://login.example.com/bjensen""#, Outcome.match),
            (#"profileUrl eq "https://login.example.com/BJensen""#, .noMatch),
            (#"profileUrl sw "https://login.""#, .match), (#"profileUrl co "example.com""#, .match),
            (#"profileUrl ew "/BJENSEN""#, .noMatch), (#"profileUrl gt "https://a""#, .match),
            (#"profileUrl lt "https://a""#, .noMatch), ("profileUrl pr", .match),
            (#"photos.value eq "https://photos.example.com/profilephoto/72930000000Ccne/T""#, .match),
            (#"photos.value ew "/t""#, .noMatch),
            ("profileUrl eq 1", .rejected), ("profileUrl eq true", .rejected),
        ]
    )
    func reference(_ filter: String, _ expected: Outcome) throws {
        try Self.check(filter, expected)
    }

    /// RFC 7644 Table 3: ordering on Binary SHALL fail with invalidFilter; base64 text has no useful substrings.
    @Test("binary (x509Certificates.value)", arguments: ["eq", "ne", "gt", "ge", "lt", "le", "co", "sw", "ew", "pr"])
    func binary(_ op: String) throws {
        let c = Self.certificate
        switch op {
        case "eq":
            try Self.check(#"x509Certificates.value eq "\#(c)""#, .match)
            try Self.check(#"x509Certificates.value eq "\#(c.lowercased())""#, .noMatch)
            try Self.check("x509Certificates.value eq 5", .rejected)
        case "ne":
            try Self.check(#"x509Certificates.value ne "\#(c)""#, .noMatch)
            try Self.check(#"x509Certificates.value ne "AAAA""#, .match)
        case "pr":
            try Self.check("x509Certificates.value pr", .match)
        default:
            try Self.check(#"x509Certificates.value \#(op) "MIID""#, .rejected)
        }
    }

    @Test("every operator is decided for every type", arguments: ComparisonOperator.allCases)
    func everyOperatorHasAnOutcome(_ op: ComparisonOperator) throws {
        // Table 3: gt/ge/lt/le on Boolean and Binary SHALL be invalidFilter; the others accept ordering.
        let ordering: Set<ComparisonOperator> = [.gt, .ge, .lt, .le]
        let substring: Set<ComparisonOperator> = [.co, .sw, .ew]
        #expect((F.error("active \(op.rawValue) true", schema: Self.schema) == nil) == (op == .eq || op == .ne))
        #expect(
            (F.error(#"x509Certificates.value \#(op.rawValue) "AA""#, schema: Self.schema) == nil)
                == (op == .eq || op == .ne)
        )
        #expect((F.error("loginCount \(op.rawValue) 1", schema: Self.schema) == nil) == !substring.contains(op))
        #expect(F.error(#"userName \#(op.rawValue) "a""#, schema: Self.schema) == nil)
        #expect(F.error(#"profileUrl \#(op.rawValue) "a""#, schema: Self.schema) == nil)
        let date = ordering.contains(op) || op == .eq || op == .ne ? "2011-05-13T04:42:34Z" : "2011"
        #expect(F.error(#"meta.lastModified \#(op.rawValue) "\#(date)""#, schema: Self.schema) == nil)
    }

    @Test(
        "a complex attribute without 'value' cannot be compared, only tested with pr",
        arguments: [
            (#"name eq "Barbara""#, Outcome.rejected), (#"name co "Barbara""#, .rejected), ("name pr", .match),
            (#"meta eq "User""#, .rejected), ("meta pr", .match),
        ]
    )
    func complexWithoutValue(_ filter: String, _ expected: Outcome) throws {
        try Self.check(filter, expected)
    }
}
