import Foundation
import Hummingbird

/// The machine's ceiling for the benchmark table: a bare Hummingbird 2 server built by the same
/// toolchain, answering `GET /hello` with "ok". Usage: `bench-hello PORT`.
@main
struct BenchHello {
    static func main() async throws {
        let port = CommandLine.arguments.dropFirst().first.flatMap(Int.init) ?? 8090
        let router = Router()
        router.get("hello") { _, _ in "ok" }
        let app = Application(
            router: router,
            configuration: .init(address: .hostname("127.0.0.1", port: port), serverName: "bench-hello")
        )
        try await app.runService()
    }
}
