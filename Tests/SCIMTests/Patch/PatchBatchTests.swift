import Testing

@testable import SCIM

@Suite("PATCH: runs of member operations applied in one pass")
struct PatchBatchTests {
    let group = RFCExampleResources.group
    let groupSchema = RFCExampleResources.groupSchema

    /// Applies each operation as its own request, one after the other: the reference semantics.
    func oneByOne(_ ops: [String], to resource: JSONObject) throws -> JSONObject {
        var r = resource
        for op in ops { r = try applyPatch(patchBody(op), to: r, groupSchema) }
        return r
    }

    static let runs: [[String]] = [
        [
            #"{"op":"add","path":"members","value":[{"value":"a"}]}"#,
            #"{"op":"add","path":"members","value":{"value":"b"}}"#,
            #"{"op":"add","path":"members","value":[{"value":"A","type":"User"},{"value":"\#(PatchIDs.babs)"}]}"#,
        ],
        [
            #"{"op":"remove","path":"members[value eq \"\#(PatchIDs.babs.uppercased())\"]"}"#,
            #"{"op":"remove","path":"members[value eq \"nobody\" or value eq \"\#(PatchIDs.mandy)\"]"}"#,
        ],
        [
            #"{"op":"add","path":"members","value":[{"value":"a"}]}"#,
            #"{"op":"remove","path":"members[value eq \"a\"]"}"#,
            #"{"op":"remove","path":"members[value eq \"\#(PatchIDs.babs)\"]"}"#,
            #"{"op":"add","path":"members","value":[{"value":"a"}]}"#,
            #"{"op":"add","path":"members","value":[{"value":"\#(PatchIDs.babs)"}]}"#,
        ],
    ]

    @Test("a run gives what the operations give one by one", arguments: runs)
    func sameAsOneByOne(_ ops: [String]) throws {
        let batched = try applyPatch(patchBody(ops.joined(separator: ",")), to: group, groupSchema)
        #expect(batched == (try oneByOne(ops, to: group)))
        let parsed = try patchRequest(patchBody(ops.joined(separator: ","))).operations
        #expect(parsed.indices.contains { PatchBatch.starting(at: $0, in: parsed, schema: groupSchema) != nil })
    }

    @Test("an error inside a run names the run's operations")
    func errorNamesTheRun() {
        let e = expectSCIMError {
            _ = try applyPatch(
                patchBody(
                    #"{"op":"replace","path":"displayName","value":"X"}"#,
                    #"{"op":"add","path":"members","value":[{"value":"a"}]}"#,
                    #"{"op":"add","path":"members","value":[{"value":7}]}"#
                ),
                to: group,
                groupSchema
            )
        }
        #expect(e?.scimType == .invalidValue)
        #expect(e?.detail.hasPrefix("Operations 2–3 (add members)") == true)
    }

    @Test("adds that set primary stay separate, so the later primary wins")
    func primaryAddsStayApart() throws {
        let user = RFCExampleResources.fullUser
        let result = try applyPatch(
            patchBody(
                #"{"op":"add","path":"emails","value":[{"value":"a@example.org","type":"other","primary":true}]}"#,
                #"{"op":"add","path":"emails","value":[{"value":"b@example.org","type":"other","primary":true}]}"#
            ),
            to: user,
            RFCExampleResources.userSchema
        )
        let primaries = result["emails"]!.arrayValue!.filter { $0["primary"] == true }.map { $0["value"] }
        #expect(primaries == ["b@example.org"])
    }

    @Test("k removes by id on a large group remove exactly those members")
    func largeGroup() throws {
        let n = 20_000, k = 2_000
        let members: [JSONValue] = (0..<n).map { ["value": .string("user-\($0)")] }
        let big = group.withMember("members", .array(members))
        let removes = (0..<k).map { PatchOperation(op: .remove, path: "members[value eq \"user-\($0 * 10)\"]") }
        let result = try PatchEngine.apply(PatchRequest(operations: removes), to: big, schema: groupSchema)
        #expect(result["members"]?.arrayValue?.count == n - k)
        #expect(valueList(result, "members").contains("user-10") == false)
        #expect(valueList(result, "members").contains("user-11") == true)
    }
}
