import BridgeConfig
import Connectors
import SCIM
import Testing

/// Each kind's comparison of a canonical user with the target's view of its account, table-driven:
/// drift in what the bridge writes is named; what the target normalises, derives or does not return is not.
@Suite("User comparison per kind")
struct UserComparisonTests {
    /// One row: the canonical user, the target's resource as listed, and the differences expected.
    struct Case: Sendable, CustomTestStringConvertible {
        var label: String
        var canonical: JSONObject
        var target: JSONObject
        var expected: [String]
        var testDescription: String { label }

        init(_ label: String, _ canonical: JSONObject, _ target: JSONObject, _ expected: [String]) {
            self.label = label
            self.canonical = canonical
            self.target = target
            self.expected = expected
        }
    }

    static let ada: JSONObject = [
        "userName": "ada@example.com", "active": true, "name": ["givenName": "Ada", "familyName": "Lovelace"],
        "emails": [["value": "ada@example.com", "type": "work", "primary": true]],
    ]

    static func with(_ base: JSONObject, _ changes: JSONObject) -> JSONObject {
        var o = base
        for (k, v) in changes.members { o[k] = v }
        return o
    }

    static let scimCases: [Case] = [
        Case("in line", ada, with(ada, ["id": "t1"]), []),
        Case("suspended on the target", ada, with(ada, ["id": "t1", "active": false]), ["active false -> true"]),
        Case(
            "active absent counts as active",
            with(ada, ["active": .null]),
            with(ada, ["id": "t1", "active": .null]),
            []
        ),
        Case(
            "re-enabled though disabled at the source",
            with(ada, ["active": false]),
            with(ada, ["id": "t1"]),
            ["active true -> false"]
        ),
        Case(
            "family name changed",
            ada,
            with(ada, ["id": "t1", "name": ["givenName": "Ada", "familyName": "Byron"]]),
            [#"name.familyName "Byron" -> "Lovelace""#]
        ),
        Case(
            "a displayName the bridge does not write is the target's",
            ada,
            with(ada, ["id": "t1", "displayName": "Countess"]),
            []
        ),
        Case(
            "a displayName the bridge writes",
            with(ada, ["displayName": "Ada L."]),
            with(ada, ["id": "t1"]),
            [#"displayName none -> "Ada L.""#]
        ),
        Case(
            "emails normalised by the target",
            ada,
            with(ada, ["id": "t1", "emails": [["value": "ADA@example.com"]]]),
            []
        ),
    ]

    @Test(arguments: scimCases)
    func scim(_ c: Case) throws {
        let actual = try #require(SCIMUserState.listed(.object(c.target)))
        #expect(SCIMUserState.differences(of: c.canonical, from: actual).map(\.description) == c.expected)
    }

    static let github: JSONObject = [
        "id": "g1", "userName": "ada@example.com", "externalId": "ada@example.com", "active": true,
        "displayName": "Ada Lovelace",
        "name": ["givenName": "Ada", "familyName": "Lovelace"],
        "emails": [["value": "ada@example.com", "type": "work", "primary": true]],
        "roles": [["value": "user"]],
    ]

    static let gitHubCases: [Case] = [
        Case("in line (displayName derived from the name)", ada, github, []),
        Case("suspended on GitHub", ada, with(github, ["active": false]), ["active false -> true"]),
        Case(
            "re-enabled though disabled at the source",
            with(ada, ["active": false]),
            github,
            ["active true -> false"]
        ),
        Case(
            "displayName changed on GitHub",
            ada,
            with(github, ["displayName": "Countess"]),
            [#"displayName "Countess" -> "Ada Lovelace""#]
        ),
        Case(
            "the primary email obfuscated on suspension",
            with(ada, ["active": false]),
            with(github, ["active": false, "emails": [["value": "x@obfuscated", "primary": true]]]),
            []
        ),
        Case(
            "a half name is not written, so not compared",
            with(ada, ["name": ["givenName": "Ada"]]),
            with(github, ["displayName": "Ada", "name": ["givenName": "Someone", "familyName": "Else"]]),
            []
        ),
        Case("roles normalised by GitHub", with(ada, ["roles": [["value": "USER"]]]), github, []),
    ]

    @Test(arguments: gitHubCases)
    func gitHubEMU(_ c: Case) throws {
        let actual = try #require(GitHubEMUUserState.listed(.object(c.target)))
        #expect(GitHubEMUUserState.differences(of: c.canonical, from: actual).map(\.description) == c.expected)
    }

    static let slack: JSONObject = [
        "id": "U1", "userName": "ada", "active": true, "name": ["givenName": "Ada", "familyName": "Lovelace"],
        "emails": [["value": "ada@example.com", "primary": true]],
    ]

    static let slackCases: [Case] = [
        Case("in line (Slack rewrote the userName)", ada, slack, []),
        Case("deactivated on Slack", ada, with(slack, ["active": false]), ["active false -> true"]),
        Case(
            "re-activated though disabled at the source",
            with(ada, ["active": false]),
            slack,
            ["active true -> false"]
        ),
        Case(
            "title changed on Slack",
            with(ada, ["title": "Analyst"]),
            with(slack, ["title": "Poet"]),
            [#"title "Poet" -> "Analyst""#]
        ),
        Case(
            "a displayName Slack holds truncated to 80",
            with(ada, ["displayName": .string(String(repeating: "a", count: 90))]),
            with(slack, ["displayName": .string(String(repeating: "a", count: 80))]),
            []
        ),
        Case(
            "timezone normalised by Slack",
            with(ada, ["timezone": "Europe/London"]),
            with(slack, ["timezone": "GMT"]),
            []
        ),
    ]

    @Test(arguments: slackCases)
    func slack(_ c: Case) throws {
        let actual = try #require(SlackUserState.listed(.object(c.target)))
        #expect(SlackUserState.differences(of: c.canonical, from: actual).map(\.description) == c.expected)
    }

    static let google: JSONObject = [
        "id": "1001", "primaryEmail": "ada@example.com", "suspended": false,
        "name": ["givenName": "Ada", "familyName": "Lovelace", "fullName": "Ada Lovelace"],
    ]

    static let googleCases: [Case] = [
        Case("in line", ada, google, []),
        Case("suspended in Google", ada, with(google, ["suspended": true]), ["active false -> true"]),
        Case(
            "unsuspended though disabled at the source",
            with(ada, ["active": false]),
            google,
            ["active true -> false"]
        ),
        Case(
            "names derived from displayName",
            ["userName": "ada@example.com", "displayName": "Ada Lovelace"],
            google,
            []
        ),
        Case(
            "family name changed in Google",
            ada,
            with(google, ["name": ["givenName": "Ada", "familyName": "King"]]),
            [#"name.familyName "King" -> "Lovelace""#]
        ),
        Case(
            "externalIds others keep",
            ada,
            with(google, ["externalIds": [["type": "organization", "value": "x"]]]),
            []
        ),
    ]

    @Test(arguments: googleCases)
    func google(_ c: Case) throws {
        let actual = try #require(GoogleUserState.listed(.object(c.target)))
        #expect(GoogleUserState.differences(of: c.canonical, from: actual).map(\.description) == c.expected)
    }

    static let salesforce: JSONObject = [
        "Id": "005A", "Username": "ada@example.com", "IsActive": true, "FirstName": "Ada", "LastName": "Lovelace",
        "Email": "ada@example.com", "Alias": "alove",
    ]

    static let salesforceCases: [Case] = [
        Case("in line", ada, salesforce, []),
        Case("deactivated in Salesforce", ada, with(salesforce, ["IsActive": false]), ["active false -> true"]),
        Case(
            "reactivated though disabled at the source",
            with(ada, ["active": false]),
            salesforce,
            ["active true -> false"]
        ),
        Case("Email case is Salesforce's", ada, with(salesforce, ["Email": "Ada@Example.com"]), []),
        Case(
            "LastName changed in Salesforce",
            ada,
            with(salesforce, ["LastName": "King"]),
            [#"name.familyName "King" -> "Lovelace""#]
        ),
        Case("an alias the admin chose", ada, with(salesforce, ["Alias": "ada"]), []),
    ]

    @Test(arguments: salesforceCases)
    func salesforce(_ c: Case) throws {
        let options = SalesforceSettings()
        let actual = try #require(SalesforceUserState.listed(c.target, frozen: nil, options: options))
        #expect(
            SalesforceUserState.differences(of: c.canonical, from: actual, options: options).map(\.description)
                == c.expected
        )
    }

    /// Under freeze deprovisioning `active` is the login's `IsFrozen`: updates leave `IsActive` alone.
    @Test(
        arguments: [(true, false, ["active false -> true"]), (false, false, []), (false, true, [])]
            as [(Bool, Bool, [String])]
    )
    func salesforceFreeze(frozen: Bool, isActiveFalse: Bool, expected: [String]) throws {
        let options = SalesforceSettings(deprovisioning: .freeze)
        let row = Self.with(Self.salesforce, isActiveFalse ? ["IsActive": false] : [:])
        let actual = try #require(SalesforceUserState.listed(row, frozen: frozen, options: options))
        #expect(
            SalesforceUserState.differences(of: Self.ada, from: actual, options: options).map(\.description) == expected
        )
    }
}
