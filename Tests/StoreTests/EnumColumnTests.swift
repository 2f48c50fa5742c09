import Foundation
import GRDB
import Membership
import SCIM
import TestSupport
import Testing

@testable import Store

/// Mapping origins and outbox states are closed sets, stored as text and read as Swift enums.
@Suite("Enum columns") struct EnumColumnTests {
    @Test(arguments: MappingOrigin.allCases)
    func everyMappingOriginRoundTrips(_ origin: MappingOrigin) async throws {
        try await withTestBridge { bridge in
            let channel = try await bridge.store.createChannel(named: "pingone")
            try await bridge.store.setMapping(
                TargetMapping(
                    target: "acme",
                    channel: channel,
                    kind: .group,
                    canonicalID: "g1",
                    targetID: "T1",
                    origin: origin
                )
            )
            let read = try await bridge.store.mapping(target: "acme", channel: channel, kind: .group, canonicalID: "g1")
            #expect(read?.origin == origin)
            #expect(try await bridge.store.mappings(target: "acme").map(\.origin) == [origin])
        }
    }

    @Test func anUnknownOriginIsAnErrorNamingTheColumn() async throws {
        try await withTestBridge { bridge in
            let channel = try await bridge.store.createChannel(named: "pingone")
            try await bridge.store.setMapping(
                TargetMapping(
                    target: "acme",
                    channel: channel,
                    kind: .group,
                    canonicalID: "g1",
                    targetID: "T1",
                    origin: .created
                )
            )
            try await bridge.store.write { db in
                try db.execute(sql: "UPDATE target_mapping SET origin = 'adopted-sideways'")
            }
            do {
                _ = try await bridge.store.mapping(target: "acme", channel: channel, kind: .group, canonicalID: "g1")
                Issue.record("an unknown origin was read as a known one")
            } catch {
                #expect(
                    "\(error)" == "origin holds 'adopted-sideways', which this version of scim-bridge does not know"
                )
            }
        }
    }

    @Test func outboxStatesAreRead() async throws {
        try await withTestBridge { bridge in
            let channel = try await bridge.store.createChannel(named: "pingone")
            try await bridge.store.enqueue([.userUpserted(id: "u1")], target: "acme", channel: channel)
            let due = try await bridge.store.dueOutboxEntries(
                target: "acme",
                limit: 10,
                now: SCIMDateTime(seconds: 4_000_000_000, nanoseconds: 0)
            )
            #expect(due.map(\.state) == [.pending])
        }
    }
}
