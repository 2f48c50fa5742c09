import Foundation
import Logging
import SCIM
import TestSupport
import Testing

@testable import Server
@testable import Store

@Suite("Channels and authentication: the identity provider's last request")
struct ChannelActivityTests {
    @Test("a channel's requests are written the first time, then at most once an interval, each channel apart")
    func writesAreThrottledPerChannel() async throws {
        try await withTestBridge { bridge in
            let activity = ChannelActivity(store: bridge.store, logger: Logger(label: "test"))
            let t0 = ContinuousClock.now
            #expect(activity.isDue(1, at: t0))
            #expect(!activity.isDue(1, at: t0 + .seconds(9)))
            #expect(activity.isDue(2, at: t0 + .seconds(9)), "another channel has its own interval")
            #expect(activity.isDue(1, at: t0 + ChannelActivity.interval))
            #expect(!activity.isDue(1, at: t0 + ChannelActivity.interval + .seconds(1)))
        }
    }
}
