import Testing

@testable import SCIM

@Suite("Dialects: the safety contract")
struct PatchDialectsTests {
    static let rfcExamples = [
        PatchRFCExampleTests.addMember, PatchRFCExampleTests.addWithoutPath, PatchRFCExampleTests.removeMember,
        PatchRFCExampleTests.removeAllMembers, PatchRFCExampleTests.removeWorkEmail,
        PatchRFCExampleTests.removeAndAddMember,
        PatchRFCExampleTests.removeAllThenAdd, PatchRFCExampleTests.replaceMembers,
        PatchRFCExampleTests.replaceWorkAddress,
        PatchRFCExampleTests.replaceStreetAddress, PatchRFCExampleTests.replaceWithoutPath,
    ]

    @Test("strict requests (every RFC 7644 §3.5.2 example) pass every dialect unchanged", arguments: rfcExamples)
    func strictRequestsUnchanged(_ text: String) throws {
        let raw = try JSONParser.parse(text)
        for schema in [RFCExampleResources.userSchema, RFCExampleResources.groupSchema] {
            let (normalized, changedBy) = PatchDialects.normalizeReporting(raw, schema: schema)
            #expect(normalized == raw)
            #expect(changedBy.isEmpty)
        }
    }

    @Test func reportsWhichDialectChangedTheRequest() throws {
        #expect(
            try dialectsChanging(
                patchBody(#"{"op":"Replace","path":"active","value":"False"}"#),
                RFCExampleResources.userSchema
            ) == ["entra"]
        )
    }

    @Test func namesAreDistinct() {
        let names = PatchDialects.all.map { $0.name }
        #expect(Set(names).count == names.count)
        #expect(names.contains("entra") && names.contains("okta") && names.contains("pingone"))
    }
}
