package import Membership
package import SCIM

/// A target's user directory seen through its attribute mappings: every canonical user is replaced
/// by the target's view of it (`AttributeMapping.view(of:)`) before the connector derives a match
/// key, a body or a comparison from it, so that all three agree.
package struct MappedUserDirectory: TargetUserDirectory {
    package let base: any TargetUserDirectory
    package let mapping: AttributeMapping

    package init(base: any TargetUserDirectory, mapping: AttributeMapping) {
        self.base = base
        self.mapping = mapping
    }

    package func matchKey(of user: JSONObject) -> String? { base.matchKey(of: mapping.view(of: user)) }
    package func findUser(matchKey: String) async throws -> String? { try await base.findUser(matchKey: matchKey) }
    package func createUser(_ user: JSONObject) async throws -> String {
        try await base.createUser(mapping.view(of: user))
    }
    package func replaceUser(id: String, _ user: JSONObject) async throws -> Bool {
        try await base.replaceUser(id: id, mapping.view(of: user))
    }
    package func removeUser(id: String, action: UserRemoval) async throws {
        try await base.removeUser(id: id, action: action)
    }
    package func differences(of user: JSONObject, from actual: TargetUser) -> [AttributeDifference] {
        base.differences(of: mapping.view(of: user), from: actual)
    }
    package func preview(of user: JSONObject) throws -> JSONValue { try base.preview(of: mapping.view(of: user)) }
    package func listUsers() async throws -> [TargetUser] { try await base.listUsers() }
    package func testConnection() async throws { try await base.testConnection() }
}

extension TargetUserDirectory {
    /// This directory through `mapping`, or itself when there is none.
    package func mapped(_ mapping: AttributeMapping) -> any TargetUserDirectory {
        mapping.isEmpty ? self : MappedUserDirectory(base: self, mapping: mapping)
    }
}
