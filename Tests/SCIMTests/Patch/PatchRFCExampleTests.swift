import Testing

@testable import SCIM

/// Every PATCH request printed in RFC 7644 §3.5.2.1–§3.5.2.3, copied verbatim, applied to the
/// RFC 7643 §8 example resources.
///
/// Two kinds of change to the RFC text, each named where it happens:
/// - the two pathless examples lack the `}` closing their operation object; it is added;
/// - where the RFC elides ids ("2819c223...413861904646"), `expanded` fills in the full ids
///   printed elsewhere in the RFCs, so that the request meets the example resource.
/// Figure 6 (§3.5.2) is the same request as the first §3.5.2.1 example, with a
/// "... + additional operations if needed ..." placeholder that is not JSON.
@Suite("PATCH: RFC 7644 §3.5.2 examples")
struct PatchRFCExampleTests {
    let user = RFCExampleResources.fullUser
    let group = RFCExampleResources.group
    let userSchema = RFCExampleResources.userSchema
    let groupSchema = RFCExampleResources.groupSchema

    /// The RFC's elided ids with the full ids of RFC 7643 §8.4 / RFC 7644 §3.5.2.2.
    func expanded(_ text: String) -> String {
        text.replacing("2819c223-7f76-...413861904646", with: PatchIDs.babs)
            .replacing("2819c223...919d-413861904646", with: PatchIDs.babs)
            .replacing("2819c223...413861904646", with: PatchIDs.babs)
            .replacing("08e1d05d...473d93df9210", with: PatchIDs.james)
    }

    // MARK: §3.5.2.1 Add

