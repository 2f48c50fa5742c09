/// The two resource types of RFC 7643 §4.
package enum ResourceKind: String, Sendable, Hashable, CaseIterable {
    case user = "User"
    case group = "Group"
}
