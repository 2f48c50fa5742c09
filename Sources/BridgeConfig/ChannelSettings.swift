/// One entry of `channels:`: an inbound SCIM base URL (`/scim/v2/{name}`) and the targets it fans out to.
package struct ChannelSettings: Sendable, Hashable {
    /// 1-64 of `a-z`, `0-9`, `-`, `_`, not starting with `-`; the URL path segment.
    package var name: String
    /// Names of entries of `targets:`, each at most once. Default: none (the channel only stores).
    package var targets: [String]

    package init(name: String, targets: [String] = []) {
        self.name = name
        self.targets = targets
    }

    /// Whether `name` is a valid channel (or target) name: 1-64 of `a-z0-9_-`, not starting with `-`.
    package static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.unicodeScalars.count <= 64 && name.first != "-"
            && name.unicodeScalars.allSatisfy {
                ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" || $0 == "_"
            }
    }
}
