import BridgeConfig
import Emulators
import Foundation
import SCIM
import Store
import TestSupport
import Testing

/// Slack refuses deactivated users as group members; directories keep them in their groups. The
/// bridge leaves them out of member writes, takes them out when they are deactivated, writes them
/// again when they are reactivated, and never lets one refused member keep a group away.
extension SlackEndToEndTests {
    @Test func deactivatedMembersNeverKeepAGroupAway() async throws {
        try await SlackHarness.with { h, c in
            let names = (0..<400).map { "member\($0)" }
            let u = try await createUsers(c, h.token, names)
            let deactivate = { (i: Int, active: Bool) in
                let r = try await c.patch(
                    "/scim/v2/pingone/Users/\(u[names[i]]!)",
                    token: h.token,
                    Bodies.patch([["op": "replace", "path": "active", "value": .bool(active)]])
                )
                #expect(r.status == 200)
            }
            // Some users are deactivated before their groups exist, some after they joined them.
            for i in 0..<60 { try await deactivate(i, false) }
            var groups: [String: String] = [:]
            var members: [String: [Int]] = [:]
            for g in 0..<40 {
                let picked = Array(g * 10..<g * 10 + 10)
                groups["team-\(g)"] = try await createGroup(c, h.token, "team-\(g)", picked.map { u[names[$0]]! })
                members["team-\(g)"] = picked
            }
            try await h.drain()
            for g in 0..<40 {
                let extra = [(g * 7 + 3) % 400, (g * 13 + 5) % 60]
                let r = try await c.patch(
                    "/scim/v2/pingone/Groups/\(groups["team-\(g)"]!)",
                    token: h.token,
                    Bodies.patch([
                        [
                            "op": "add", "path": "members",
                            "value": .array(extra.map { ["value": .string(u[names[$0]]!)] }),
                        ]
                    ])
                )
                #expect(r.status == 200)
                members["team-\(g)", default: []] += extra
            }
            for i in 0..<20 { try await deactivate(i, true) }
            for i in 300..<320 { try await deactivate(i, false) }
            try await h.drain()

            #expect(try await h.deadLetters() == [])
            let inactive = Set(20..<60).union(300..<320)
            let state = h.emulator.state()
            #expect(state.groups.count == 40)
            for g in 0..<40 {
                let expected = Set(
                    members["team-\(g)"]!.filter { !inactive.contains($0) }.map { "\(names[$0])@example.com" }
                )
                #expect(h.members(of: "team-\(g)") == expected, "team-\(g)")
            }
            let audit = try await h.bridge.store.auditEntries(target: "slack")
            #expect(audit.contains { $0.action == "member skipped: deactivated" })
            #expect(audit.contains { $0.action == "member restored: reactivated" })
        }
    }
}
