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
}
