package import BridgeConfig
package import BridgeRuntime
import Connectors
package import Emulators
package import Foundation
import Testing

/// An emulator a `SyncHarness` can stand a target up on: the configuration entry that reaches it, the
/// connector production builds from that entry, and how the emulator names a group's members.
package protocol HarnessEmulator: EmulatedTarget {
    /// The connector type `TargetServices` builds for this kind.
    associatedtype Connector: Sendable
    /// The target's configuration entry (kind, base URL, credentials) for this emulator listening at `url`.
    func targetSettings(name: String, url: URL) -> TargetSettings
    /// The connector `TargetServices` builds from `settings`.
    static func connect(_ settings: TargetSettings, tuning: ConnectorTuning) throws -> HarnessConnection<Connector>
    /// The members of group `group`, by the name the kind matches users on (user name or email).
    func memberNames(of group: String) -> Set<String>
}

/// A target's connector as `TargetServices` built it: as its own type for the test, as the processor
/// takes it, and the count of access tokens it obtained.
package struct HarnessConnection<Connector: Sendable>: Sendable {
    let connector: Connector
    let wired: TargetServices.TargetConnector
    let tokensIssued: @Sendable () async -> Int

    /// The connector `TargetServices` builds from `settings`, as the test's type, with its token count.
    static func wired(_ settings: TargetSettings, tuning: ConnectorTuning) throws -> HarnessConnection {
        let signedIn = try TargetServices.signedIn(settings, index: 0, tuning: tuning)
        let built: Any
        switch signedIn.connector {
        case .groupCentric(let c): built = c
        case .userCentric(let c): built = c
        }
        let connector = try #require(
            built as? Connector,
            "TargetServices built a \(type(of: built)), not a \(Connector.self)"
        )
        return HarnessConnection(connector: connector, wired: signedIn.connector, tokensIssued: signedIn.tokensIssued)
    }
}

extension HarnessEmulator {
    package static func connect(_ settings: TargetSettings, tuning: ConnectorTuning) throws -> HarnessConnection<
        Connector
    > {
        try .wired(settings, tuning: tuning)
    }
}
