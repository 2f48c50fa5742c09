import SCIM

// The changes an identity provider pushes after its first provisioning, as one call each, so that the
// end-to-end tests of every target read as the administrator's actions.
extension SCIMClient {
    /// Renames a source group with a PATCH `replace` of `displayName`, as PingOne does.
    package func renameGroup(_ id: String, to name: String, token: String, channel: String = "pingone")
        async throws
    {
        _ = try await patch(
            "/scim/v2/\(channel)/Groups/\(id)",
            token: token,
            Bodies.patch([["op": "replace", "path": "displayName", "value": .string(name)]])
        )
    }

    /// Adds one member to a source group with a PATCH `add` on `members`.
    package func addMember(_ member: String, to group: String, token: String, channel: String = "pingone")
        async throws
    {
        _ = try await patch(
            "/scim/v2/\(channel)/Groups/\(group)",
            token: token,
            Bodies.patch([["op": "add", "path": "members", "value": [["value": .string(member)]]]])
        )
    }

    /// Removes one member from a source group with a PATCH `remove` filtered on the member's value.
    package func removeMember(_ member: String, from group: String, token: String, channel: String = "pingone")
        async throws
    {
        _ = try await patch(
            "/scim/v2/\(channel)/Groups/\(group)",
            token: token,
            Bodies.patch([["op": "remove", "path": .string("members[value eq \"\(member)\"]")]])
        )
    }

    /// Disables a source user with a PUT of the user with `active` false.
    package func disableUser(_ id: String, userName: String, token: String, channel: String = "pingone")
        async throws
    {
        _ = try await put(
            "/scim/v2/\(channel)/Users/\(id)",
            token: token,
            Bodies.user(userName, active: false)
        )
    }
}
