import Foundation
import Logging
import Membership
import SCIM
import Store
import TestSupport
import Testing

@testable import Sync

/// `OutboxPruner`: what `storage.outboxRetention` runs in `serve`.
@Suite("Sync: pruning the outbox")
struct OutboxPrunerTests {
    @Test("a pass deletes, batch after batch, every entry finished before now less the retention")
    func aPassDeletesInBatchesWhatIsOlderThanTheRetention() async throws {
        try await withTestBridge { bridge in
            let store = bridge.store
            let channel = try await store.createChannel(named: "c")
            try await store.setTargets(["t"], for: channel)
            for i in 0..<7 {
                _ = try await store.create(.user, in: channel, resource: StoredBodies.user("u\(i)"), members: [])
            }
            let due = try await store.dueOutboxEntries(target: "t", limit: 10, now: .now)
            for e in due.prefix(5) { try await store.completeOutboxEntry(e.seq) }

            let pruner = OutboxPruner(store: store, retention: .seconds(3600), batchSize: 2, logger: Logger(label: "t"))
            // Finished just now: inside the retention, kept.
            #expect(await pruner.pruneOnce() == 0)
            // Two hours on, they are older than it: three batches (2, 2, 1) delete the five.
            let later = SCIMDateTime(seconds: SCIMDateTime.now.seconds + 7200)
            #expect(await pruner.pruneOnce(now: later) == 5)
            #expect(try await store.outboxCounts(target: "t") == ["pending": 2])
        }
    }

    @Test func theCutoffIsNowLessTheRetention() {
        let now = SCIMDateTime(seconds: 1_800_000_000, nanoseconds: 250_000_000)
        #expect(
            OutboxPruner.cutoff(now: now, retention: .seconds(30 * 86_400))
                == SCIMDateTime(seconds: 1_800_000_000 - 2_592_000, nanoseconds: 250_000_000)
        )
    }
}
