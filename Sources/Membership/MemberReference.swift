/// A member of a group: a user or a group, by id, with a display name for responses.
package struct MemberReference: Sendable, Hashable {
    package var id: String
    package var kind: ResourceKind
    package var display: String?

    package init(id: String, kind: ResourceKind, display: String? = nil) {
        self.id = id
        self.kind = kind
        self.display = display
    }
}
