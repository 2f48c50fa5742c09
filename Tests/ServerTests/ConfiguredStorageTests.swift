import BridgeConfig
import BridgeRuntime
import Foundation
import HTTPTypes
import HummingbirdTesting
import Logging
import SCIM
import Server
import Store
import TestSupport
import Testing

/// The bridge on the store `storage:` names: SCIM traffic on PostgreSQL, and `503` with `Retry-After`
/// when its database cannot be reached.
@Suite("Server: the configured storage")
struct ConfiguredStorageTests {
    static var quiet: Logger {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        return logger
    }

    @Test(
        "storage.postgres opens the database and the bridge answers a SCIM POST and GET on it",
        arguments: StoreBackend.postgresOnly
    )
    func scimOnPostgres(_ backend: StoreBackend) async throws {
        let url = try #require(StoreBackend.postgresURL)
        let storage = StorageSettings.postgres(PostgresStorageSettings(url: Secret(.inline(url)), poolSize: 4))
        try await ConfiguredStore.withStore(storage, sqlitePath: { "" }, logger: Self.quiet) { store in
            #expect(store is PostgresStore)
            let name = "serve-\(UUID().uuidString.prefix(8).lowercased())"
            let channel = try await store.createChannel(named: name)
            let token = try await CredentialIssuer(store: store).issueBearerToken(for: channel)
            let app = try buildApplication(
                configuration: ServerConfiguration(host: "127.0.0.1", port: 0),
                store: store,
                logger: Self.quiet
            )
            try await app.test(.ahc(.http)) { client in
                let c = SCIMClient(client: client)
                let created = try await c.post(
                    "/scim/v2/\(name)/Users",
                    token: token,
                    Bodies.user("pg.user@example.com")
                )
                #expect(created.status == 201)
                let id = try #require(created.body?["id"]?.stringValue)
                let got = try await c.get("/scim/v2/\(name)/Users/\(id)", token: token)
                #expect(got.status == 200)
                #expect(got.body?["userName"] == "pg.user@example.com")
                let clash = try await c.post("/scim/v2/\(name)/Users", token: token, Bodies.user("PG.USER@example.com"))
                #expect(clash.status == 409)
                #expect(clash.scimType == "uniqueness")
            }
            _ = try await store.deleteChannel(named: name)
        }
    }

    /// Runs `body` on a PostgreSQL store whose database refuses every connection (a port nothing
    /// listens on), each store call waiting `leaseTimeout` for one.
    static func withUnreachableStore(
        leaseTimeout: Duration,
        _ body: (PostgresStore) async throws -> Void
    ) async throws {
        let config = PostgresStoreConfiguration(
            host: "127.0.0.1",
            port: 1,
            username: "postgres",
            connectTimeout: .seconds(1)
        )
        try await PostgresStore(configuration: config, logger: quiet, leaseTimeout: leaseTimeout).withRunning(
            migrate: false,
            body
        )
    }

    @Test("a PostgreSQL store that cannot reach its database answers 503 with Retry-After")
    func unreachableDatabaseIs503() async throws {
        try await Self.withUnreachableStore(leaseTimeout: .seconds(1)) { store in
            await #expect(throws: StoreUnavailable.self) { try await store.channel(named: "default") }
            let app = try buildApplication(
                configuration: ServerConfiguration(host: "127.0.0.1", port: 0),
                store: store,
                logger: Self.quiet
            )
            try await app.test(.ahc(.http)) { client in
                let reply = try await SCIMClient(client: client).get(
                    "/scim/v2/default/Users",
                    token: "scb_abcdefghijkl_0123456789abcdef"  // well-formed: its key is looked up in the store
                )
                #expect(reply.status == 503)
                #expect(reply.headers[.retryAfter] == "5")
            }
        }
    }

    @Test("/readyz answers 503 with the store down within its deadline, not after each read's wait")
    func readinessWithAnUnreachableDatabaseAnswersAtOnce() async throws {
        // Each store call would wait a minute for a connection; the probe waits 1.5 s.
        try await Self.withUnreachableStore(leaseTimeout: .seconds(60)) { store in
            let app = try buildApplication(
                configuration: ServerConfiguration(
                    host: "127.0.0.1",
                    port: 0,
                    observability: ObservabilityConfiguration(
                        targets: ["acme", "globex"],
                        workers: { ["acme", "globex"].map { WorkerStatus(target: $0, running: true, idle: nil) } }
                    )
                ),
                store: store,
                logger: Self.quiet
            )
            try await app.test(.ahc(.http)) { client in
                let started = ContinuousClock.now
                let reply = try await SCIMClient(client: client).get("/readyz", token: nil)
                let took = ContinuousClock.now - started
                #expect(reply.status == 503)
                // Generous for a loaded machine, and well short of the first store call's minute.
                #expect(took < .seconds(30), "answered after \(took)")
                let components = reply.body?["components"]?.arrayValue ?? []
                let storeComponent = components.first { $0["name"] == "store" }
                #expect(storeComponent?["status"] == "down")
                #expect(storeComponent?["error"] == "StoreUnavailable")
                // The targets are listed from what the process knows, without their store reads.
                let targets = components.filter { $0["name"]?.stringValue?.hasPrefix("target ") == true }
                #expect(targets.count == 2)
                #expect(targets.allSatisfy { $0["worker"] == "running" && $0["outbox"] == nil })
            }
        }
    }
}
