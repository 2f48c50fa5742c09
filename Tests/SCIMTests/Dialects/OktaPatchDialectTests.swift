import Testing

@testable import SCIM

/// Request shapes as Okta sends them (Okta SCIM 2.0 guide; research notes §2.5).
@Suite("Dialect: Okta")
struct OktaPatchDialectTests {
    let user = RFCExampleResources.fullUser
    let group = RFCExampleResources.group
    let userSchema = RFCExampleResources.userSchema
    let groupSchema = RFCExampleResources.groupSchema

    static let deactivateBody = patchBody(#"{"op":"replace","value":{"active":false}}"#)
    static let renameBody = patchBody(
        #"{"op":"replace","value":{"id":"e9e30dba-f08f-4109-8486-d5c6a331660a","displayName":"Tour Guides EMEA"}}"#
    )
    static let addMembersBody = patchBody(
        #"{"op":"add","path":"members","value":[{"value":"\#(PatchIDs.james)","display":"James Smith"}]}"#
    )
    static let removeMemberBody = patchBody(#"{"op":"remove","path":"members[value eq \"\#(PatchIDs.mandy)\"]"}"#)
    static let replaceMembersBody = patchBody(
        #"{"op":"replace","path":"members","value":[{"value":"\#(PatchIDs.james)","display":"James Smith"}]}"#
    )

    @Test(
        "Okta's PATCH shapes are strict: no dialect changes them",
        arguments: [deactivateBody, renameBody, addMembersBody, removeMemberBody, replaceMembersBody]
    )
    func unchanged(_ body: String) throws {
        let raw = try JSONParser.parse(body)
        #expect(OktaPatchDialect.normalize(raw, schema: groupSchema) == raw)
        #expect(try dialectsChanging(body, groupSchema).isEmpty)
    }

    @Test func deactivation() throws {
        let result = try applyNormalized(Self.deactivateBody, to: user, userSchema)
        #expect(result == user.withMember("active", false))
    }

    @Test("rename echoes the group id, which is accepted when unchanged")
    func rename() throws {
        let result = try applyNormalized(Self.renameBody, to: group, groupSchema)
        #expect(result == group.withMember("displayName", "Tour Guides EMEA"))
    }

    @Test("group push: add, remove, and replace of the whole member list")
    func groupPush() throws {
        let added = try applyNormalized(Self.addMembersBody, to: group, groupSchema)
        #expect(valueList(added, "members") == [PatchIDs.babs, PatchIDs.mandy, PatchIDs.james])
        let removed = try applyNormalized(Self.removeMemberBody, to: added, groupSchema)
        #expect(valueList(removed, "members") == [PatchIDs.babs, PatchIDs.james])
        let replaced = try applyNormalized(Self.replaceMembersBody, to: group, groupSchema)
        #expect(valueList(replaced, "members") == [PatchIDs.james])
    }
}
