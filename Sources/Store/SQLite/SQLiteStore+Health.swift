import GRDB
package import SCIM

extension SQLiteStore: StoreHealth {
    package func probeWrite() async throws {
        let at = Self.nanoseconds(.now)
        try await write { db in
            try db.execute(
                sql: "INSERT INTO health_probe (id, at) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET at = excluded.at",
                arguments: [at]
            )
        }
    }

    package func sizeBytes() async throws -> Int {
        try await read { db in
            let pages = try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 0
            let size = try Int.fetchOne(db, sql: "PRAGMA page_size") ?? 0
            return pages * size
        }
    }

    package func oldestPending(target: String) async throws -> SCIMDateTime? {
        try await read { db in
            // The first pending entry by `seq` is the oldest, found on the (target, state, seq) index.
            try Int64.fetchOne(
                db,
                sql: "SELECT created FROM outbox WHERE target = ? AND state = 'pending' ORDER BY seq LIMIT 1",
                arguments: [target]
            ).map(Self.instant)
        }
    }

    package func blockedGroups(target: String) async throws -> Int {
        try await read { db in
            try Int.fetchOne(
                db,
                sql: "SELECT COUNT(*) FROM target_mapping WHERE target = ? AND origin = 'blocked'",
                arguments: [target]
            ) ?? 0
        }
    }
}
