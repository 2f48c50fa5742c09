import Testing

@testable import SCIM

/// Request shapes PingOne sends (research notes §0 and §2.2).
@Suite("Dialect: PingOne")
struct PingOnePatchDialectTests {
    let group = RFCExampleResources.group
    let groupSchema = RFCExampleResources.groupSchema

    /// §2.2: `PATCH /Groups/{id}` with add of members and remove by filter, plus a rename.
    static let groupPatch = patchBody(
        #"{"op":"add","path":"members","value":[{"value":"\#(PatchIDs.james)"}]}"#,
        #"{"op":"remove","path":"members[value eq \"\#(PatchIDs.babs)\"]"}"#,
        #"{"op":"replace","path":"displayName","value":"Tour Guides"}"#
    )

    @Test func groupPatchIsStrict() throws {
        let raw = try JSONParser.parse(Self.groupPatch)
        #expect(PingOnePatchDialect.normalize(raw, schema: groupSchema) == raw)
        #expect(try dialectsChanging(Self.groupPatch, groupSchema).isEmpty)
        let result = try applyNormalized(Self.groupPatch, to: group, groupSchema)
        #expect(valueList(result, "members") == [PatchIDs.mandy, PatchIDs.james])
        #expect(result["displayName"] == "Tour Guides")
    }

    @Test("the membership delta of PingOne's group PATCH needs no member list")
    func groupPatchDelta() throws {
        let delta = try PatchEngine.membershipDelta(patchRequest(Self.groupPatch), schema: groupSchema)
        #expect(delta?.added == [PatchIDs.james])
        #expect(delta?.removed == [PatchIDs.babs])
        #expect(
            delta?.otherOperations.operations == [
                PatchOperation(op: .replace, path: "displayName", value: "Tour Guides")
            ]
        )
    }

    @Test("PingOne's mixed-case user filter needs no dialect: the filter grammar is case-insensitive")
    func userFilter() throws {
        let filter = try FilterResolver.resolve(
            #"username Eq "bjensen@example.com""#,
            against: RFCExampleResources.userSchema
        )
        #expect(FilterEvaluator.matches(filter, RFCExampleResources.fullUser))
    }
}
