import BridgeConfig
import Membership
import SCIM
import Testing

/// `mapping:` and `safety:` in a target: templates are parsed and checked against the schema and the
/// kind at start-up, and every mistake names its key.
struct MappingConfigTests {
    @Test func aMappingIsRead() throws {
        let yaml = Fixtures.target(
            """
            mapping:
              user:
                userName: "{name.givenName | lower}.{name.familyName | lower}@example.com"
                "emails[type eq \\"work\\"].value": "{userName}"
            """,
            kind: "github-emu"
        )
        let t = try #require(try Fixtures.load(yaml).targets.first)
        #expect(t.mapping.rules.map(\.path) == [#"emails[type eq "work"].value"#, "userName"])
        let view = t.mapping.view(of: ["userName": "ada", "name": ["givenName": "Ada", "familyName": "Lovelace"]])
        #expect(view["userName"] == "ada.lovelace@example.com")
        #expect(view["emails"]?.arrayValue?.first?["value"] == "ada", "rendered from the canonical user, not the view")
    }

    @Test func withoutMappingTheTargetSeesTheCanonicalUser() throws {
        let t = try #require(try Fixtures.load(Fixtures.target("")).targets.first)
        #expect(t.mapping.isEmpty)
        #expect(t.maxDeprovisions == 500)
    }

    @Test func aTemplateNamingAnUnknownAttributeNamesTheKey() {
        let text = Fixtures.errorText(Fixtures.target(#"mapping: { user: { displayName: "{nam.givenName}" } }"#))
        #expect(text.contains("targets[0].mapping.user.displayName"), "\(text)")
        #expect(text.contains("nam"), "\(text)")
    }

    @Test func anUnknownTargetAttributeOrFunctionNamesTheKey() {
        let attribute = Fixtures.errorText(Fixtures.target(#"mapping: { user: { nickname2: "{userName}" } }"#))
        #expect(attribute.contains("targets[0].mapping.user.nickname2"), "\(attribute)")
        let function = Fixtures.errorText(Fixtures.target(#"mapping: { user: { nickName: "{userName | shout}" } }"#))
        #expect(function.contains("targets[0].mapping.user.nickName") && function.contains("shout"), "\(function)")
    }

    @Test func attributesTheKindNeverReadsAreRefused() {
        let text = Fixtures.errorText(
            Fixtures.target(#"mapping: { user: { title: "{userName}" } }"#, kind: "github-emu")
        )
        #expect(text.contains("targets[0].mapping.user.title"), "\(text)")
        #expect(text.contains("github-emu never reads title"), "\(text)")
    }

    @Test func typesAndMutabilityAreChecked() {
        let boolean = Fixtures.errorText(Fixtures.target(#"mapping: { user: { active: "{userName}" } }"#))
        #expect(boolean.contains("targets[0].mapping.user.active") && boolean.contains("boolean"), "\(boolean)")
        let readOnly = Fixtures.errorText(Fixtures.target(#"mapping: { user: { id: "{userName}" } }"#))
        #expect(readOnly.contains("targets[0].mapping.user.id") && readOnly.contains("read-only"), "\(readOnly)")
        let several = Fixtures.errorText(Fixtures.target(#"mapping: { user: { emails.value: "{userName}" } }"#))
        #expect(several.contains("several values"), "\(several)")
        let complex = Fixtures.errorText(Fixtures.target(#"mapping: { user: { displayName: "{name}" } }"#))
        #expect(complex.contains("name.formatted") || complex.contains("sub-attribute"), "\(complex)")
    }

    @Test func theBrakeIsReadOrTurnedOff() throws {
        let set = try #require(try Fixtures.load(Fixtures.target("safety: { maxDeprovisions: 25 }")).targets.first)
        #expect(set.maxDeprovisions == 25)
        let off = try #require(try Fixtures.load(Fixtures.target("safety: { maxDeprovisions: off }")).targets.first)
        #expect(off.maxDeprovisions == nil)
        let bad = Fixtures.errorText(Fixtures.target("safety: { maxDeprovisions: 0 }"))
        #expect(bad.contains("targets[0].safety.maxDeprovisions"), "\(bad)")
    }

    @Test func aGroupMappingNamesOnlyTheDisplayName() throws {
        let yaml = Fixtures.target(#"mapping: { group: { displayName: "idp-{displayName | lower}" } }"#)
        let t = try #require(try Fixtures.load(yaml).targets.first)
        #expect(t.groupMapping.view(of: ["displayName": "Sales"])["displayName"] == "idp-sales")
        #expect(t.mapping.isEmpty)
        let other = Fixtures.errorText(Fixtures.target(#"mapping: { group: { externalId: "{displayName}" } }"#))
        #expect(other.contains("targets[0].mapping.group.externalId") && other.contains("only displayName"), "\(other)")
        let unknown = Fixtures.errorText(Fixtures.target(#"mapping: { group: { displayName: "{userName}" } }"#))
        #expect(unknown.contains("targets[0].mapping.group.displayName") && unknown.contains("userName"), "\(unknown)")
    }
}
