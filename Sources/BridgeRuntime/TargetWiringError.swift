/// A target's configuration that cannot be wired to a connector; the message names the key to fix.
package struct TargetWiringError: Error, CustomStringConvertible {
    /// The configuration key at fault, e.g. `targets[0].auth`.
    package var key: String
    /// What is wrong with it and what it needs.
    package var problem: String

    package init(_ key: String, _ problem: String) {
        self.key = key
        self.problem = problem
    }

    package var description: String { "\(key): \(problem)" }
}
