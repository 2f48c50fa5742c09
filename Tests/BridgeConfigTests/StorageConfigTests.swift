import BridgeConfig
import Testing

/// `storage:`: SQLite by default, or PostgreSQL with a URL reference, a pool size and a TLS mode; mistakes
/// name their key.
struct StorageConfigTests {
    @Test func sqliteIsTheDefaultAndCanBeNamed() throws {
        #expect(try Fixtures.load("server: { port: 8080 }").storage == .sqlite)
        #expect(try Fixtures.load("storage: sqlite").storage == .sqlite)
    }

    @Test func postgresIsReadWithItsURLReference() throws {
        let yaml = """
            storage:
              postgres: { url: env:DATABASE_URL, poolSize: 20, tls: verify-full }
            """
        let storage = try Fixtures.load(yaml, environment: ["DATABASE_URL": "postgres://bridge@db/bridge"]).storage
        guard case .postgres(let p) = storage else {
            Issue.record("expected postgres, got \(storage)")
            return
        }
        #expect(p.url.reference == "env:DATABASE_URL")
        #expect(p.poolSize == 20)
        #expect(p.tls == .verifyFull)

        let defaults = try Fixtures.load(
            "storage: { postgres: { url: env:DATABASE_URL } }",
            environment: ["DATABASE_URL": "postgres://bridge@db/bridge"]
        ).storage
        #expect(defaults == .postgres(PostgresStorageSettings(url: Secret(.environment("DATABASE_URL")))))
    }

    @Test func mistakesNameTheirKey() {
        let kind = Fixtures.errorText("storage: mysql")
        #expect(kind.contains("storage") && kind.contains("sqlite"), "\(kind)")
        let url = Fixtures.errorText("storage: { postgres: { poolSize: 5 } }")
        #expect(url.contains("storage.postgres.url"), "\(url)")
        let inline = Fixtures.errorText("storage: { postgres: { url: postgres://u:hunter2@db/x } }")
        #expect(inline.contains("storage.postgres.url") && !inline.contains("hunter2"), "\(inline)")
        let tls = Fixtures.errorText("storage: { postgres: { url: env:DATABASE_URL, tls: prefer } }")
        #expect(tls.contains("storage.postgres.tls") && tls.contains("verify-full"), "\(tls)")
        let pool = Fixtures.errorText("storage: { postgres: { url: env:DATABASE_URL, poolSize: 0 } }")
        #expect(pool.contains("storage.postgres.poolSize"), "\(pool)")
        let unknown = Fixtures.errorText("storage: { postgres: { url: env:DATABASE_URL, schema: x } }")
        #expect(unknown.contains("storage.postgres.schema"), "\(unknown)")
        let unset = Fixtures.errorText("storage: { postgres: { url: env:DATABASE_URL } }")
        #expect(unset.contains("storage.postgres.url") && unset.contains("DATABASE_URL"), "\(unset)")
    }

    @Test func outboxRetentionDefaultsToThirtyDaysAndMayBeOff() throws {
        let defaults = try Fixtures.load("storage: sqlite")
        #expect(defaults.outboxRetention == .seconds(30 * 86_400))
        #expect(try Fixtures.load("server: { port: 8080 }").outboxRetention == .seconds(30 * 86_400))
        // A mapping without postgres is SQLite.
        let week = try Fixtures.load("storage: { outboxRetention: 7d }")
        #expect(week.storage == .sqlite && week.outboxRetention == .seconds(7 * 86_400))
        let off = try Fixtures.load("storage: { outboxRetention: off }")
        #expect(off.storage == .sqlite && off.outboxRetention == nil)
        let pg = try Fixtures.load(
            "storage: { postgres: { url: env:DATABASE_URL }, outboxRetention: 90d }",
            environment: ["DATABASE_URL": "postgres://bridge@db/bridge"]
        )
        #expect(pg.outboxRetention == .seconds(90 * 86_400))
        guard case .postgres = pg.storage else {
            Issue.record("expected postgres, got \(pg.storage)")
            return
        }
        let short = Fixtures.errorText("storage: { outboxRetention: 30m }")
        #expect(short.contains("storage.outboxRetention"), "\(short)")
        let unitless = Fixtures.errorText("storage: { outboxRetention: 30 }")
        #expect(unitless.contains("storage.outboxRetention") && unitless.contains("needs a unit"), "\(unitless)")
    }
}
