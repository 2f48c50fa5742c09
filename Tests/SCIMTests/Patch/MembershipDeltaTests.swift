import Testing

@testable import SCIM

@Suite("PATCH: membership delta of a Group PATCH")
struct MembershipDeltaTests {
    let group = RFCExampleResources.group
    let groupSchema = RFCExampleResources.groupSchema

    func delta(_ ops: String...) throws -> MembershipDelta? {
        let body =
            #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":["# + ops.joined(separator: ",")
            + "]}"
        return try PatchEngine.membershipDelta(patchRequest(body), schema: groupSchema)
    }

    /// What a member table would hold after the delta: the store's side of the contract.
    func applied(_ d: MembershipDelta, to members: [String]) -> [String] {
        var list = d.removeAll ? [] : members
        let removed = Set(d.removed)
        list.removeAll { removed.contains($0) }
        for id in d.added where !list.contains(id) { list.append(id) }
        return list
    }

    @Test func addRemoveAndRename() throws {
        let d = try delta(
            #"{"op":"add","path":"members","value":[{"value":"a"},{"value":"b","display":"B"}]}"#,
            #"{"op":"replace","path":"displayName","value":"New"}"#,
            #"{"op":"remove","path":"members[value eq \"c\" or value eq \"d\"]"}"#
        )
        #expect(d?.added == ["a", "b"])
        #expect(d?.removed == ["c", "d"])
        #expect(d?.removeAll == false)
        #expect(d?.replaceAllWith == nil)
        #expect(d?.otherOperations.operations == [PatchOperation(op: .replace, path: "displayName", value: "New")])
    }

