import Membership
import Testing

/// What the bridge owns of a linked group: its origin and the members the bridge added. The input of
/// both planners' `unlink` rows.
struct Ownership: Sendable, CustomTestStringConvertible {
    var origin: GroupOrigin
    var bridgeAdded: Set<String>
    var testDescription: String { "\(origin.rawValue), bridge added \(bridgeAdded.sorted())" }

    init(_ origin: GroupOrigin, bridgeAdded: Set<String>) {
        self.origin = origin
        self.bridgeAdded = bridgeAdded
    }
}
