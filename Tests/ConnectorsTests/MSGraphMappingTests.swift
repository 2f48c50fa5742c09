import BridgeConfig
import Connectors
import Foundation
import SCIM
import Testing

/// The pure half of the Microsoft Graph connector: names, bodies, batches and error bodies.
struct MSGraphMappingTests {
    @Test(
        arguments: [
            ("ada@contoso.com", nil, "ada@contoso.com"),
            ("ada", "contoso.com", "ada@contoso.com"),
            ("o'neil.j-s_x!#^~@contoso.com", nil, "o'neil.j-s_x!#^~@contoso.com"),
        ] as [(String, String?, String)]
    )
    func theUserPrincipalNameComesFromTheUserName(userName: String, domain: String?, upn: String) {
        #expect(MSGraphMapping.userPrincipalName(of: ["userName": .string(userName)], domain: domain) == upn)
    }

    @Test(
        arguments: [("ada", nil), ("zoë@contoso.com", nil), ("ada lovelace@contoso.com", nil), ("a@b@c.com", nil)]
            as [(String, String?)]
    )
    func aUserNameThatCannotBeAPrincipalNameIsRefusedWithTheReason(userName: String, domain: String?) {
        let user: JSONObject = ["userName": .string(userName)]
        #expect(MSGraphMapping.userPrincipalName(of: user, domain: domain) == nil)
        let problem = MSGraphMapping.principalNameProblem(of: user, domain: domain)
        #expect(problem.contains(userName))
        #expect(problem.contains(userName.contains("@") ? "alias@domain" : "msgraph.domain"))
    }

    @Test func aNewUserCarriesWhatGraphRequires() throws {
        let user: JSONObject = [
            "userName": "ada@contoso.com", "name": ["givenName": "Ada", "familyName": "Lovelace"], "title": "Countess",
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": ["department": "Analytics"],
        ]
        let body = MSGraphMapping.userBody(user, principalName: "ada@contoso.com", creation: .password("Secret1!"))
        #expect(body["accountEnabled"] == true)
        #expect(body["displayName"] == "Ada Lovelace")
        #expect(body["mailNickname"] == "ada")
        #expect(body["userPrincipalName"] == "ada@contoso.com")
        #expect(body["passwordProfile"] == ["password": "Secret1!", "forceChangePasswordNextSignIn": true])
        #expect(body["givenName"] == "Ada" && body["surname"] == "Lovelace")
        #expect(body["jobTitle"] == "Countess" && body["department"] == "Analytics")
        let federated = MSGraphMapping.userBody(
            user,
            principalName: "ada@contoso.com",
            creation: .federated(immutableID: "X1")
        )
        #expect(federated["passwordProfile"] == nil && federated["onPremisesImmutableId"] == "X1")
        let update = MSGraphMapping.userBody(user, principalName: "ada@contoso.com", creation: nil)
        #expect(update["passwordProfile"] == nil && update["mailNickname"] == nil)
    }

    @Test func theInitialPasswordMeetsEntrasComplexityRule() {
        let categories: [(Character) -> Bool] = [
            \.isUppercase, \.isLowercase, \.isNumber, { !$0.isLetter && !$0.isNumber },
        ]
        for _ in 0..<20 {
            let password = RandomPassword.make(length: 28) + "aA1!"
            #expect(password.count == 32)
            #expect(categories.allSatisfy { test in password.contains(where: test) })
        }
    }

    @Test func aGroupNicknameIsDerivedFromTheNameAndUniquePerGroup() {
        let a = MSGraphMapping.groupNickname(displayName: "Sales (EMEA): Team", externalId: "g-1")
        let b = MSGraphMapping.groupNickname(displayName: "Sales (EMEA): Team", externalId: "g-2")
        #expect(a.hasPrefix("Sales-EMEA-Team-"))
        #expect(a != b)
        #expect(a == MSGraphMapping.groupNickname(displayName: "Sales (EMEA): Team", externalId: "g-1"), "stable")
        let long = MSGraphMapping.groupNickname(displayName: String(repeating: "x", count: 300), externalId: "g")
        #expect(long.count <= 64)
        #expect(MSGraphMapping.groupNickname(displayName: "ÜÖ", externalId: "g").hasPrefix("group-"))
        let forbidden = Set("@()\\[]\";:<>, ")
        #expect(!a.contains(where: forbidden.contains))
    }

