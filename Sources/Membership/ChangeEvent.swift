package import SCIM

/// A change to the canonical model that every target of the channel must eventually reflect.
///
/// Events name resources, not their contents: a worker reads the current canonical state when it
/// processes one, so replaying an event (at-least-once delivery) converges to the same result.
/// Membership events carry their delta so that their cost follows the change, not the group size.
package enum ChangeEvent: Sendable, Hashable {
    case userUpserted(id: String)
    case userDeleted(id: String)
    case groupUpserted(id: String)
    case groupDeleted(id: String)
    case membersChanged(groupID: String, added: [String], removed: [String])

    /// The key events are ordered by: all events of one resource are delivered in order.
    package var resourceKey: String {
        switch self {
        case .userUpserted(let id), .userDeleted(let id): return "user:\(id)"
        case .groupUpserted(let id), .groupDeleted(let id): return "group:\(id)"
        case .membersChanged(let id, _, _): return "group:\(id)"
        }
    }

    /// The event's type as stored (`user.upserted`, `group.members`, …); spans are named after it.
    package var type: String {
        switch self {
        case .userUpserted: "user.upserted"
        case .userDeleted: "user.deleted"
        case .groupUpserted: "group.upserted"
        case .groupDeleted: "group.deleted"
        case .membersChanged: "group.members"
        }
    }

    /// The event as stored in the outbox.
    package var json: JSONValue {
        switch self {
        case .userUpserted(let id), .userDeleted(let id), .groupUpserted(let id), .groupDeleted(let id):
            return ["type": .string(type), "id": .string(id)]
        case .membersChanged(let id, let added, let removed):
            return [
                "type": .string(type), "id": .string(id),
                "added": .array(added.map(JSONValue.string)), "removed": .array(removed.map(JSONValue.string)),
            ]
        }
    }

    /// Reads an event written by `json`; nil for anything else.
    package init?(json: JSONValue) {
        guard let type = json["type"]?.stringValue, let id = json["id"]?.stringValue else { return nil }
        switch type {
        case "user.upserted": self = .userUpserted(id: id)
        case "user.deleted": self = .userDeleted(id: id)
        case "group.upserted": self = .groupUpserted(id: id)
        case "group.deleted": self = .groupDeleted(id: id)
        case "group.members":
            let added = json["added"]?.arrayValue?.compactMap(\.stringValue) ?? []
            let removed = json["removed"]?.arrayValue?.compactMap(\.stringValue) ?? []
            self = .membersChanged(groupID: id, added: added, removed: removed)
        default: return nil
        }
    }
}
