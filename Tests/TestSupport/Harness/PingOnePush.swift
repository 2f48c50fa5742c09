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
    let eng = try await c.post("/scim/v2/pingone/Groups", token: token, Bodies.group("Engineering", members: [ids["alice"]!, ids["bob"]!]))
    ids["Engineering"] = try #require(eng.body?["id"]?.stringValue)
    let sales = try await c.post("/scim/v2/pingone/Groups", token: token, Bodies.group("Sales", members: [ids["carol"]!]))
    ids["Sales"] = try #require(sales.body?["id"]?.stringValue)
    return ids
}
