import Testing

@testable import SCIM

@Suite("PATCH: runs of member operations applied in one pass")
struct PatchBatchTests {
    let group = RFCExampleResources.group
    let groupSchema = RFCExampleResources.groupSchema

    /// Applies each operation as its own request, one after the other: the reference semantics.
    func oneByOne(_ ops: [String], to resource: JSONObject) throws -> JSONObject {
        var r = resource
        for op in ops { r = try applyPatch(operations(op), to: r, groupSchema) }
        return r
    }

    static let runs: [[String]] = [
        [
            #"{"op":"add","path":"members","value":[{"value":"a"}]}"#,
            #"{"op":"add","path":"members","value":{"value":"b"}}"#,
            #"{"op":"add","path":"members","value":[{"value":"A","type":"User"},{"value":"\#(IDs.babs)"}]}"#,
        ],
        [
            #"{"op":"remove","path":"members[value eq \"\#(IDs.babs.uppercased())\"]"}"#,
            #"{"op":"remove","path":"members[value eq \"nobody\" or value eq \"\#(IDs.mandy)\"]"}"#,
        ],
        [
            #"{"op":"add","path":"members","value":[{"value":"a"}]}"#,
            #"{"op":"remove","path":"members[value eq \"a\"]"}"#,
            #"{"op":"remove","path":"members[value eq \"\#(IDs.babs)\"]"}"#,
            #"{"op":"add","path":"members","value":[{"value":"a"}]}"#,
            #"{"op":"add","path":"members","value":[{"value":"\#(IDs.babs)"}]}"#,
        ],
    ]

    @Test("a run gives what the operations give one by one", arguments: runs)
    func sameAsOneByOne(_ ops: [String]) throws {
        let batched = try applyPatch(operations(ops.joined(separator: ",")), to: group, groupSchema)
        #expect(batched == (try oneByOne(ops, to: group)))
        let parsed = try patchRequest(operations(ops.joined(separator: ","))).operations
        #expect(parsed.indices.contains { PatchBatch.starting(at: $0, in: parsed, schema: groupSchema) != nil })
    }

    @Test("an error inside a run names the run's operations")
    func errorNamesTheRun() {
        let e = scimError {
            _ = try applyPatch(
                operations(
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
            operations(
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
        let big = group.with("members", .array(members))
        let removes = (0..<k).map { PatchOperation(op: .remove, path: "members[value eq \"user-\($0 * 10)\"]") }
        let result = try PatchEngine.apply(PatchRequest(operations: removes), to: big, schema: groupSchema)
        #expect(result["members"]?.arrayValue?.count == n - k)
        #expect(values(result, "members").contains("user-10") == false)
        #expect(values(result, "members").contains("user-11") == true)
    }
}
