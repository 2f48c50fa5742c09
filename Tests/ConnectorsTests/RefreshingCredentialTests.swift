import Connectors
import Foundation
import Synchronization
import Testing

/// The credential cache behind every OAuth target: one refresh for many callers, a new value at the
/// refresh time, and a refused value forgotten unless someone replaced it already.
@Suite("Refreshing credential")
struct RefreshingCredentialTests {
    final class Clock: Sendable {
        let time = Mutex(Date(timeIntervalSince1970: 1_000_000))
        var now: Date { time.withLock { $0 } }
        func advance(_ seconds: Double) { time.withLock { $0 = $0.addingTimeInterval(seconds) } }
    }

    @Test func concurrentCallersShareOneRefresh() async throws {
        let calls = Mutex(0)
        let credential = RefreshingCredential<String> {
            let n = calls.withLock {
                $0 += 1; return $0
            }
            try await Task.sleep(for: .milliseconds(50))
            return .init(value: "token-\(n)", refreshAt: .distantFuture)
        }
        let values = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<20 { group.addTask { try await credential.current() } }
            return try await group.reduce(into: [String]()) { $0.append($1) }
        }
        #expect(Set(values) == ["token-1"])
        #expect(calls.withLock { $0 } == 1)
        #expect(await credential.issued == 1)
    }

    @Test func aValueIsReplacedAtItsRefreshTime() async throws {
        let clock = Clock()
        let calls = Mutex(0)
        let credential = RefreshingCredential<String>(now: { clock.now }) {
            let n = calls.withLock {
                $0 += 1; return $0
            }
            return .init(
                value: "token-\(n)",
                refreshAt: RefreshingCredential<String>.refreshTime(
                    issuedAt: clock.now,
                    lifetime: .seconds(3600),
                    margin: .seconds(60)
                )
            )
        }
        #expect(try await credential.current() == "token-1")
        clock.advance(3539)
        #expect(try await credential.current() == "token-1")
        clock.advance(1)
        #expect(try await credential.current() == "token-2")
    }

    @Test func onlyTheRefusedValueIsForgotten() async throws {
        let calls = Mutex(0)
        let credential = RefreshingCredential<String> {
            .init(value: "token-\(calls.withLock { $0 += 1; return $0 })", refreshAt: .distantFuture)
        }
        #expect(try await credential.current() == "token-1")
        // A caller that was refused an older value does not throw away the current one.
        await credential.invalidate { $0 == "token-0" }
        #expect(try await credential.current() == "token-1")
        await credential.invalidate { $0 == "token-1" }
        #expect(try await credential.current() == "token-2")
    }

    @Test func aFailedRefreshIsNotCachedAndIsTriedAgain() async throws {
        struct Refused: Error {}
        let fail = Mutex(true)
        let credential = RefreshingCredential<String> {
            if fail.withLock({ $0 }) { throw Refused() }
            return .init(value: "token", refreshAt: .distantFuture)
        }
        await #expect(throws: Refused.self) { try await credential.current() }
        fail.withLock { $0 = false }
        #expect(try await credential.current() == "token")
    }
}