    static let addMember = #"""
        { "schemas":
           ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
          "Operations":[
            {
             "op":"add",
             "path":"members",
             "value":[
              {
                "display": "Babs Jensen",
                "$ref":
        "https://example.com/v2/Users/2819c223...413861904646",
                "value": "2819c223-7f76-453a-919d-413861904646"
              }
             ]
            }
          ]
        }
        """#

    @Test("add member: already a member, so nothing changes")
    func addExistingMember() throws {
        let result = try applyPatch(Self.addMember, to: group, groupSchema)
        #expect(result == group)
    }

    @Test("add member: a new member is appended, its readOnly display dropped")
    func addNewMember() throws {
        let withoutBabs = group.withMember(
            "members",
            .array(group["members"]!.arrayValue!.filter { $0["value"] != .string(PatchIDs.babs) })
        )
        let result = try applyPatch(Self.addMember, to: withoutBabs, groupSchema)
        #expect(valueList(result, "members") == [PatchIDs.mandy, PatchIDs.babs])
        let added = result["members"]!.arrayValue![1]
        #expect(
            added == ["value": .string(PatchIDs.babs), "$ref": "https://example.com/v2/Users/2819c223...413861904646"]
        )
        #expect(result.withMember("members", nil) == group.withMember("members", nil))
    }

    static let addWithoutPath = #"""
        {
          "schemas":
            ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
          "Operations":[{
            "op":"add",
            "value":{
              "emails":[
                {
                  "value":"babs@jensen.org",
                  "type":"home"
                }
              ],
              "nickname":"Babs"
          }}]
        }
        """#  // RFC text: `}]` after "nickname"; the operation's closing `}` is added.

    @Test("add without path to the full user: the email and nickname are already there")
    func addWithoutPathFullUser() throws {
        let result = try applyPatch(Self.addWithoutPath, to: user, userSchema)
        #expect(result == user)
    }

    @Test("add without path to the minimal user: both attributes are added, canonically spelled")
    func addWithoutPathMinimalUser() throws {
        let minimal = RFCExampleResources.minimalUser
        let result = try applyPatch(Self.addWithoutPath, to: minimal, userSchema)
        #expect(result["emails"] == [["value": "babs@jensen.org", "type": "home"]])
        #expect(result.storedKey(for: "nickname") == "nickName")
        #expect(result["nickName"] == "Babs")
        #expect(result.withMember("emails", nil).withMember("nickName", nil) == minimal)
    }

    // MARK: §3.5.2.2 Remove

    static let removeMember = #"""
        {
          "schemas":
           ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
          "Operations":[{
            "op":"remove",
            "path":"members[value eq \"2819c223-7f76-...413861904646\"]"
          }]
        }
        """#

    @Test("remove one member: verbatim the elided id matches no one, which is success without change")
    func removeMemberVerbatim() throws {
        #expect(try applyPatch(Self.removeMember, to: group, groupSchema) == group)
    }

    @Test("remove one member: with the full id only that member goes")
    func removeMember() throws {
        let result = try applyPatch(expanded(Self.removeMember), to: group, groupSchema)
        #expect(valueList(result, "members") == [PatchIDs.mandy])
        #expect(result["members"]!.arrayValue![0] == group["members"]!.arrayValue![1])
    }

    static let removeAllMembers = #"""
        { "schemas":
           ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
          "Operations":[{
            "op":"remove","path":"members"
          }]
        }
        """#

    @Test("remove all members: the attribute is unassigned")
    func removeAllMembers() throws {
        let result = try applyPatch(Self.removeAllMembers, to: group, groupSchema)
        #expect(result["members"] == nil)
        #expect(result == group.withMember("members", nil))
    }

    static let removeWorkEmail = #"""
        {
          "schemas":
           ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
          "Operations": [{
          "op":"remove",
          "path":"emails[type eq \"work\" and value ew \"example.com\"]"
          }]
        }
        """#

    @Test("remove a value of a complex multi-valued attribute selected by a filter")
    func removeWorkEmail() throws {
        let result = try applyPatch(Self.removeWorkEmail, to: user, userSchema)
        #expect(result["emails"] == [["value": "babs@jensen.org", "type": "home"]])
        #expect(result.withMember("emails", nil) == user.withMember("emails", nil))
    }

    static let removeAndAddMember = #"""
        { "schemas":
            ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
          "Operations": [
            {
              "op":"remove",
              "path":
                "members[value eq\"2819c223...919d-413861904646\"]"
            },
            {
              "op":"add",
              "path":"members",
              "value": [
                {
                  "display": "James Smith",
                  "$ref":
        "https://example.com/v2/Users/08e1d05d...473d93df9210",
                  "value": "08e1d05d...473d93df9210"
                }
              ]
            }
          ]
        }
        """#

    @Test("remove one member and add another (the RFC writes eq\"…\" without a space)")
    func removeAndAddMember() throws {
        let result = try applyPatch(expanded(Self.removeAndAddMember), to: group, groupSchema)
        #expect(valueList(result, "members") == [PatchIDs.mandy, PatchIDs.james])
    }

    @Test("remove one member and add another, verbatim: the elided ids are ids like any other")
    func removeAndAddMemberVerbatim() throws {
        let result = try applyPatch(Self.removeAndAddMember, to: group, groupSchema)
        #expect(valueList(result, "members") == [PatchIDs.babs, PatchIDs.mandy, "08e1d05d...473d93df9210"])
    }

    static let removeAllThenAdd = #"""
        {
          "schemas":
            ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
          "Operations": [
            {
              "op":"remove","path":"members"
            },
            {
              "op":"add",
              "path":"members",
              "value":[
              {
                "display": "Babs Jensen",
                "$ref":
        "https://example.com/v2/Users/2819c223...413861904646",
                "value": "2819c223-7f76-453a-919d-413861904646"
              },
              {
                "display": "James Smith",
                "$ref":
        "https://example.com/v2/Users/08e1d05d...473d93df9210",
                "value": "08e1d05d-121c-4561-8b96-473d93df9210"
              }]
            }
          ]
        }
        """#

    @Test("remove all members, then add a new list: the members are exactly the new list")
    func removeAllThenAdd() throws {
        let result = try applyPatch(Self.removeAllThenAdd, to: group, groupSchema)
        #expect(valueList(result, "members") == [PatchIDs.babs, PatchIDs.james])
        #expect(result["members"]!.arrayValue![0]["display"] == nil)
    }

    // MARK: §3.5.2.3 Replace

    static let replaceMembers = #"""
        {
          "schemas":
            ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
          "Operations": [{
            "op":"replace",
            "path":"members",
            "value":[
              {
                "display": "Babs Jensen",
                "$ref":
        "https://example.com/v2/Users/2819c223...413861904646",
                "value": "2819c223...413861904646"
              },
              {
                "display": "James Smith",
                "$ref":
        "https://example.com/v2/Users/08e1d05d...473d93df9210",
                "value": "08e1d05d...473d93df9210"
              }
            ]
          }]
        }
        """#

    @Test("replace all members in one operation, verbatim and with full ids")
    func replaceMembers() throws {
        let verbatim = try applyPatch(Self.replaceMembers, to: group, groupSchema)
        #expect(valueList(verbatim, "members") == ["2819c223...413861904646", "08e1d05d...473d93df9210"])
        let full = try applyPatch(expanded(Self.replaceMembers), to: group, groupSchema)
        #expect(valueList(full, "members") == [PatchIDs.babs, PatchIDs.james])
        #expect(full.withMember("members", nil) == group.withMember("members", nil))
    }

    static let replaceWorkAddress = #"""
        {
          "schemas":
            ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
          "Operations": [{
            "op":"replace",
            "path":"addresses[type eq \"work\"]",
            "value":
            {
              "type": "work",
              "streetAddress": "911 Universal City Plaza",
              "locality": "Hollywood",
              "region": "CA",
              "postalCode": "91608",
              "country": "US",
              "formatted":
        "911 Universal City Plaza\nHollywood, CA 91608 US",
              "primary": true
            }
          }]
        }
        """#

    @Test("replace the work address selected by a filter; the home address is untouched")
    func replaceWorkAddress() throws {
        let result = try applyPatch(Self.replaceWorkAddress, to: user, userSchema)
        let request = try patchRequest(Self.replaceWorkAddress)
        #expect(elementOfType(result, "addresses", type: "work") == request.operations[0].value)
        #expect(elementOfType(result, "addresses", type: "home") == elementOfType(user, "addresses", type: "home"))
        #expect(result["addresses"]?.arrayValue?.count == 2)
        #expect(result.withMember("addresses", nil) == user.withMember("addresses", nil))
    }

    @Test("replace the work address with primary true clears primary on the other address")
    func replaceWorkAddressClearsOtherPrimary() throws {
        // Make the home address primary first, so that the RFC's note has something to reset.
        var addresses = user["addresses"]!.arrayValue!
        addresses = addresses.map { a in
            var o = a.objectValue!
            o["primary"] = .bool(a["type"] == "home")
            return .object(o)
        }
        let result = try applyPatch(
            Self.replaceWorkAddress,
            to: user.withMember("addresses", .array(addresses)),
            userSchema
        )
        #expect(elementOfType(result, "addresses", type: "work")?["primary"] == true)
        #expect(elementOfType(result, "addresses", type: "home")?["primary"] == false)
    }

    static let replaceStreetAddress = #"""
        {
          "schemas":
            ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
          "Operations": [{
            "op":"replace",
            "path":"addresses[type eq \"work\"].streetAddress",
            "value":"1010 Broadway Ave"
          }]
        }
        """#

    @Test("replace one sub-attribute of the values a filter selects")
    func replaceStreetAddress() throws {
        let result = try applyPatch(Self.replaceStreetAddress, to: user, userSchema)
        var expectedWork = elementOfType(user, "addresses", type: "work")!.objectValue!
        expectedWork["streetAddress"] = "1010 Broadway Ave"
        #expect(elementOfType(result, "addresses", type: "work") == .object(expectedWork))
        #expect(elementOfType(result, "addresses", type: "home") == elementOfType(user, "addresses", type: "home"))
    }

    static let replaceWithoutPath = #"""
        {
          "schemas":
            ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
          "Operations": [{
            "op":"replace",
            "value":{
              "emails":[
                {
                  "value":"bjensen@example.com",
                  "type":"work",
                  "primary":true
                },
                {
                  "value":"babs@jensen.org",
                  "type":"home"
                }
              ],
              "nickname":"Babs"
          }}]
        }
        """#  // RFC text: `}]` after "nickname"; the operation's closing `}` is added.

    @Test("replace without path: the listed attributes are replaced, the others unaffected")
    func replaceWithoutPath() throws {
        let request = try patchRequest(Self.replaceWithoutPath)
        let sent = request.operations[0].value!["emails"]
        // On the full user the values are already those; on a user with other emails they replace them all.
        #expect(try PatchEngine.apply(request, to: user, schema: userSchema) == user)
        let other = user.withMember("emails", [["value": "old@example.com", "type": "other"]]).withMember(
            "nickName",
            "B"
        )
        let result = try PatchEngine.apply(request, to: other, schema: userSchema)
        #expect(result["emails"] == sent)
        #expect(result["nickName"] == "Babs")
        #expect(
            result.withMember("emails", nil).withMember("nickName", nil)
                == user.withMember("emails", nil).withMember("nickName", nil)
        )
    }
}
