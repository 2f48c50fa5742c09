import Testing

@testable import SCIM

@Suite("bulkId resolution (RFC 7644 §3.7.1, §3.7.2)")
struct BulkIdResolverTests {
    func operations(_ text: String) throws -> [BulkOperation] {
        try BulkRequest.parse(Array(text.utf8), limits: BulkLimits()).operations
    }

    func ops(_ json: String) throws -> [BulkOperation] {
        try operations(
            #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],"Operations":["# + json + "]}"
        )
    }

    @Test("§3.7.2: Alice's id replaces bulkId:qwerty in the group's members")
    func tourGuides() throws {
        var resolver = BulkIdResolver(operations: try operations(BulkFixtures.tourGuidesRequest))
        #expect(resolver.order == [0, 1])
        #expect(resolver.failures.isEmpty)
        #expect(try resolver.resolved(0) == resolver.operations[0])
        resolver.record(bulkId: "qwerty", id: "92b725cd-9465-4e7d-8c16-01f8e146b87a")
        let group = try resolver.resolved(1)
        #expect(group.data?["members"] == [["type": "User", "value": "92b725cd-9465-4e7d-8c16-01f8e146b87a"]])
        #expect(group.data?["displayName"] == "Tour Guides")
    }

    @Test("§3.7.2: references inside an extension (enterprise manager) resolve too")
    func manager() throws {
        var resolver = BulkIdResolver(operations: try operations(BulkFixtures.managerRequest))
        #expect(resolver.order == [0, 1])
        resolver.record(bulkId: "qwerty", id: "alice-id")
        let bob = try resolver.resolved(1)
        let ext = bob.data?[SchemaRegistry.enterpriseUserSchema]
        #expect(ext?["manager"] == ["value": "alice-id"])
        #expect(ext?["employeeNumber"] == "11250")
    }

