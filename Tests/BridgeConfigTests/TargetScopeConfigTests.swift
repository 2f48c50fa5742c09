import BridgeConfig
import Membership
import SCIM
import Testing

/// `scope:` in a target: its patterns and filter are checked at start-up, naming the key.
struct TargetScopeConfigTests {
    @Test func aScopeIsRead() throws {
        let yaml = Fixtures.target(
            """
            scope:
              groups:
                include: ["eng-*", platform]
                exclude: [eng-contractors]
                filter: 'displayName sw "eng"'
            """
        )
        let t = try #require(try Fixtures.load(yaml).targets.first)
        #expect(t.scope.include.map(\.description) == ["eng-*", "platform"])
        #expect(t.scope.exclude.map(\.description) == ["eng-contractors"])
        #expect(t.scope.filter?.text == #"displayName sw "eng""#)
        #expect(t.scope.includes(group: ["displayName": "ENG-web"]))
        #expect(!t.scope.includes(group: ["displayName": "platform"]), "included by name, refused by the filter")
    }

    @Test func withoutScopeEveryGroupIsIn() throws {
        let t = try #require(try Fixtures.load(Fixtures.target("")).targets.first)
        #expect(t.scope.isEverything)
    }

    @Test func aBadPatternNamesItsPlace() {
        let text = Fixtures.errorText(Fixtures.target("scope: { groups: { include: [ok, \"eng-[ab]\"] } }"))
        #expect(text.contains("targets[0].scope.groups.include[1]"), "\(text)")
        #expect(text.contains("'*'"), "\(text)")
    }

    @Test func aBadFilterNamesTheKeyAndTheProblem() {
        let text = Fixtures.errorText(Fixtures.target("scope: { groups: { filter: 'nickName eq \"x\"' } }"))
        #expect(text.contains("targets[0].scope.groups.filter"), "\(text)")
        #expect(text.contains("nickName"), "\(text)")
    }

    @Test func usersAndTheUserFilterAreRead() throws {
        let yaml = Fixtures.target("scope: { users: groupMembers, userFilter: 'active eq true' }")
        let t = try #require(try Fixtures.load(yaml).targets.first)
        #expect(t.scope.users == .groupMembers && t.scope.restrictsUsers)
        #expect(t.scope.admits(user: ["active": true]) && !t.scope.admits(user: ["active": false]))
    }

    @Test func aBadUsersValueOrKeyIsRefused() {
        let value = Fixtures.errorText(Fixtures.target("scope: { users: everyone }"))
        #expect(value.contains("targets[0].scope.users") && value.contains("groupMembers"), "\(value)")
        let key = Fixtures.errorText(Fixtures.target("scope: { group: { include: [a] } }"))
        #expect(key.contains("targets[0].scope.group"), "\(key)")
        let filter = Fixtures.errorText(Fixtures.target("scope: { userFilter: 'active eq' }"))
        #expect(filter.contains("targets[0].scope.userFilter"), "\(filter)")
    }
}