    @Test("remove of members, and replace of members, replace the whole list")
    func replaceAll() throws {
        let cleared = try delta(#"{"op":"remove","path":"members"}"#)
        #expect(cleared?.removeAll == true)
        #expect(cleared?.replaceAllWith == [])
        let rfc = try PatchEngine.membershipDelta(
            patchRequest(PatchRFCExampleTests.removeAllThenAdd),
            schema: groupSchema
        )
        #expect(rfc?.replaceAllWith == [PatchIDs.babs, PatchIDs.james])
        let replaced = try delta(
            #"{"op":"replace","path":"members","value":[{"value":"x"}]}"#,
            #"{"op":"remove","path":"members[value eq \"x\"]"}"#
        )
        #expect(replaced?.replaceAllWith == [])
        #expect(replaced?.removed == [])
    }

    @Test("operations fold in order: add then remove, remove then add")
    func ordering() throws {
        let gone = try delta(
            #"{"op":"add","path":"members","value":[{"value":"x"}]}"#,
            #"{"op":"remove","path":"members[value eq \"x\"]"}"#
        )
        #expect(gone?.added == [])
        #expect(gone?.removed == ["x"])
        let back = try delta(
            #"{"op":"remove","path":"members[value eq \"x\"]"}"#,
            #"{"op":"add","path":"members","value":[{"value":"x"}]}"#
        )
        #expect(back?.added == ["x"])
        #expect(back?.removed == [])
    }

    @Test("a pathless value is split: members into the delta, the rest stays an operation")
    func pathlessSplit() throws {
        let d = try delta(#"{"op":"replace","value":{"displayName":"New","members":[{"value":"m"}]}}"#)
        #expect(d?.replaceAllWith == ["m"])
        #expect(d?.otherOperations.operations == [PatchOperation(op: .replace, value: ["displayName": "New"])])
        let onlyMembers = try delta(#"{"op":"add","value":{"members":[{"value":"m"}]}}"#)
        #expect(onlyMembers?.added == ["m"])
        #expect(onlyMembers?.otherOperations.operations.isEmpty == true)
    }

    @Test(
        "member operations a delta cannot express return nil",
        arguments: [
            #"{"op":"remove","path":"members[display eq \"Babs Jensen\"]"}"#,
            #"{"op":"remove","path":"members[type eq \"Group\"]"}"#,
            #"{"op":"remove","path":"members[not (value eq \"x\")]"}"#,
            #"{"op":"remove","path":"members[value eq \"x\" and type eq \"User\"]"}"#,
            #"{"op":"replace","path":"members[value eq \"x\"]","value":{"value":"x"}}"#,
            #"{"op":"add","path":"members[value eq \"x\"].type","value":"User"}"#,
            #"{"op":"remove","path":"members.display"}"#,
        ]
    )
    func notExpressible(_ op: String) throws {
        #expect(try delta(op) == nil)
    }

    @Test("requests apply would refuse throw the same error kind")
    func errors() {
        #expect(
            expectSCIMError { _ = try delta(#"{"op":"remove","path":"members[nope eq \"x\"]"}"#) }?.scimType
                == .invalidPath
        )
        #expect(
            expectSCIMError {
                _ = try delta(#"{"op":"add","path":"members","value":[{"display":"no id"},{"type":"User"}]}"#)
            }?.scimType == .invalidValue
        )
        #expect(
            expectSCIMError { _ = try delta(#"{"op":"add","path":"members","value":"x"}"#) }?.scimType == .invalidValue
        )
    }

    @Test("a schema without members: everything is another operation")
    func userSchema() throws {
        let request = try patchRequest(patchBody(#"{"op":"replace","path":"nickName","value":"B"}"#))
        let d = try PatchEngine.membershipDelta(request, schema: RFCExampleResources.userSchema)
        #expect(d?.isEmpty == true)
        #expect(d?.otherOperations == request)
    }

    @Test(
        "the delta plus the other operations give what apply gives",
        arguments: [
            [
                #"{"op":"add","path":"members","value":[{"value":"\#(PatchIDs.james)"}]}"#,
                #"{"op":"replace","path":"displayName","value":"X"}"#,
            ],
            [#"{"op":"remove","path":"members[value eq \"\#(PatchIDs.babs)\"]"}"#],
            [
                #"{"op":"remove","path":"members"}"#,
                #"{"op":"add","path":"members","value":[{"value":"\#(PatchIDs.mandy)"}]}"#,
            ],
            [
                #"{"op":"add","path":"members","value":[{"value":"\#(PatchIDs.james)"}]}"#,
                #"{"op":"remove","path":"members[value eq \"\#(PatchIDs.james)\" or value eq \"\#(PatchIDs.babs)\"]"}"#,
            ],
            [
                #"{"op":"replace","value":{"displayName":"Y","members":[{"value":"\#(PatchIDs.james)"},{"value":"\#(PatchIDs.babs)"}]}}"#
            ],
            [
                #"{"op":"remove","path":"members[value eq \"\#(PatchIDs.babs)\"]"}"#,
                #"{"op":"add","path":"members","value":[{"value":"\#(PatchIDs.babs)"}]}"#,
            ],
        ]
    )
    func agreesWithApply(_ ops: [String]) throws {
        let body =
            #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":["# + ops.joined(separator: ",")
            + "]}"
        let request = try patchRequest(body)
        let full = try PatchEngine.apply(request, to: group, schema: groupSchema)
        let d = try #require(try PatchEngine.membershipDelta(request, schema: groupSchema))
        let others = try PatchEngine.apply(d.otherOperations, to: group.withMember("members", nil), schema: groupSchema)
        #expect(Set(applied(d, to: valueList(group, "members"))) == Set(valueList(full, "members")))
        #expect(others == full.withMember("members", nil))
    }

    @Test("Entra's remove with a value list, once normalized, is a delta")
    func entraRemove() throws {
        let raw = try JSONParser.parse(
            patchBody(#"{"op":"Remove","path":"members","value":[{"value":"a"},{"value":"b"}]}"#)
        )
        let request = try PatchRequest(json: PatchDialects.normalize(raw, schema: groupSchema))
        let d = try PatchEngine.membershipDelta(request, schema: groupSchema)
        #expect(d?.removed == ["a", "b"])
        #expect(d?.removeAll == false)
    }
}
