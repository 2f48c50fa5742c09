import Testing

@testable import SCIM

private typealias F = SchemaTestFixtures
private typealias S = ValidationTestSupport

@Suite("ResourceValidator: replace (RFC 7644 §3.5.1)")
struct ResourceValidatorReplaceTests {
    static let test = F.testExtensionURN

    /// A stored User with values of every mutability.
    static func stored(_ schema: ResourceSchema) throws -> JSONObject {
        var created = try ResourceValidator.validateForCreate(
            S.object(
                """
                {"schemas": ["\(F.userURN)"], "userName": "bjensen", "displayName": "Babs", "password": "t1meMa$heen",
                 "\(test)": {"badgeNumber": "B-1", "pin": "1234", "locker": {"code": "L1", "serial": 9}}}
                """
            ),
            schema: schema
        )
        // What the server adds after create.
        created["id"] = "2819c223"
        created["meta"] = ["resourceType": "User", "version": "W/\"1\""]
        created["groups"] = [["value": "g1", "display": "Tour Guides"]]
        created[test] = created[test].map { v in
            var o = v.objectValue!
            o["computed"] = "by-server"
            return .object(o)
        }
        return created
    }

    static func schema() throws -> ResourceSchema { try F.userSchema(F.registryWithTestExtension()) }

    static func replace(_ body: String) throws -> JSONObject {
        let schema = try schema()
        return try ResourceValidator.validateForReplace(S.object(body), existing: stored(schema), schema: schema)
    }

    static func replaceError(_ body: String) throws -> SCIMError {
        let schema = try schema()
        let new = try S.object(body)
        let existing = try stored(schema)
        return try #require(
            S.rejection { () throws(SCIMError) in
                try ResourceValidator.validateForReplace(new, existing: existing, schema: schema)
            }
        )
    }

    @Test func readOnlyValuesComeFromTheStoredResource() throws {
        let out = try Self.replace(
            """
            {"schemas": ["\(F.userURN)"], "userName": "bjensen", "id": "forged", "meta": {"version": "x"},
             "groups": [{"value": "g2"}], "\(Self.test)": {"computed": "forged", "badgeNumber": "B-1"}}
            """
        )
        #expect(out["id"] == "2819c223")
        #expect(out["meta"]?["version"] == "W/\"1\"")
        #expect(out["groups"] == [["value": "g1", "display": "Tour Guides"]])
        #expect(out[Self.test]?["computed"] == "by-server")
    }

    @Test func omittedReadWriteAttributesAreCleared() throws {
        let out = try Self.replace(#"{"schemas": ["\#(F.userURN)"], "userName": "bjensen"}"#)
        #expect(out["displayName"] == nil)
        #expect(out["userName"] == "bjensen")
    }

    @Test func omittedWriteOnlyValuesAreKeptAndNullClearsThem() throws {
        let kept = try Self.replace(#"{"schemas": ["\#(F.userURN)"], "userName": "bjensen"}"#)
        #expect(kept["password"] == "t1meMa$heen")
        #expect(kept[Self.test]?["pin"] == "1234")

        let changed = try Self.replace(#"{"schemas": ["\#(F.userURN)"], "userName": "bjensen", "password": "n3w"}"#)
        #expect(changed["password"] == "n3w")

        let cleared = try Self.replace(
            #"{"schemas": ["\#(F.userURN)"], "userName": "bjensen", "password": null, "\#(Self.test)": {"pin": null}}"#
        )
        #expect(cleared["password"] == nil)
        #expect(cleared[Self.test]?["pin"] == nil)
    }

    @Test func immutableValueMayBeRepeatedOrOmitted() throws {
        // caseExact is false for badgeNumber, so a different case is the same value.
        let same = try Self.replace(
            #"{"schemas": ["\#(F.userURN)"], "userName": "bjensen", "\#(Self.test)": {"badgeNumber": "b-1"}}"#
        )
        #expect(same[Self.test]?["badgeNumber"] == "b-1")
        let omitted = try Self.replace(#"{"schemas": ["\#(F.userURN)"], "userName": "bjensen"}"#)
        #expect(omitted[Self.test]?["badgeNumber"] == "B-1")
        #expect(
            omitted["schemas"] == [.string(F.userURN), .string(Self.test)],
            "carried-over extension data is listed"
        )
    }

    @Test func changingAnImmutableValueIsAMutabilityError() throws {
        let changed = try Self.replaceError(
            #"{"schemas": ["\#(F.userURN)"], "userName": "bjensen", "\#(Self.test)": {"badgeNumber": "B-2"}}"#
        )
        #expect(changed.status == 400)
        #expect(changed.scimType == .mutability)
        #expect(changed.detail.contains("\(Self.test):badgeNumber"))

        let nulled = try Self.replaceError(
            #"{"schemas": ["\#(F.userURN)"], "userName": "bjensen", "\#(Self.test)": {"badgeNumber": null}}"#
        )
        #expect(nulled.scimType == .mutability)
        #expect(nulled.detail.contains("badgeNumber"))
    }

    @Test func immutableSubAttributeOfASingularComplexAttributeCannotChange() throws {
        let error = try Self.replaceError(
            #"{"schemas": ["\#(F.userURN)"], "userName": "bjensen", "\#(Self.test)": {"locker": {"code": "L2", "serial": 10}}}"#
        )
        #expect(error.status == 400)
        #expect(error.scimType == .mutability)
        #expect(error.detail.contains("locker.serial"))
        // Other sub-attributes may change.
        let out = try Self.replace(
            #"{"schemas": ["\#(F.userURN)"], "userName": "bjensen", "\#(Self.test)": {"locker": {"code": "L2", "serial": 9}}}"#
        )
        #expect(out[Self.test]?["locker"] == ["code": "L2", "serial": 9])
    }

    @Test func immutableValueWithoutAStoredValueMayBeSet() throws {
        let schema = try Self.schema()
        var existing = try Self.stored(schema)
        existing[Self.test] = ["pin": "1234"]
        let out = try ResourceValidator.validateForReplace(
            S.object(
                #"{"schemas": ["\#(F.userURN)"], "userName": "bjensen", "\#(Self.test)": {"badgeNumber": "B-7"}}"#
            ),
            existing: existing,
            schema: schema
        )
        #expect(out[Self.test]?["badgeNumber"] == "B-7")
    }

    @Test func requiredAttributesAreStillRequired() throws {
        let error = try Self.replaceError(#"{"schemas": ["\#(F.userURN)"], "displayName": "Babs"}"#)
        #expect(error.scimType == .invalidValue)
        #expect(error.detail.contains("userName"))
    }

    @Test func groupMembersAreReplacedAsAWholeDespiteImmutableMemberValue() throws {
        // members.value is immutable (RFC 7643 §8.7.1), but a PUT with a new member list
        // replaces elements; it does not change a value in place.
        let schema = try F.groupSchema()
        let existing = try ResourceValidator.validateForCreate(F.object("rfc7643-8.4-group"), schema: schema)
        let out = try ResourceValidator.validateForReplace(
            S.object(
                #"{"schemas": ["\#(F.groupURN)"], "displayName": "Tour Guides", "members": [{"value": "new-user"}]}"#
            ),
            existing: existing,
            schema: schema
        )
        #expect(out["members"] == [["value": "new-user"]])
    }
}
