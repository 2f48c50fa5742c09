import SCIM
import Testing

/// The PingOne-style push most end-to-end tests start with: users alice, bob and carol; "Engineering"
/// (alice, bob), which collides with the seeded group of that name, and "Sales" (carol).
/// Returns the canonical ids by user name and group name.
package func pushPingOneSample(_ c: SCIMClient, _ token: String) async throws -> [String: String] {
    var ids: [String: String] = [:]
    for name in ["alice", "bob", "carol"] {
        let r = try await c.post("/scim/v2/pingone/Users", token: token, Bodies.user("\(name)@example.com"))
        ids[name] = try #require(r.body?["id"]?.stringValue)
    }
    let eng = try await c.post(
        "/scim/v2/pingone/Groups",
        token: token,
        Bodies.group("Engineering", members: [ids["alice"]!, ids["bob"]!])
    )
    ids["Engineering"] = try #require(eng.body?["id"]?.stringValue)
    let sales = try await c.post(
        "/scim/v2/pingone/Groups",
        token: token,
        Bodies.group("Sales", members: [ids["carol"]!])
    )
    ids["Sales"] = try #require(sales.body?["id"]?.stringValue)
    return ids
}

/// What follows `pushPingOneSample` in the tests of a push's lifecycle: "Sales" renamed "Sales EMEA",
/// bob removed from "Engineering", carol disabled (PUT with `active` false).
package func pushPingOneFollowUp(_ c: SCIMClient, _ token: String, _ ids: [String: String]) async throws {
    try await c.renameGroup(ids["Sales"]!, to: "Sales EMEA", token: token)
    try await c.removeMember(ids["bob"]!, from: ids["Engineering"]!, token: token)
    try await c.disableUser(ids["carol"]!, userName: "carol@example.com", token: token)
}
