import Testing

@testable import SCIM

@Suite("PATCH engine semantics (RFC 7644 §3.5.2.1–§3.5.2.3)")
struct PatchEngineTests {
    let user = RFCExampleResources.fullUser
    let enterpriseUser = RFCExampleResources.enterpriseUser
    let group = RFCExampleResources.group
    let userSchema = RFCExampleResources.userSchema
    let groupSchema = RFCExampleResources.groupSchema
    static let enterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"

    // MARK: Named regressions

    @Test("an extension object value may carry its own schemas list (scim2-tester sends one)")
    func extensionValueWithSchemas() throws {
        for op in ["add", "replace"] {
            let result = try applyPatch(
                patchBody(
                    #"{"op":"\#(op)","path":"\#(Self.enterprise)","value":{"schemas":["\#(Self.enterprise)"],"department":"Tour Operations"}}"#
                ),
                to: user,
                userSchema
            )
            #expect(result[Self.enterprise]?["department"] == "Tour Operations")
            #expect(result[Self.enterprise]?["schemas"] == nil)
        }
    }

    @Test("regression: a PUT-like replace of members makes the members exactly the list sent")
    func replaceMembersIsExact() throws {
        let result = try applyPatch(
            patchBody(
                #"{"op":"replace","path":"members","value":[{"value":"\#(PatchIDs.james)"},{"value":"\#(PatchIDs.mandy)"},{"value":"\#(PatchIDs.james)"}]}"#
            ),
            to: group,
            groupSchema
        )
        #expect(valueList(result, "members") == [PatchIDs.james, PatchIDs.mandy])
        #expect(result.withMember("members", nil) == group.withMember("members", nil))
    }