    @Test("§3.7.1: a circular reference is broken: both groups are created bare, then completed")
    func circular() throws {
        var resolver = BulkIdResolver(operations: try operations(BulkFixtures.circularRequest))
        #expect(resolver.failures.isEmpty)
        #expect(
            resolver.steps == [.createBreakingCycle(0), .createBreakingCycle(1), .completeCycle(0), .completeCycle(1)]
        )
        // First pass: Group A without its member (Group B does not exist yet).
        let a = try resolver.withoutUnresolved(0)
        #expect(a.method == .post)
        #expect(a.data?["members"] == [])
        #expect(a.data?["displayName"] == "Group A")
        resolver.record(bulkId: "qwerty", id: "a-id")
        // Group B can already name A.
        let b = try resolver.withoutUnresolved(1)
        #expect(b.data?["members"] == [["type": "Group", "value": "a-id"]])
        resolver.record(bulkId: "ytrewq", id: "b-id")
        // Second pass: full replaces at the created resources.
        let completeA = try resolver.completion(0)
        #expect(completeA.method == .put)
        #expect(completeA.path == "/Groups/a-id")
        #expect(completeA.data?["members"] == [["type": "Group", "value": "b-id"]])
        #expect(try resolver.completion(1).path == "/Groups/b-id")
    }

    @Test func aFailedPostOnACycleFailsTheOthersCompletion() throws {
        var resolver = BulkIdResolver(operations: try operations(BulkFixtures.circularRequest))
        resolver.recordFailure(bulkId: "qwerty")
        resolver.record(bulkId: "ytrewq", id: "b-id")
        #expect(throws: SCIMError.self) { try resolver.completion(1) }
        #expect(throws: SCIMError.self) { try resolver.completion(0) }
    }

    @Test func selfReferenceIsACycleOfOne() throws {
        let resolver = BulkIdResolver(
            operations: try ops(
                #"{"method":"POST","bulkId":"g","path":"/Groups","data":{"members":[{"value":"bulkId:g"}]}}"#
            )
        )
        #expect(resolver.steps == [.createBreakingCycle(0), .completeCycle(0)])
    }

    @Test func anAttributeHoldingAnUnresolvedReferenceIsLeftOutOfTheFirstPass() throws {
        let resolver = BulkIdResolver(
            operations: try ops(
                #"""
                {"method":"POST","bulkId":"a","path":"/Users","data":{"userName":"a","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"manager":{"value":"bulkId:b"},"employeeNumber":"1"}}},
                {"method":"POST","bulkId":"b","path":"/Users","data":{"userName":"b","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"manager":{"value":"bulkId:a"}}}}
                """#
            )
        )
        let a = try resolver.withoutUnresolved(0)
        #expect(a.data?[SchemaRegistry.enterpriseUserSchema] == ["employeeNumber": "1"])
    }

    @Test func operationsDependingOnACycleRunAfterIt() throws {
        let resolver = BulkIdResolver(
            operations: try ops(
                #"""
                {"method":"POST","bulkId":"a","path":"/Groups","data":{"members":[{"value":"bulkId:b"}]}},
                {"method":"POST","bulkId":"b","path":"/Groups","data":{"members":[{"value":"bulkId:a"}]}},
                {"method":"POST","bulkId":"c","path":"/Groups","data":{"members":[{"value":"bulkId:a"}]}},
                {"method":"POST","bulkId":"u","path":"/Users","data":{"userName":"u"}}
                """#
            )
        )
        #expect(
            resolver.steps == [
                .createBreakingCycle(0), .createBreakingCycle(1), .completeCycle(0), .completeCycle(1), .run(2),
                .run(3),
            ]
        )
        #expect(resolver.failures.isEmpty)
    }

    @Test("a group referring to a user created later runs after it; request order is kept otherwise")
    func reordering() throws {
        let resolver = BulkIdResolver(
            operations: try ops(
                #"""
                {"method":"DELETE","path":"/Users/old"},
                {"method":"POST","bulkId":"g","path":"/Groups","data":{"displayName":"G","members":[{"value":"bulkId:u1"},{"value":"bulkId:u2"}]}},
                {"method":"POST","bulkId":"u1","path":"/Users","data":{"userName":"one"}},
                {"method":"PATCH","path":"/Groups/bulkId:g","data":{"Operations":[{"op":"add","path":"members","value":[{"value":"bulkId:u3"}]}]}},
                {"method":"POST","bulkId":"u2","path":"/Users","data":{"userName":"two"}},
                {"method":"POST","bulkId":"u3","path":"/Users","data":{"userName":"three"}}
                """#
            )
        )
        #expect(resolver.order == [0, 2, 4, 1, 5, 3])
        #expect(resolver.failures.isEmpty)
        #expect(BulkIdResolver.references(in: resolver.operations[3]) == ["g", "u3"])
    }

    @Test("a bulkId in the path of a later operation resolves")
    func pathReference() throws {
        var resolver = BulkIdResolver(
            operations: try ops(
                #"""
                {"method":"POST","bulkId":"g","path":"/Groups","data":{"displayName":"G"}},
                {"method":"PATCH","path":"/Groups/bulkId:g","data":{"Operations":[{"op":"replace","path":"displayName","value":"H"}]}}
                """#
            )
        )
        resolver.record(bulkId: "g", id: "e9e30dba")
        #expect(try resolver.resolved(1).path == "/Groups/e9e30dba")
    }

    @Test func unknownBulkIdIsInvalidValueAndItsDependentsConflict() throws {
        let resolver = BulkIdResolver(
            operations: try ops(
                #"""
                {"method":"POST","bulkId":"g","path":"/Groups","data":{"members":[{"value":"bulkId:nobody"}]}},
                {"method":"PATCH","path":"/Groups/bulkId:g","data":{"Operations":[]}},
                {"method":"PUT","path":"/Users/x","data":{"userName":"ok"}}
                """#
            )
        )
        let unknown = try #require(resolver.failures[0])
        #expect(unknown.status == 400)
        #expect(unknown.scimType == .invalidValue)
        #expect(unknown.detail.contains("bulkId:nobody"))
        #expect(resolver.failures[1]?.status == 409)
        #expect(resolver.failures[2] == nil)
        #expect(resolver.order == [0, 1, 2])
    }

    @Test("bulkIds only defined by non-POST operations are not definitions")
    func onlyPostDefines() throws {
        let resolver = BulkIdResolver(
            operations: try ops(
                #"""
                {"method":"PUT","bulkId":"p","path":"/Users/1","data":{"userName":"x"}},
                {"method":"PUT","path":"/Users/2","data":{"manager":"bulkId:p"}}
                """#
            )
        )
        #expect(resolver.failures[1]?.scimType == .invalidValue)
    }

    @Test func failedPostMakesDependentsConflict() throws {
        var resolver = BulkIdResolver(operations: try operations(BulkFixtures.tourGuidesRequest))
        resolver.recordFailure(bulkId: "qwerty")
        do {
            _ = try resolver.resolved(1)
            Issue.record("expected 409")
        } catch {
            #expect(error.status == 409)
            #expect(error.detail.contains("failed"))
        }
        // Without a record at all, the reference is not yet resolvable either.
        let fresh = BulkIdResolver(operations: resolver.operations)
        #expect(throws: SCIMError.self) { try fresh.resolved(1) }
    }

    @Test func referenceSyntax() {
        #expect(BulkIdResolver.reference("bulkId:qwerty") == "qwerty")
        #expect(BulkIdResolver.reference("bulkId:") == nil)
        #expect(BulkIdResolver.reference("qwerty") == nil)
        #expect(BulkIdResolver.reference("xbulkId:qwerty") == nil)
    }
}
