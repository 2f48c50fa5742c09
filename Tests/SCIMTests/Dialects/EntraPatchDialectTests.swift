import Testing

@testable import SCIM

/// Request shapes as Microsoft Entra ID sends them (Entra SCIM provisioning docs; research notes §2.5).
@Suite("Dialect: Microsoft Entra ID")
struct EntraPatchDialectTests {
    let user = RFCExampleResources.fullUser
    let enterpriseUser = RFCExampleResources.enterpriseUser
    let group = RFCExampleResources.group
    let userSchema = RFCExampleResources.userSchema
    let groupSchema = RFCExampleResources.groupSchema
    static let enterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"

    @Test("regression: active \"False\" from Entra means false, by path and without path")
    func activeFalseString() throws {
        for body in [
            patchBody(#"{"op":"Replace","path":"active","value":"False"}"#),
            patchBody(#"{"op":"Replace","value":{"active":"False"}}"#),
            patchBody(#"{"op":"replace","path":"active","value":"false"}"#),
        ] {
            let result = try applyNormalized(body, to: user, userSchema)
            #expect(result["active"] == false, "\(body)")
            #expect(result.withMember("active", nil) == user.withMember("active", nil))
        }
        let back = try applyNormalized(
            patchBody(#"{"op":"Replace","path":"active","value":"True"}"#),
            to: user.withMember("active", false),
            userSchema
        )
        #expect(back["active"] == true)
    }

    @Test("regression: remove with a value list removes exactly those members, not all")
    func removeWithValueList() throws {
        let body = patchBody(#"{"op":"Remove","path":"members","value":[{"$ref":null,"value":"\#(PatchIDs.babs)"}]}"#)
        let result = try applyNormalized(body, to: group, groupSchema)
        #expect(valueList(result, "members") == [PatchIDs.mandy])
        // Without the dialect the strict decoder refuses it rather than removing every member.
        let e = expectSCIMError { _ = try PatchRequest(json: JSONParser.parse(body)) }
        #expect(e?.scimType == .invalidSyntax)
    }

    @Test("remove with several values becomes one filtered remove per value")
    func removeSeveral() throws {
        let body = patchBody(
            #"{"op":"Remove","path":"members","value":[{"value":"\#(PatchIDs.babs)"},{"value":"\#(PatchIDs.mandy)","display":"Mandy"}]}"#
        )
        let normalized = try PatchRequest(
            json: EntraPatchDialect.normalize(JSONParser.parse(body), schema: groupSchema)
        )
        #expect(
            normalized.operations == [
                PatchOperation(op: .remove, path: #"members[value eq "\#(PatchIDs.babs)"]"#),
                PatchOperation(op: .remove, path: #"members[value eq "\#(PatchIDs.mandy)"]"#),
            ]
        )
        #expect(try applyNormalized(body, to: group, groupSchema)["members"] == nil)
    }

    @Test("capitalised ops", arguments: ["Add", "ADD", "Replace", "REPLACE"])
    func capitalisedOps(_ op: String) throws {
        let result = try applyNormalized(
            patchBody(#"{"op":"\#(op)","path":"nickName","value":"Barbie"}"#),
            to: user,
            userSchema
        )
        #expect(result["nickName"] == "Barbie")
        let removed = try applyNormalized(patchBody(#"{"op":"Remove","path":"nickName"}"#), to: user, userSchema)
        #expect(removed["nickName"] == nil)
    }

    @Test("Entra's multi-valued update: emails[type eq \"work\"].value and name.familyName by path")
    func multiValuedUpdate() throws {
        let body = patchBody(
            #"{"op":"Replace","path":"emails[type eq \"work\"].value","value":"updatedEmail@example.com"}"#,
            #"{"op":"Replace","path":"name.familyName","value":"updatedFamilyName"}"#
        )
        // Only the op spelling changes: the paths are strict already.
        let normalized = try PatchRequest(json: EntraPatchDialect.normalize(JSONParser.parse(body), schema: userSchema))
        #expect(normalized.operations.map(\.path) == [#"emails[type eq "work"].value"#, "name.familyName"])
        let result = try PatchEngine.apply(normalized, to: user, schema: userSchema)
        #expect(elementOfType(result, "emails", type: "work")?["value"] == "updatedEmail@example.com")
        #expect(result["name"]?["familyName"] == "updatedFamilyName")
    }

    @Test("a pathless replace with dotted and URN-qualified keys becomes the nested form")
    func dottedAndQualifiedKeys() throws {
        let body = patchBody(
            #"{"op":"Replace","value":{"name.givenName":"Barb","name.familyName":"Jensen-Smith","displayName":"Barb","\#(Self.enterprise):employeeNumber":"42","\#(Self.enterprise):manager.value":"boss","urn:ietf:params:scim:schemas:core:2.0:User:title":"Chief Guide"}}"#
        )
        let normalized = EntraPatchDialect.normalize(try JSONParser.parse(body), schema: userSchema)
        let value = normalized["Operations"]?.arrayValue?[0]["value"]
        #expect(
            value == [
                "name": ["givenName": "Barb", "familyName": "Jensen-Smith"],
                "displayName": "Barb",
                .init(stringLiteral: Self.enterprise): ["employeeNumber": "42", "manager": ["value": "boss"]],
                "title": "Chief Guide",
            ]
        )
        let result = try applyNormalized(body, to: enterpriseUser, userSchema)
        #expect(result["name"]?["givenName"] == "Barb")
        #expect(result["name"]?["middleName"] == "Jane")
        #expect(result[Self.enterprise]?["employeeNumber"] == "42")
        #expect(result[Self.enterprise]?["manager"]?["value"] == "boss")
        #expect(result[Self.enterprise]?["department"] == "Tour Operations")
        #expect(result["title"] == "Chief Guide")
    }

    @Test("booleans as strings inside values: emails[].primary")
    func primaryAsString() throws {
        let result = try applyNormalized(
            patchBody(
                #"{"op":"Add","path":"emails","value":[{"value":"b@example.org","type":"other","primary":"True"}]}"#
            ),
            to: user,
            userSchema
        )
        #expect(elementOfType(result, "emails", type: "other")?["primary"] == true)
        #expect(elementOfType(result, "emails", type: "work")?["primary"] == false)
    }

    @Test(
        "manager sent as a bare id or a one-element list becomes {\"value\": id}",
        arguments: [
            #""boss-id""#, #"[{"value":"boss-id"}]"#,
        ]
    )
    func managerAsString(_ value: String) throws {
        let result = try applyNormalized(
            patchBody(#"{"op":"Replace","path":"\#(Self.enterprise):manager","value":\#(value)}"#),
            to: enterpriseUser,
            userSchema
        )
        #expect(result[Self.enterprise]?["manager"]?["value"] == "boss-id")
    }

    @Test("Entra group membership add with $ref null")
    func addMember() throws {
        let result = try applyNormalized(
            patchBody(#"{"op":"Add","path":"members","value":[{"$ref":null,"value":"\#(PatchIDs.james)"}]}"#),
            to: group,
            groupSchema
        )
        #expect(valueList(result, "members") == [PatchIDs.babs, PatchIDs.mandy, PatchIDs.james])
        #expect(result["members"]?.arrayValue?[2] == ["value": .string(PatchIDs.james)])
    }

    @Test("what the dialect cannot rewrite is left for the strict engine to refuse")
    func leavesUnfixableAlone() throws {
        for body in [
            patchBody(#"{"op":"Remove","path":"nope","value":[{"value":"x"}]}"#),
            patchBody(#"{"op":"Replace","path":"active","value":"maybe"}"#),
            patchBody(#"{"op":"Remove","path":"members","value":[{"display":"only a name"}]}"#),
        ] {
            let raw = try JSONParser.parse(body)
            let normalized = EntraPatchDialect.normalize(raw, schema: groupSchema)
            #expect(
                expectSCIMError {
                    _ = try PatchEngine.apply(PatchRequest(json: normalized), to: group, schema: groupSchema)
                }
                    != nil
            )
        }
    }
}