    @Test func groupBodiesFollowTheGroupType() {
        let security = MSGraphMapping.groupBody(
            displayName: "Ops",
            mailNickname: "ops-1",
            type: .security,
            members: ["u1"]
        )
        #expect(
            security["mailEnabled"] == false && security["securityEnabled"] == true && security["groupTypes"] == nil
        )
        #expect(security["members@odata.bind"] == ["https://graph.microsoft.com/v1.0/directoryObjects/u1"])
        let m365 = MSGraphMapping.groupBody(displayName: "Ops", mailNickname: "ops-1", type: .microsoft365, members: [])
        #expect(m365["groupTypes"] == ["Unified"] && m365["mailEnabled"] == true)
        #expect(m365["members@odata.bind"] == nil)
    }

    @Test func odataLiteralsAndQueriesAreEscaped() {
        #expect(MSGraphMapping.literal("O'Neil") == "'O''Neil'")
        #expect(
            MSGraphMapping.query([("$filter", "displayName eq 'A&B'"), ("$top", "999")])
                == "?$filter=displayName%20eq%20%27A%26B%27&$top=999"
        )
    }

    @Test func graphErrorBodiesAreClassified() throws {
        let already = try JSONParser.parse(
            #"{"error":{"code":"Request_BadRequest","message":"One or more added object references already exist for the following modified properties: 'members'."}}"#
        )
        #expect(MSGraphMapping.isAlreadyMember(status: 400, body: already))
        #expect(!MSGraphMapping.isNotVisible(status: 400, body: already))
        let missing = try JSONParser.parse(
            #"{"error":{"code":"Request_ResourceNotFound","message":"Resource 'u9' does not exist or one of its queried reference-property objects are not present."}}"#
        )
        #expect(MSGraphMapping.isNotVisible(status: 404, body: missing))
        let replicating = try JSONParser.parse(
            #"{"error":{"code":"Request_BadRequest","message":"The source resource object or one of the objects being referenced do not exist."}}"#
        )
        #expect(MSGraphMapping.isNotVisible(status: 400, body: replicating))
        let taken = try JSONParser.parse(
            #"{"error":{"code":"Request_BadRequest","message":"Another object with the same value for property userPrincipalName already exists."}}"#
        )
        #expect(MSGraphMapping.isPrincipalNameTaken(status: 400, body: taken))
        #expect(!MSGraphMapping.isAlreadyMember(status: 400, body: taken))
    }

    @Test func batchAnswersAreReadByIdWithTheirOwnRetryAfter() throws {
        let body = MSGraphBatch.body([
            .init(method: "DELETE", url: "/groups/g/members/u1/$ref"),
            .init(method: "POST", url: "/groups/g/members/$ref", body: ["@odata.id": "x"]),
        ])
        #expect(body["requests"]?.arrayValue?[1]["headers"]?["Content-Type"] == "application/json")
        #expect(body["requests"]?.arrayValue?[0]["headers"] == nil && body["requests"]?.arrayValue?[0]["id"] == "0")
        let answer = try JSONParser.parse(
            #"{"responses":[{"id":"1","status":429,"headers":{"Retry-After":"7"}},{"id":"0","status":204},{"id":"5","status":204}]}"#
        )
        let answers = MSGraphBatch.answers(answer, count: 2)
        #expect(answers.count == 2, "an id outside the batch is ignored")
        #expect(answers[0]?.status == 204)
        #expect(answers[1]?.status == 429 && answers[1]?.retryAfter == .seconds(7))
    }

    @Test func theRolesOfAnAccessTokenAreRead() {
        func part(_ json: String) -> String {
            Data(json.utf8).base64EncodedString().replacingOccurrences(of: "=", with: "")
                .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        }
        let token = part(#"{"alg":"HS256"}"#) + "." + part(#"{"roles":["User.ReadWrite.All","Group.Create"]}"#) + ".sig"
        #expect(MSGraphTokenProvider.roles(inToken: token) == ["User.ReadWrite.All", "Group.Create"])
        #expect(MSGraphTokenProvider.roles(inToken: "opaque") == nil)
    }

    @Test func certificateThumbprintsAreTheDigestsOfTheDER() throws {
        let der = Data([0x30, 0x03, 0x02, 0x01, 0x01])
        let pem = "-----BEGIN CERTIFICATE-----\n\(der.base64EncodedString())\n-----END CERTIFICATE-----\n"
        let t = try CertificateThumbprints(certificatePEM: pem)
        #expect(t.sha1.count == 27 && t.sha256.count == 43, "base64url without padding of 20 and 32 bytes")
        #expect(throws: TargetError.self) { try CertificateThumbprints(certificatePEM: "not a certificate") }
    }
}
