import PostgresNIO
package import SCIM

extension PostgresStore: BridgeStore {
    package func probeWrite() async throws {
        let at = Self.nanoseconds(.now)
        try await write { c in
            try await rows(
                "INSERT INTO health_probe (id, at) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET at = excluded.at",
                [.int(at)],
                on: c
            )
        }
    }

    /// The size of the current database (all its relations, the other schemas' too).
    package func sizeBytes() async throws -> Int {
        try await readOne { c in
            try await rows("SELECT pg_database_size(current_database())", on: c).first?.decode(Int.self) ?? 0
        }
    }

    package func oldestPending(target: String) async throws -> SCIMDateTime? {
        try await readOne { c in
            try await rows(
                "SELECT created FROM outbox WHERE target = ? AND state = 'pending' ORDER BY seq LIMIT 1",
                [.text(target)],
                on: c
            ).first.map { Self.instant(try $0.decode(Int64.self)) }
        }
    }

    package func blockedGroups(target: String) async throws -> Int {
        try await readOne { c in
            try await rows(
                "SELECT COUNT(*) FROM target_mapping WHERE target = ? AND origin = 'blocked'",
                [.text(target)],
                on: c
            ).first?.decode(Int.self) ?? 0
        }
    }
}