    @Test("regression: a replace of displayName alone does not touch members")
    func replaceDisplayNameKeepsMembers() throws {
        for body in [
            patchBody(#"{"op":"replace","path":"displayName","value":"Tour Leads"}"#),
            patchBody(#"{"op":"replace","value":{"displayName":"Tour Leads"}}"#),
        ] {
            let result = try applyPatch(body, to: group, groupSchema)
            #expect(result["displayName"] == "Tour Leads")
            #expect(result["members"] == group["members"])
        }
    }

    // MARK: Atomicity

    @Test("a failing second operation fails the request; nothing of the first one is returned")
    func atomicity() throws {
        let first = #"{"op":"replace","path":"displayName","value":"Changed"}"#
        let failing = #"{"op":"replace","path":"emails[type eq \"other\"].value","value":"x@example.com"}"#
        let original = user
        // The first operation alone does change the resource …
        #expect(try applyPatch(patchBody(first), to: user, userSchema)["displayName"] == "Changed")
        // … but together with a failing one the request fails as a whole, naming the culprit.
        let e = expectSCIMError { _ = try applyPatch(patchBody(first, failing), to: user, userSchema) }
        #expect(e?.scimType == .noTarget)
        #expect(e?.detail.hasPrefix("Operation 2 (replace emails[type eq \"other\"].value)") == true)
        #expect(user == original)
    }

    // MARK: Errors, one per scimType

    @Test(
        "noTarget: remove without path; replace whose filter matches nothing",
        arguments: [
            #"{"op":"remove"}"#,
            #"{"op":"replace","path":"emails[type eq \"other\"]","value":{"value":"x@example.com"}}"#,
            #"{"op":"add","path":"emails[value ew \"example.org\"].display","value":"x"}"#,
        ]
    )
    func noTarget(_ op: String) {
        let e = expectSCIMError { _ = try applyPatch(patchBody(op), to: user, userSchema) }
        #expect(e?.scimType == .noTarget, "\(e?.description ?? "")")
    }

    @Test(
        "invalidPath: unknown or unusable paths",
        arguments: [
            #"{"op":"replace","path":"nickname2","value":"x"}"#,
            #"{"op":"remove","path":"name.nope"}"#,
            #"{"op":"add","path":"emails.value","value":"x@example.com"}"#,
            #"{"op":"remove","path":"emails[type eq \"work\""}"#,
            #"{"op":"replace","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:nope","value":"x"}"#,
        ]
    )
    func invalidPath(_ op: String) {
        let e = expectSCIMError { _ = try applyPatch(patchBody(op), to: user, userSchema) }
        #expect(e?.scimType == .invalidPath, "\(e?.description ?? "")")
    }

    @Test(
        "mutability: readOnly, required and immutable attributes",
        arguments: [
            #"{"op":"replace","path":"id","value":"other"}"#,
            #"{"op":"remove","path":"id"}"#,
            #"{"op":"replace","path":"meta.lastModified","value":"2020-01-01T00:00:00Z"}"#,
            #"{"op":"add","path":"groups","value":[{"value":"g"}]}"#,
            #"{"op":"remove","path":"groups[value eq \"e9e30dba-f08f-4109-8486-d5c6a331660a\"]"}"#,
            #"{"op":"remove","path":"userName"}"#,
            #"{"op":"replace","path":"userName","value":null}"#,
            #"{"op":"remove","path":"schemas"}"#,
            #"{"op":"replace","value":{"id":"not-the-id"}}"#,
            #"{"op":"replace","value":{"groups":[]}}"#,
        ]
    )
    func mutability(_ op: String) {
        let e = expectSCIMError { _ = try applyPatch(patchBody(op), to: user, userSchema) }
        #expect(e?.scimType == .mutability, "\(e?.description ?? "")")
    }

    @Test("mutability on groups: required displayName; immutable member value")
    func groupMutability() {
        for op in [
            #"{"op":"remove","path":"displayName"}"#,
            #"{"op":"replace","path":"members[value eq \"\#(PatchIDs.babs)\"].value","value":"someone-else"}"#,
            #"{"op":"replace","path":"members[value eq \"\#(PatchIDs.babs)\"]","value":{"value":"someone-else"}}"#,
            #"{"op":"replace","path":"members[value eq \"\#(PatchIDs.babs)\"].display","value":"Babs"}"#,
        ] {
            let e = expectSCIMError { _ = try applyPatch(patchBody(op), to: group, groupSchema) }
            #expect(e?.scimType == .mutability, "\(op): \(e?.description ?? "")")
        }
    }

    @Test("an immutable sub-attribute may be added while it has no value, not changed afterwards")
    func immutableAddedWhenAbsent() throws {
        let path = #"members[value eq \"\#(PatchIDs.babs)\"].type"#
        let typed = try applyPatch(
            patchBody(#"{"op":"add","path":"\#(path)","value":"User"}"#),
            to: group,
            groupSchema
        )
        #expect(typed["members"]?.arrayValue?[0]["type"] == "User")
        let e = expectSCIMError {
            _ = try applyPatch(
                patchBody(#"{"op":"replace","path":"\#(path)","value":"Group"}"#),
                to: typed,
                groupSchema
            )
        }
        #expect(e?.scimType == .mutability)
    }

    @Test(
        "invalidValue: wrong types, unknown attributes in values, misplaced values",
        arguments: [
            #"{"op":"replace","path":"active","value":"yes"}"#,
            #"{"op":"replace","path":"active","value":"False"}"#,
            #"{"op":"replace","value":{"nickName":7}}"#,
            #"{"op":"replace","value":{"shoeSize":44}}"#,
            #"{"op":"replace","value":{"name.givenName":"Barbara"}}"#,
            #"{"op":"replace","value":"Babs"}"#,
            #"{"op":"add","path":"emails","value":[{"value":"a@example.com","colour":"red"}]}"#,
            #"{"op":"add","path":"emails","value":[{"type":"other"}]}"#,
            #"{"op":"add","path":"emails","value":[{"value":"a@example.com","primary":true},{"value":"b@example.com","primary":true}]}"#,
            #"{"op":"replace","path":"name","value":"Barbara"}"#,
            #"{"op":"replace","path":"emails[type eq \"work\"]","value":[{"value":"a@example.com"}]}"#,
            #"{"op":"add","path":"schemas","value":["urn:example:unknown"]}"#,
            #"{"op":"replace","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber","value":701984}"#,
            #"{"op":"replace","value":{"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":"x"}}"#,
            #"{"op":"replace","path":"meta","value":{}}"#,
        ]
    )
    func invalidValue(_ op: String) {
        let e = expectSCIMError { _ = try applyPatch(patchBody(op), to: user, userSchema) }
        // `meta` by path is readOnly: mutability, checked before the value.
        let expected: SCIMError.ScimType = op.contains(#""meta""#) ? .mutability : .invalidValue
        #expect(e?.scimType == expected, "\(op): \(e?.description ?? "")")
    }

    @Test("a value that is never returned (password) is not echoed in an error")
    func passwordNotEchoed() {
        let e = expectSCIMError {
            _ = try applyPatch(
                patchBody(#"{"op":"replace","path":"password","value":["s3cret!"]}"#),
                to: user,
                userSchema
            )
        }
        #expect(e?.scimType == .invalidValue)
        #expect(e?.detail.contains("s3cret") == false)
    }

    // MARK: add / replace / remove details

    @Test("add to a multi-valued attribute de-duplicates, also within the value and across case")
    func addDeduplicates() throws {
        let result = try applyPatch(
            patchBody(
                #"{"op":"add","path":"members","value":[{"value":"\#(PatchIDs.babs.uppercased())"},{"value":"\#(PatchIDs.james)"},{"value":"\#(PatchIDs.james)"}]}"#
            ),
            to: group,
            groupSchema
        )
        // members.value is caseExact: false (RFC 7643 §8.7.1), so the upper-cased Babs is Babs.
        #expect(valueList(result, "members") == [PatchIDs.babs, PatchIDs.mandy, PatchIDs.james])
    }

    @Test("add to a multi-valued attribute accepts a single object as well as an array")
    func addSingleObject() throws {
        let result = try applyPatch(
            patchBody(#"{"op":"add","path":"members","value":{"value":"\#(PatchIDs.james)"}}"#),
            to: group,
            groupSchema
        )
        #expect(valueList(result, "members") == [PatchIDs.babs, PatchIDs.mandy, PatchIDs.james])
    }

    @Test("add of a value with the same (type, value) merges into it instead of duplicating")
    func addSameTypeAndValueMerges() throws {
        let result = try applyPatch(
            patchBody(
                #"{"op":"add","path":"emails","value":[{"value":"babs@jensen.org","type":"home","display":"Home"}]}"#
            ),
            to: user,
            userSchema
        )
        #expect(result["emails"]?.arrayValue?.count == 2)
        #expect(elementOfType(result, "emails", type: "home")?["display"] == "Home")
        // Same value with another type is another (type, value) pair.
        let other = try applyPatch(
            patchBody(#"{"op":"add","path":"emails","value":[{"value":"babs@jensen.org","type":"other"}]}"#),
            to: user,
            userSchema
        )
        #expect(other["emails"]?.arrayValue?.count == 3)
    }

    @Test("add/replace of a single-valued complex attribute merges sub-attributes", arguments: ["add", "replace"])
    func complexMerge(_ op: String) throws {
        let result = try applyPatch(
            patchBody(#"{"op":"\#(op)","path":"name","value":{"givenName":"Babs","middleName":null}}"#),
            to: user,
            userSchema
        )
        var expected = user["name"]!.objectValue!
        expected["givenName"] = "Babs"
        expected["middleName"] = nil
        #expect(result["name"] == .object(expected))
    }

    @Test("add/replace of a sub-attribute path sets it; remove drops it, and the parent when it empties")
    func subAttributePaths() throws {
        let set = try applyPatch(
            patchBody(#"{"op":"replace","path":"name.familyName","value":"Jensen-Smith"}"#),
            to: user,
            userSchema
        )
        #expect(set["name"]?["familyName"] == "Jensen-Smith")
        #expect(set["name"]?["givenName"] == "Barbara")
        let minimal = RFCExampleResources.minimalUser
        let added = try applyPatch(
            patchBody(#"{"op":"add","path":"name.givenName","value":"Barbara"}"#),
            to: minimal,
            userSchema
        )
        #expect(added["name"] == ["givenName": "Barbara"])
        let removed = try applyPatch(patchBody(#"{"op":"remove","path":"name.givenName"}"#), to: added, userSchema)
        #expect(removed == minimal)
    }

    @Test("remove of a sub-attribute without a filter removes it from every value")
    func removeSubAttributeOfEveryValue() throws {
        let result = try applyPatch(patchBody(#"{"op":"remove","path":"addresses.formatted"}"#), to: user, userSchema)
        #expect(result["addresses"]?.arrayValue?.allSatisfy { $0["formatted"] == nil } == true)
        #expect(result["addresses"]?.arrayValue?.count == 2)
    }

    @Test("remove with a filter removes matching values and drops the attribute when none remain")
    func removeFilteredToEmpty() throws {
        let one = try applyPatch(patchBody(#"{"op":"remove","path":"ims[type eq \"aim\"]"}"#), to: user, userSchema)
        #expect(one["ims"] == nil)
        let sub = try applyPatch(
            patchBody(#"{"op":"remove","path":"phoneNumbers[type eq \"mobile\"].value"}"#),
            to: user,
            userSchema
        )
        #expect(elementOfType(sub, "phoneNumbers", type: "mobile") == ["type": "mobile"])
    }

    @Test("replace with null unassigns; add with null changes nothing")
    func nullValues() throws {
        let replaced = try applyPatch(
            patchBody(#"{"op":"replace","path":"nickName","value":null}"#),
            to: user,
            userSchema
        )
        #expect(replaced["nickName"] == nil)
        #expect(
            try applyPatch(patchBody(#"{"op":"add","path":"nickName","value":null}"#), to: user, userSchema) == user
        )
        let emptied = try applyPatch(patchBody(#"{"op":"replace","value":{"emails":[]}}"#), to: user, userSchema)
        #expect(emptied["emails"] == nil)
    }

    @Test("add with an eq filter that matches nothing creates the value (Entra's first work email)")
    func addCreatesFromFilter() throws {
        let minimal = RFCExampleResources.minimalUser
        let result = try applyPatch(
            patchBody(#"{"op":"add","path":"emails[type eq \"work\"].value","value":"babs@example.com"}"#),
            to: minimal,
            userSchema
        )
        #expect(result["emails"] == [["type": "work", "value": "babs@example.com"]])
        let again = try applyPatch(
            patchBody(#"{"op":"add","path":"emails[type eq \"work\"].value","value":"babs2@example.com"}"#),
            to: result,
            userSchema
        )
        #expect(again["emails"] == [["type": "work", "value": "babs2@example.com"]])
    }

    @Test("a pathless value may echo id unchanged (Okta group rename) and meta; changing id is refused")
    func pathlessEcho() throws {
        let body = patchBody(
            #"{"op":"replace","value":{"id":"\#(group["id"]!.stringValue!)","displayName":"Guides","meta":{"version":"W/\"x\""}}}"#
        )
        let result = try applyPatch(body, to: group, groupSchema)
        #expect(result == group.withMember("displayName", "Guides"))
        let echoSchemas = patchBody(
            #"{"op":"add","value":{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Guides"}}"#
        )
        #expect(try applyPatch(echoSchemas, to: group, groupSchema) == group.withMember("displayName", "Guides"))
    }

    // MARK: primary (RFC 7643 §2.4)

    @Test("a new primary value clears primary on the others")
    func newPrimaryClearsOthers() throws {
        let added = try applyPatch(
            patchBody(
                #"{"op":"add","path":"emails","value":[{"value":"b@example.org","type":"other","primary":true}]}"#
            ),
            to: user,
            userSchema
        )
        #expect(elementOfType(added, "emails", type: "other")?["primary"] == true)
        #expect(elementOfType(added, "emails", type: "work")?["primary"] == false)
        #expect(elementOfType(added, "emails", type: "home")?["primary"] == nil)

        let flagged = try applyPatch(
            patchBody(#"{"op":"replace","path":"emails[type eq \"home\"].primary","value":true}"#),
            to: user,
            userSchema
        )
        #expect(elementOfType(flagged, "emails", type: "home")?["primary"] == true)
        #expect(elementOfType(flagged, "emails", type: "work")?["primary"] == false)
    }

    @Test("setting primary on several values at once is invalidValue")
    func severalPrimaries() {
        let e = expectSCIMError {
            _ = try applyPatch(
                patchBody(#"{"op":"replace","path":"phoneNumbers[value sw \"555\"].primary","value":true}"#),
                to: user,
                userSchema
            )
        }
        #expect(e?.scimType == .invalidValue)
    }

    // MARK: Extensions and schemas

    @Test("a URN-qualified attribute in a pathless value creates the extension and lists its URN")
    func urnQualifiedKeyAddsExtension() throws {
        let result = try applyPatch(
            patchBody(
                #"{"op":"add","value":{"\#(Self.enterprise):employeeNumber":"701984","\#(Self.enterprise)":{"costCenter":"4130"}}}"#
            ),
            to: user,
            userSchema
        )
        #expect(result[Self.enterprise] == ["employeeNumber": "701984", "costCenter": "4130"])
        #expect(result["schemas"] == ["urn:ietf:params:scim:schemas:core:2.0:User", .string(Self.enterprise)])
    }

    @Test("extension attribute paths: replace a sub-attribute, remove an attribute")
    func extensionAttributePaths() throws {
        let manager = try applyPatch(
            patchBody(#"{"op":"replace","path":"\#(Self.enterprise):manager.value","value":"boss"}"#),
            to: enterpriseUser,
            userSchema
        )
        #expect(manager[Self.enterprise]?["manager"]?["value"] == "boss")
        #expect(manager[Self.enterprise]?["manager"]?["displayName"] == "John Smith")
        let removed = try applyPatch(
            patchBody(#"{"op":"remove","path":"\#(Self.enterprise):department"}"#),
            to: enterpriseUser,
            userSchema
        )
        #expect(removed[Self.enterprise]?["department"] == nil)
        #expect(removed[Self.enterprise]?["division"] == "Theme Park")
    }

    @Test("the bare extension URN targets the whole extension object")
    func bareExtensionURN() throws {
        let merged = try applyPatch(
            patchBody(#"{"op":"replace","path":"\#(Self.enterprise)","value":{"department":"Rides"}}"#),
            to: enterpriseUser,
            userSchema
        )
        #expect(merged[Self.enterprise]?["department"] == "Rides")
        #expect(merged[Self.enterprise]?["employeeNumber"] == "701984")

        let removed = try applyPatch(
            patchBody(#"{"op":"remove","path":"\#(Self.enterprise)"}"#),
            to: enterpriseUser,
            userSchema
        )
        #expect(removed[Self.enterprise] == nil)
        #expect(removed["schemas"] == ["urn:ietf:params:scim:schemas:core:2.0:User"])
        #expect(
            removed.withMember("schemas", nil)
                == enterpriseUser.withMember(Self.enterprise, nil).withMember("schemas", nil)
        )
    }

    @Test("removing the last extension attribute removes the extension URN from schemas")
    func lastExtensionAttribute() throws {
        let added = try applyPatch(
            patchBody(#"{"op":"add","path":"\#(Self.enterprise):division","value":"Rides"}"#),
            to: user,
            userSchema
        )
        #expect(added["schemas"]?.arrayValue?.count == 2)
        let removed = try applyPatch(
            patchBody(#"{"op":"remove","path":"\#(Self.enterprise):division"}"#),
            to: added,
            userSchema
        )
        #expect(removed == user)
    }

    // MARK: Case-insensitivity (RFC 7643 §2.1)

    @Test("attribute names in paths and values are case-insensitive and come out canonically spelled")
    func caseInsensitiveNames() throws {
        let minimal = RFCExampleResources.minimalUser
        let result = try applyPatch(
            patchBody(
                #"{"op":"add","value":{"DISPLAYNAME":"Babs","Emails":[{"VALUE":"b@example.com","Type":"work"}],"NAME":{"GIVENNAME":"B"}}}"#,
                #"{"op":"replace","path":"EMAILS[TYPE eq \"work\"].VALUE","value":"babs@example.com"}"#,
                #"{"op":"add","path":"URN:IETF:PARAMS:SCIM:SCHEMAS:EXTENSION:ENTERPRISE:2.0:USER:EMPLOYEENUMBER","value":"1"}"#
            ),
            to: minimal,
            userSchema
        )
        #expect(result.storedKey(for: "displayname") == "displayName")
        #expect(result["emails"] == [["value": "babs@example.com", "type": "work"]])
        #expect(result["emails"]?.arrayValue?[0].objectValue?.keys == ["value", "type"])
        #expect(result["name"]?.objectValue?.keys == ["givenName"])
        #expect(result[Self.enterprise]?.objectValue?.keys == ["employeeNumber"])
    }
}
