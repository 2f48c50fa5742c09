import ArgumentParser
import Store

/// `scim-bridge migrate`: brings the configured store's schema up to date and exits, so that replicas
/// can then start with `serve --no-migrate` (a deployment's init step or one-shot job).
struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Bring the configured store's schema up to date, then exit.",
        discussion: """
            On PostgreSQL the migrations run in one transaction under an advisory lock: replicas that \
            migrate at once apply each step once. The SQLite file is brought up to date by whoever opens it.
            """
    )
    @OptionGroup var location: StoreLocation

    func run() async throws {
        // The schema is read and brought up to date here, not before the body.
        try await location.withStore(create: true, migrate: false, checkSchema: false) { s in
            switch s {
            case let pg as PostgresStore:
                let applied = try await pg.migrate()
                print(
                    applied.isEmpty
                        ? "PostgreSQL schema is up to date."
                        : "Applied PostgreSQL migration(s) \(applied.map(String.init).joined(separator: ", "))."
                )
            default:
                // Opening the file ran its migrations.
                print("SQLite database is up to date.")
            }
        }
    }
}
