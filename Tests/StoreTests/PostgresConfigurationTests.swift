import Store
import Testing

/// `PostgresStoreConfiguration(url:)`: what an operator's URL gives, and what it refuses without
/// repeating it (it may hold a password).
struct PostgresConfigurationTests {
    @Test func aURLGivesItsParts() throws {
        let c = try PostgresStoreConfiguration(url: "postgres://bridge:p%40ss@db.internal:6432/scim?sslmode=require")
        #expect(c.host == "db.internal")
        #expect(c.port == 6432)
        #expect(c.username == "bridge")
        #expect(c.password == "p@ss")
        #expect(c.database == "scim")
        #expect(c.tls == .require)

        let plain = try PostgresStoreConfiguration(url: "postgresql://postgres@127.0.0.1/x", poolSize: 3)
        #expect(plain.port == 5432 && plain.password == nil && plain.tls == .disable && plain.poolSize == 3)
        // An explicit mode wins over the URL's.
        let explicit = try PostgresStoreConfiguration(url: "postgres://u@h/d?sslmode=disable", tls: .verifyFull)
        #expect(explicit.tls == .verifyFull)
    }

    @Test(arguments: [
        "mysql://u:secret@h/d", "postgres://h/d", "postgres://u:secret@/d", "postgres://u@h/d?sslmode=allow",
    ])
    func aBadURLIsRefusedWithoutItsPassword(_ url: String) {
        do {
            _ = try PostgresStoreConfiguration(url: url)
            Issue.record("accepted \(url)")
        } catch {
            #expect(!"\(error)".contains("secret"))
            #expect("\(error)".hasPrefix("the URL"))
        }
    }
}
