import Testing

@testable import SCIM

@Suite("PATCH path (RFC 7644 §3.5.2 Figure 7)")
struct PatchPathTests {
    let user = RFCExampleResources.userSchema
    let group = RFCExampleResources.groupSchema
    static let enterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"

    /// The five "valid examples of path" of Figure 8 (line breaks inside the strings removed).
    static let figure8 = [
        "members",
        "name.familyName",
        #"addresses[type eq "work"]"#,
        #"members[value eq "2819c223-7f76-453a-919d-413861904646"]"#,
        #"members[value eq "2819c223-7f76-453a-919d-413861904646"].displayName"#,
    ]

    @Test("Figure 8 paths parse", arguments: figure8)
    func figure8Parses(_ text: String) throws {
        let p = try PatchPath.parse(text)
        #expect(p.text == text)
    }

    @Test func figure8Resolves() throws {
        #expect(
            try PatchPath.parse("members").resolve(against: group)
                == .attribute(group.resolve(AttributePath(name: "members")))
        )
        guard case .attribute(let a) = try PatchPath.parse("name.familyName").resolve(against: user) else {
            Issue.record("expected an attribute path"); return
        }
        #expect(a.canonicalPath == "name.familyName")
        guard case .filtered(let f, _, nil) = try PatchPath.parse(#"addresses[type eq "work"]"#).resolve(against: user)
        else {
            Issue.record("expected a filtered path"); return
        }
        #expect(f.attribute.name == "addresses")
        guard case .filtered(let m, _, nil) = try PatchPath.parse(Self.figure8[3]).resolve(against: group) else {
            Issue.record("expected a filtered path"); return
        }
        #expect(m.attribute.name == "members")
        // RFC 7643's Group schema calls the member's name `display`, so Figure 8's `.displayName` names nothing.
        let e = expectSCIMError { _ = try PatchPath.parse(Self.figure8[4]).resolve(against: group) }
        #expect(e?.scimType == .invalidPath)
        #expect(e?.detail.contains("displayName") == true)
    }

    @Test func filteredSubAttribute() throws {
        guard
            case .filtered(let a, let filter, let sub?) = try PatchPath.parse(#"emails[type eq "work"].value"#).resolve(
                against: user
            )
        else { Issue.record("expected a filtered path with a sub-attribute"); return }
        #expect(a.attribute.name == "emails")
        #expect(sub.name == "value")
        #expect(FilterEvaluator.matches(filter, element: ["type": "work", "value": "x"]))
        #expect(!FilterEvaluator.matches(filter, element: ["type": "home", "value": "x"]))
    }

    @Test func extensionPaths() throws {
        guard case .attribute(let a) = try PatchPath.parse(Self.enterprise + ":manager.value").resolve(against: user)
        else {
            Issue.record("expected an attribute path"); return
        }
        #expect(a.isExtension && a.attribute.name == "manager" && a.subAttribute?.name == "value")
        guard case .extensionSchema(let s) = try PatchPath.parse(Self.enterprise).resolve(against: user) else {
            Issue.record("expected the extension object"); return
        }
        #expect(s.id == Self.enterprise)
        // URNs and names are case-insensitive.
        guard case .extensionSchema = try PatchPath.parse(Self.enterprise.uppercased()).resolve(against: user) else {
            Issue.record("expected the extension object"); return
        }
    }

    @Test(
        "attribute names in paths are case-insensitive",
        arguments: ["NAME.FAMILYNAME", "Name.familyname", "urn:ietf:params:scim:schemas:core:2.0:User:name.familyName"]
    )
    func caseInsensitive(_ text: String) throws {
        guard case .attribute(let a) = try PatchPath.parse(text).resolve(against: user) else {
            Issue.record("expected an attribute path"); return
        }
        #expect(a.canonicalPath == "name.familyName")
    }

    @Test("a value in the filter may contain brackets and escaped quotes")
    func bracketsInStrings() throws {
        let p = try PatchPath.parse(#"emails[value eq "a]b\"c[d"].type"#)
        #expect(p.filteredSubAttribute == "type")
        #expect(
            p.valueFilter
                == .compare(FilterAttribute(path: AttributePath(name: "value"), position: 1), .eq, #"a]b"c[d"#)
        )
    }

    @Test(
        "malformed or unknown paths are invalidPath",
        arguments: [
            "", "emails[", "emails]", #"emails[type eq "work"]value"#, #"emails[type eq "work"].value.x"#,
            #"emails[type eq work]"#, #"emails[type eq "work"][value eq "x"]"#, "name..familyName", "1abc",
            "unknownAttr", "name.unknown", "urn:example:unknown:Thing:attr",
            "urn:ietf:params:scim:schemas:core:2.0:User",
            #"userName[value eq "x"]"#, #"name[givenName eq "x"]"#, #"emails[nope eq "x"]"#,
            #"emails[type eq "work"].nope"#,
            #"emails[primary gt true]"#,
        ]
    )
    func invalid(_ text: String) {
        let e = expectSCIMError { _ = try PatchPath.parse(text).resolve(against: user) }
        #expect(e?.scimType == .invalidPath, "\(text): \(e?.description ?? "")")
        #expect(e?.status == 400)
        #expect(e?.detail.isEmpty == false)
    }
}
